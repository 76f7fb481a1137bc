package dev.musubi.messaging;

import java.util.List;
import java.util.UUID;

/**
 * Published (after commit) when a room was created, renamed or its members changed.
 *
 * @param kind {@code room.created}, {@code room.changed} or {@code room.members}
 * @param formerMembers members who just left or were removed (they hear about it once more)
 */
public record RoomChanged(UUID tenantId, UUID roomId, String kind, List<UUID> formerMembers) {}
