package dev.musubi.messaging;

import java.util.UUID;

/** Published (after commit) when a member's read pointer in a room moved forward. */
public record ReadMoved(UUID tenantId, UUID roomId, UUID memberId, long upTo) {}
