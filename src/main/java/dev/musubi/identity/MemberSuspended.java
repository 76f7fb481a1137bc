package dev.musubi.identity;

import java.util.UUID;

/**
 * Published when a member is suspended or deleted: their sessions and tokens are already revoked;
 * listeners close anything else they hold open (sockets, protocol connections).
 */
public record MemberSuspended(UUID tenantId, UUID memberId) {}
