package dev.musubi.audit;

import dev.musubi.audit.AuditRecord.Outcome;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What to search the trail for; null fields do not filter. The company is never part of the filter:
 * callers pass the signed-in member's company to {@link AuditLog}.
 *
 * @param from entries at or after this instant
 * @param to entries before this instant
 * @param actor a login ID (case-insensitive) or a member ID
 * @param page zero-based page number
 * @param size entries per page, 1 to {@link #MAX_SIZE}
 * @throws IllegalArgumentException for a negative page, a size out of range, or from after to
 */
public record AuditFilter(
    @Nullable Instant from,
    @Nullable Instant to,
    @Nullable String actor,
    @Nullable AuditAction action,
    @Nullable String targetType,
    @Nullable String targetId,
    @Nullable Outcome outcome,
    int page,
    int size) {

  public static final int MAX_SIZE = 200;
  public static final int DEFAULT_SIZE = 50;

  public AuditFilter {
    if (page < 0) {
      throw new IllegalArgumentException("page must not be negative");
    }
    if (size < 1 || size > MAX_SIZE) {
      throw new IllegalArgumentException("size must be between 1 and " + MAX_SIZE);
    }
    if (from != null && to != null && from.isAfter(to)) {
      throw new IllegalArgumentException("from must not be after to");
    }
  }

  /** No filter: the first page of the newest entries. */
  public static AuditFilter all() {
    return new AuditFilter(null, null, null, null, null, null, null, 0, DEFAULT_SIZE);
  }
}
