package dev.musubi.identity;

import java.time.Instant;
import java.util.UUID;

/**
 * A member was deleted. They can no longer sign in; an admin can restore them until {@code
 * purgeAfter}, when {@link MemberPurged} follows. Modules that hand a member's data over (drive
 * files, calendars, room ownership) can listen for either.
 */
public record MemberDeleted(UUID tenantId, UUID memberId, Instant purgeAfter) {}
