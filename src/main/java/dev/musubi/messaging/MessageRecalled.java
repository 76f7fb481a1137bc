package dev.musubi.messaging;

import java.util.UUID;

/** Published (after commit) when the sender recalled a message for everyone. */
public record MessageRecalled(UUID tenantId, UUID roomId, UUID messageId, long seq) {}
