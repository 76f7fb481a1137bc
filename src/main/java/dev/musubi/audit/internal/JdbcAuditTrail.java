package dev.musubi.audit.internal;

import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.platform.Ids;
import dev.musubi.platform.web.RequestInfo;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Appends to a company's chain: locks the chain head row, links the new entry to the head's hash
 * and moves the head, all in the caller's transaction. The row lock serialises appends per company
 * (companies do not wait for each other), and a rolled-back caller takes its entry and the head
 * move with it, so the chain never has a gap.
 *
 * <p>The trail stores what the caller passes. Callers must never put a secret (password, one-time
 * code, token, recovery code) or message content into a record.
 */
@Service
class JdbcAuditTrail implements AuditTrail {

  private final JdbcClient jdbc;
  private final Clock clock;
  private final Ids ids;
  private final RequestInfo requestInfo;

  JdbcAuditTrail(JdbcClient jdbc, Clock clock, Ids ids, RequestInfo requestInfo) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.ids = ids;
    this.requestInfo = requestInfo;
  }

  @Override
  @Transactional(propagation = Propagation.REQUIRED)
  public void record(AuditRecord record) {
    UUID tenantId = record.tenantId();
    createHeadIfAbsent(tenantId);
    Head head =
        jdbc.sql("SELECT seq, hash FROM audit_chain_head WHERE tenant_id = ? FOR UPDATE")
            .param(tenantId)
            .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash")))
            .single();

    HttpServletRequest request = currentRequest();
    String ip = record.ip() != null ? record.ip() : request == null ? "" : clientIp(request);
    String userAgent =
        record.userAgent() != null
            ? record.userAgent()
            : request == null ? "" : requestInfo.userAgent(request);
    Instant now = AuditCodec.storable(clock.instant());
    var fields =
        new ChainFields(
            ids.next(),
            tenantId,
            head.seq() + 1,
            now,
            record.action().name(),
            record.action().code(),
            record.outcome().name(),
            record.actorId(),
            clean(record.actorLogin(), 320),
            clean(record.targetType(), 40),
            clean(record.targetId(), 100),
            clean(ip, 64),
            clean(userAgent, 400),
            AuditCodec.detailJson(record.detail()),
            head.hash());
    String hash = AuditCodec.hash(fields);

    jdbc.sql(
            "INSERT INTO audit_event (id, tenant_id, seq, occurred_at, action, action_code,"
                + " outcome, actor_id, actor_login, target_type, target_id, ip, user_agent,"
                + " detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?)")
        .params(
            fields.id(),
            fields.tenantId(),
            fields.seq(),
            OffsetDateTime.ofInstant(fields.occurredAt(), ZoneOffset.UTC),
            fields.action(),
            fields.actionCode(),
            fields.outcome(),
            fields.actorId(),
            fields.actorLogin(),
            fields.targetType(),
            fields.targetId(),
            fields.ip(),
            fields.userAgent(),
            fields.detailJson(),
            fields.prevHash(),
            hash)
        .update();
    jdbc.sql("UPDATE audit_chain_head SET seq = ?, hash = ? WHERE tenant_id = ?")
        .params(fields.seq(), hash, tenantId)
        .update();
  }

  /**
   * Two first appends may race to create the head. {@code ON CONFLICT DO NOTHING} makes the loser
   * wait for the winner and then do nothing (PostgreSQL, without aborting the transaction); a
   * duplicate key that still surfaces (H2) leaves the transaction usable and is ignored.
   */
  private void createHeadIfAbsent(UUID tenantId) {
    boolean exists =
        jdbc.sql("SELECT COUNT(*) FROM audit_chain_head WHERE tenant_id = ?")
                .param(tenantId)
                .query(Long.class)
                .single()
            > 0;
    if (exists) {
      return;
    }
    try {
      jdbc.sql(
              "INSERT INTO audit_chain_head (tenant_id, seq, hash) VALUES (?, 0, ?)"
                  + " ON CONFLICT DO NOTHING")
          .params(tenantId, AuditCodec.GENESIS)
          .update();
    } catch (DuplicateKeyException e) {
      // Another transaction created it first; the SELECT ... FOR UPDATE waits for it.
    }
  }

  /**
   * Cut to the column size; NUL, which PostgreSQL text cannot hold, becomes U+FFFD so that a
   * hostile login ID cannot make the entry of a failed sign-in fail.
   */
  private static String clean(String text, int max) {
    return AuditCodec.cut(text.replace('\0', '\uFFFD'), max);
  }

  private String clientIp(HttpServletRequest request) {
    return requestInfo.clientIp(request);
  }

  private static @Nullable HttpServletRequest currentRequest() {
    if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs) {
      return attrs.getRequest();
    }
    return null;
  }

  private record Head(long seq, String hash) {}
}
