package dev.musubi.mail;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A member's folder with its unread and total counts; {@code role} is {@code inbox}, {@code sent},
 * {@code drafts}, {@code trash}, {@code junk}, {@code archive}, or null for a custom folder.
 */
public record MailFolder(UUID id, String name, @Nullable String role, long unread, long total) {}
