package dev.musubi.audit.internal;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Every stored field of one audit row except its own hash, exactly as stored: the input of {@link
 * AuditCodec#hash(ChainFields)}.
 *
 * @param occurredAt already truncated to microseconds (what both databases keep)
 * @param detailJson the stored detail text, canonical JSON with sorted keys
 */
public record ChainFields(
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
    String detailJson,
    String prevHash) {}
