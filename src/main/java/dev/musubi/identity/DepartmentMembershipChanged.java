package dev.musubi.identity;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Published when who belongs to which department may have changed: a member was created, placed in
 * or taken out of departments, or resumed ({@code memberId} set), or the department tree itself
 * changed ({@code memberId} null). Suspensions and deletions publish {@link MemberSuspended}.
 */
public record DepartmentMembershipChanged(UUID tenantId, @Nullable UUID memberId) {}
