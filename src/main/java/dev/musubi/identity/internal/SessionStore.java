package dev.musubi.identity.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.platform.Ids;
import dev.musubi.platform.Jdbc;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Browser sessions. The cookie carries a random secret; the table only its SHA-256. */
@Repository
public class SessionStore {

  /** A session waiting for its second factor can do nothing but finish sign-in. */
  static final String STAGE_MFA = "mfa";

  static final String STAGE_FULL = "full";

  public record SessionRow(
      UUID id,
      UUID tenantId,
      UUID memberId,
      String stage,
      Instant createdAt,
      Instant lastSeenAt,
      Instant expiresAt,
      String ip,
      String userAgent,
      @Nullable Instant revokedAt) {}

  /** A new session: its row ID and the secret for the cookie (shown only here). */
  public record NewSession(UUID id, String secret) {}

  private static final RowMapper<SessionRow> ROW = (rs, n) -> session(rs, "");

  /** The session in the row's columns named with {@code prefix} before the column names. */
  private static SessionRow session(java.sql.ResultSet rs, String prefix)
      throws java.sql.SQLException {
    return new SessionRow(
        rs.getObject(prefix + "id", UUID.class),
        rs.getObject(prefix + "tenant_id", UUID.class),
        rs.getObject(prefix + "member_id", UUID.class),
        rs.getString(prefix + "stage"),
        Jdbc.requiredInstant(rs, prefix + "created_at"),
        Jdbc.requiredInstant(rs, prefix + "last_seen_at"),
        Jdbc.requiredInstant(rs, prefix + "expires_at"),
        rs.getString(prefix + "ip"),
        rs.getString(prefix + "user_agent"),
        Jdbc.instant(rs, prefix + "revoked_at"));
  }

  private final JdbcClient jdbc;
  private final Ids ids;
  private final org.springframework.context.ApplicationEventPublisher events;

  SessionStore(
      JdbcClient jdbc, Ids ids, org.springframework.context.ApplicationEventPublisher events) {
    this.jdbc = jdbc;
    this.ids = ids;
    this.events = events;
  }

  public NewSession create(
      UUID tenantId,
      UUID memberId,
      String stage,
      String ip,
      String userAgent,
      Instant now,
      Instant expiresAt) {
    UUID id = ids.next();
    String secret = ids.secret(32);
    jdbc.sql(
            "INSERT INTO auth_session (id, token_hash, tenant_id, member_id, stage, created_at,"
                + " last_seen_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            id,
            Secrets.sha256(secret),
            tenantId,
            memberId,
            stage,
            ts(now),
            ts(now),
            ts(expiresAt),
            ip,
            userAgent)
        .update();
    if (STAGE_FULL.equals(stage)) {
      events.publishEvent(new dev.musubi.identity.MemberSignedIn(tenantId, memberId, ip));
    }
    return new NewSession(id, secret);
  }

  /** Records that the member re-entered their password in this session. */
  public void reauthenticated(UUID tenantId, UUID id, Instant now) {
    jdbc.sql("UPDATE auth_session SET reauthenticated_at = ? WHERE tenant_id = ? AND id = ?")
        .params(ts(now), tenantId, id)
        .update();
  }

  /** When the member last proved their password in this session (sign-in or re-entry). */
  public Optional<Instant> lastAuthenticated(UUID tenantId, UUID id) {
    return jdbc.sql(
            "SELECT created_at, reauthenticated_at FROM auth_session WHERE tenant_id = ?"
                + " AND id = ? AND revoked_at IS NULL")
        .params(tenantId, id)
        .query(
            (rs, n) -> {
              Instant created = Jdbc.requiredInstant(rs, "created_at");
              Instant re = Jdbc.instant(rs, "reauthenticated_at");
              return re != null && re.isAfter(created) ? re : created;
            })
        .optional();
  }

  /**
   * A session with its member (absent when deleted) and the member's role codes, as one request's
   * authentication needs them: one query instead of three.
   */
  public record SignedIn(
      SessionRow session,
      @Nullable MemberRow member,
      List<String> roleCodes,
      dev.musubi.identity.SecurityPolicy policy) {}

  /** The company's policy columns, each as {@code p_<column>}. */
  private static final String POLICY_SELECT =
      java.util.Arrays.stream(CompanyStore.POLICY_COLUMNS.split(","))
          .map(String::trim)
          .map(c -> ", p." + c + " AS p_" + c)
          .collect(java.util.stream.Collectors.joining());

  public Optional<SignedIn> findSignedIn(String secret) {
    return jdbc.sql(
            "SELECT m.*, s.id AS s_id, s.tenant_id AS s_tenant_id, s.member_id AS s_member_id,"
                + " s.stage AS s_stage, s.created_at AS s_created_at,"
                + " s.last_seen_at AS s_last_seen_at, s.expires_at AS s_expires_at,"
                + " s.ip AS s_ip, s.user_agent AS s_user_agent, s.revoked_at AS s_revoked_at,"
                + " r.role AS r_role"
                + POLICY_SELECT
                + " FROM auth_session s"
                + " LEFT JOIN member m ON m.tenant_id = s.tenant_id AND m.id = s.member_id"
                + " AND m.status <> 'DELETED'"
                + " LEFT JOIN member_role r ON r.member_id = m.id"
                + " LEFT JOIN security_policy p ON p.tenant_id = s.tenant_id"
                + " WHERE s.token_hash = ?")
        .param(Secrets.sha256(secret))
        .query(
            rs -> {
              if (!rs.next()) {
                return Optional.<SignedIn>empty();
              }
              SessionRow session = session(rs, "s_");
              MemberRow member =
                  rs.getObject("id", UUID.class) == null ? null : MemberStore.ROW.mapRow(rs, 0);
              dev.musubi.identity.SecurityPolicy policy =
                  rs.getString("p_mfa_methods") == null
                      ? dev.musubi.identity.SecurityPolicy.defaults()
                      : CompanyStore.policy(rs, "p_");
              List<String> roles = new ArrayList<>();
              do {
                String role = rs.getString("r_role");
                if (role != null) {
                  roles.add(role);
                }
              } while (rs.next());
              return Optional.of(new SignedIn(session, member, roles, policy));
            });
  }

  public Optional<SessionRow> findBySecret(String secret) {
    return jdbc.sql("SELECT * FROM auth_session WHERE token_hash = ?")
        .param(Secrets.sha256(secret))
        .query(ROW)
        .optional();
  }

  public void touch(UUID id, Instant now, String ip) {
    jdbc.sql("UPDATE auth_session SET last_seen_at = ?, ip = ? WHERE id = ?")
        .params(ts(now), ip, id)
        .update();
  }

  public List<SessionRow> active(UUID tenantId, UUID memberId, Instant now) {
    return jdbc.sql(
            "SELECT * FROM auth_session WHERE tenant_id = ? AND member_id = ? AND revoked_at IS"
                + " NULL AND stage = 'full' AND expires_at > ? ORDER BY last_seen_at DESC")
        .params(tenantId, memberId, ts(now))
        .query(ROW)
        .list();
  }

  public boolean revoke(UUID tenantId, UUID memberId, UUID id, Instant now) {
    return jdbc.sql(
                "UPDATE auth_session SET revoked_at = ? WHERE tenant_id = ? AND member_id = ?"
                    + " AND id = ? AND revoked_at IS NULL")
            .params(ts(now), tenantId, memberId, id)
            .update()
        == 1;
  }

  /** Revokes every live session of the member except {@code keep}; returns the revoked IDs. */
  public List<UUID> revokeAll(UUID tenantId, UUID memberId, @Nullable UUID keep, Instant now) {
    List<UUID> live =
        jdbc
            .sql(
                "SELECT id FROM auth_session WHERE tenant_id = ? AND member_id = ?"
                    + " AND revoked_at IS NULL")
            .params(tenantId, memberId)
            .query(UUID.class)
            .list()
            .stream()
            .filter(id -> !id.equals(keep))
            .toList();
    for (UUID id : live) {
      jdbc.sql("UPDATE auth_session SET revoked_at = ? WHERE id = ?").params(ts(now), id).update();
    }
    return live;
  }

  /** Deletes rows that ended more than a day ago, so the table does not grow forever. */
  public int purge(Instant before) {
    return jdbc.sql(
            "DELETE FROM auth_session WHERE (revoked_at IS NOT NULL AND revoked_at < ?)"
                + " OR expires_at < ?")
        .params(ts(before), ts(before))
        .update();
  }
}
