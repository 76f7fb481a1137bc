package dev.musubi.privacy;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The company's privacy notice (plain text); {@code updatedAt} is null until an admin writes one.
 */
public record PrivacyNotice(String body, @Nullable Instant updatedAt) {}
