package dev.musubi.messaging;

import java.util.UUID;

/** Published (after commit) when a member added or removed a reaction. */
public record ReactionChanged(UUID tenantId, UUID roomId, UUID messageId, long seq) {}
