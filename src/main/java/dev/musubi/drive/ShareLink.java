package dev.musubi.drive;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A sharing link for people outside the company. {@code token} is present only in the answer that
 * created the link (only its hash is stored).
 */
public record ShareLink(
    UUID id,
    UUID fileId,
    @Nullable String token,
    @Nullable Instant expiresAt,
    @Nullable Integer maxDownloads,
    int downloads,
    boolean passwordRequired,
    Instant createdAt,
    @Nullable Instant revokedAt) {}
