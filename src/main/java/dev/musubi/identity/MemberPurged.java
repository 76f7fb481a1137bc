package dev.musubi.identity;

import java.util.UUID;

/**
 * A deleted member's grace period ended and their personal data was removed (name, contact data,
 * credentials, roles, departments). The member row stays, anonymised, so that messages and audit
 * entries keep pointing at something.
 */
public record MemberPurged(UUID tenantId, UUID memberId) {}
