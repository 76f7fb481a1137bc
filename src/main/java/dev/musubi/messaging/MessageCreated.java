package dev.musubi.messaging;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Published (in the sending transaction; listeners act after commit) when a message was posted.
 * {@code message} is the message as every member sees it right after the commit, when the sender
 * could build it without reading anything back (a member's text or sticker without files), so that
 * the realtime fan-out and the search index need not read it again; null otherwise.
 */
public record MessageCreated(
    UUID tenantId,
    UUID roomId,
    UUID messageId,
    long seq,
    UUID senderId,
    @Nullable Message message) {

  public MessageCreated(UUID tenantId, UUID roomId, UUID messageId, long seq, UUID senderId) {
    this(tenantId, roomId, messageId, seq, senderId, null);
  }
}
