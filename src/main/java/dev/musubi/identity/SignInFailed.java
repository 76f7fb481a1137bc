package dev.musubi.identity;

import java.util.UUID;

/**
 * A sign-in attempt for an existing member failed (wrong password or second factor). Published in
 * the failure's own transaction; the admin module counts these for its alert rule.
 */
public record SignInFailed(UUID tenantId, UUID memberId, String loginId) {}
