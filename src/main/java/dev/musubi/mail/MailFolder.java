package dev.musubi.mail;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A member's folder with its unread and total counts; {@code role} is {@code inbox}, {@code sent},
 * {@code drafts}, {@code trash}, {@code junk}, {@code archive}, or null for a custom folder.
 */
public record MailFolder(
    UUID id,
    String name,
    @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String role,
    long unread,
    long total) {}
