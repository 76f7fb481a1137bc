package dev.musubi.identity;

import java.util.UUID;

/** A member completed sign-in (a full session started) from the given address. */
public record MemberSignedIn(UUID tenantId, UUID memberId, String ip) {}
