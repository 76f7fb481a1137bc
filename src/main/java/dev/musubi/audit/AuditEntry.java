package dev.musubi.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a company's audit trail as stored.
 *
 * @param seq the position in the company's chain, from 1 without gaps
 * @param action the {@link AuditAction} name when written
 * @param actionCode its stable code
 * @param outcome {@code SUCCESS} or {@code FAILURE}
 * @param actorId the member who acted, or null (anonymous, system)
 * @param ip the client address, empty when not from a request
 * @param userAgent the client's user agent, empty when not from a request
 * @param detail the non-secret facts recorded with the entry
 * @param prevHash the hash of the entry before (64 zeros for the first)
 * @param hash hex SHA-256 over every other field
 */
public record AuditEntry(
    UUID id,
    UUID tenantId,
    long seq,
    Instant occurredAt,
    String action,
    int actionCode,
    String outcome,
    @Nullable UUID actorId,
    String actorLogin,
    String targetType,
    String targetId,
    String ip,
    String userAgent,
    Map<String, String> detail,
    String prevHash,
    String hash) {}
