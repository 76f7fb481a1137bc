package dev.musubi.messaging;

import java.util.UUID;

/** Published (after commit) when a message was pinned in its room or unpinned. */
public record MessagePinned(UUID tenantId, UUID roomId, UUID messageId, long seq) {}
