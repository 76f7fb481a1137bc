package dev.musubi.privacy;

import java.time.Instant;
import java.util.UUID;

/** A legal hold on a member's data or a talk room; it overrides retention and erasure. */
public record LegalHold(
    UUID id, String scopeType, UUID scopeId, String reason, UUID createdBy, Instant createdAt) {}
