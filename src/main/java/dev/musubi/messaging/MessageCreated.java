package dev.musubi.messaging;

import java.util.UUID;

/** Published (after commit) when a message was posted. */
public record MessageCreated(UUID tenantId, UUID roomId, UUID messageId, long seq, UUID senderId) {}
