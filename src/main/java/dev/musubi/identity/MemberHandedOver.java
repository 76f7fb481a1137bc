package dev.musubi.identity;

import java.util.UUID;

/**
 * An admin deleted a member and chose a colleague to take over what the member held: modules move
 * it to {@code toMemberId} (personal drive files, calendars, ownership of shared rooms). Published
 * inside the deleting transaction, so listeners run in it and a failure undoes the whole deletion.
 * {@code toMemberId} is an active member of the same company; {@code fromName} is the deleted
 * member's display name, for naming what is handed over.
 */
public record MemberHandedOver(
    UUID tenantId, UUID fromMemberId, String fromName, UUID toMemberId) {}
