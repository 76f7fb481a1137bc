package dev.musubi.privacy;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A personal-data export: who it is about, who asked, and how far it got.
 *
 * @param status {@code pending}, {@code running}, {@code ready}, {@code failed}, {@code downloaded}
 *     or {@code expired}
 * @param expiresAt when a ready archive is deleted if nobody downloads it
 */
public record ExportJob(
    UUID id,
    UUID memberId,
    UUID requestedBy,
    String status,
    int files,
    long bytes,
    @Nullable String error,
    Instant createdAt,
    @Nullable Instant finishedAt,
    @Nullable Instant expiresAt) {

  public boolean active() {
    return status.equals("pending") || status.equals("running");
  }
}
