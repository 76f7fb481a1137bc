package dev.musubi.identity;

import java.util.List;
import java.util.UUID;

/** Published when sessions end before their time (sign-out, revocation, password change). */
public record SessionsEnded(UUID tenantId, UUID memberId, List<UUID> sessionIds) {}
