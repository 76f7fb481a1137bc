package dev.musubi.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A room as one member sees it.
 *
 * @param members the current members' IDs
 * @param owners the owners' IDs (a subset of members)
 * @param lastSeq the sequence number of the newest message (0 when none)
 * @param lastReadSeq the caller's read pointer
 * @param unreadCount messages after the caller's read pointer
 * @param lastMessage a preview of the newest message, or null when there is none
 * @param departmentId for a department room, the department whose members it holds
 * @param includeSubDepartments for a department room, whether members of departments below count
 * @param botId for a bot room (a bot's direct room with the caller), the bot
 */
public record Room(
    UUID id,
    RoomType type,
    String name,
    List<UUID> members,
    List<UUID> owners,
    long lastSeq,
    long lastReadSeq,
    long unreadCount,
    boolean pinned,
    boolean muted,
    boolean archived,
    @Nullable Preview lastMessage,
    Instant lastActivityAt,
    Instant createdAt,
    @Nullable UUID departmentId,
    boolean includeSubDepartments,
    @Nullable UUID botId) {

  /** What a bot learns about a room it is in. */
  public record Summary(UUID id, RoomType type, String name, int memberCount, long lastSeq) {}

  /** The newest message, shortened; no text when recalled. */
  public record Preview(
      UUID id,
      long seq,
      UUID senderId,
      @Nullable String text,
      boolean recalled,
      Instant createdAt,
      String kind) {}
}
