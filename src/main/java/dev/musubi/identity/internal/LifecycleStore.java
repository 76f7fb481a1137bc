package dev.musubi.identity.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.platform.Jdbc;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Storage for the member lifecycle: one-time password reset links (only the SHA-256 of the token is
 * kept), the deletion grace period and the purge that anonymises a member afterwards.
 */
@Repository
public class LifecycleStore {

  /** A reset link as stored. */
  public record ResetLinkRow(UUID id, UUID tenantId, UUID memberId, Instant expiresAt) {}

  /** A deleted member waiting for the purge. */
  public record DeletedRow(
      UUID id,
      UUID tenantId,
      String loginId,
      String displayName,
      Instant deletedAt,
      Instant purgeAfter) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;

  LifecycleStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A fresh unguessable token (256 bits, URL-safe). */
  public static String newToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Stores a link for the token and ends every earlier unused link of the member. */
  public void insertResetLink(
      UUID id,
      UUID tenantId,
      UUID memberId,
      String token,
      UUID createdBy,
      Instant now,
      Instant expiresAt) {
    jdbc.sql(
            "UPDATE password_reset_link SET used_at = ? WHERE tenant_id = ? AND member_id = ?"
                + " AND used_at IS NULL")
        .params(ts(now), tenantId, memberId)
        .update();
    jdbc.sql(
            "INSERT INTO password_reset_link (id, tenant_id, member_id, token_hash, created_by,"
                + " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(id, tenantId, memberId, Secrets.sha256(token), createdBy, ts(now), ts(expiresAt))
        .update();
  }

  /** The unused, unexpired link for the token, if any. */
  public Optional<ResetLinkRow> findUsableLink(String token, Instant now) {
    return jdbc.sql(
            "SELECT id, tenant_id, member_id, expires_at FROM password_reset_link"
                + " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?")
        .params(Secrets.sha256(token), ts(now))
        .query(
            (rs, n) ->
                new ResetLinkRow(
                    rs.getObject(1, UUID.class),
                    rs.getObject(2, UUID.class),
                    rs.getObject(3, UUID.class),
                    Jdbc.requiredInstant(rs, "expires_at")))
        .optional();
  }

  /** Marks the link used; false if another request used it first. */
  public boolean useLink(UUID id, Instant now) {
    return jdbc.sql("UPDATE password_reset_link SET used_at = ? WHERE id = ? AND used_at IS NULL")
            .params(ts(now), id)
            .update()
        == 1;
  }

  public void endLinks(UUID tenantId, UUID memberId, Instant now) {
    jdbc.sql(
            "UPDATE password_reset_link SET used_at = ? WHERE tenant_id = ? AND member_id = ?"
                + " AND used_at IS NULL")
        .params(ts(now), tenantId, memberId)
        .update();
  }

  // Deletion ----------------------------------------------------------------------------------

  public void markDeleted(UUID tenantId, UUID id, Instant now, Instant purgeAfter) {
    jdbc.sql(
            "UPDATE member SET status = 'DELETED', deleted_at = ?, purge_after = ?, updated_at = ?"
                + " WHERE tenant_id = ? AND id = ?")
        .params(ts(now), ts(purgeAfter), ts(now), tenantId, id)
        .update();
  }

  /** Brings a deleted member back (suspended until an admin resumes them). */
  public boolean restore(UUID tenantId, UUID id, Instant now) {
    return jdbc.sql(
                "UPDATE member SET status = 'SUSPENDED', deleted_at = NULL, purge_after = NULL,"
                    + " updated_at = ? WHERE tenant_id = ? AND id = ? AND status = 'DELETED'"
                    + " AND purge_after IS NOT NULL AND purge_after > ?")
            .params(ts(now), tenantId, id, ts(now))
            .update()
        == 1;
  }

  private static final org.springframework.jdbc.core.RowMapper<DeletedRow> DELETED =
      (rs, n) ->
          new DeletedRow(
              rs.getObject("id", UUID.class),
              rs.getObject("tenant_id", UUID.class),
              rs.getString("login_id"),
              rs.getString("display_name"),
              Jdbc.requiredInstant(rs, "deleted_at"),
              Jdbc.requiredInstant(rs, "purge_after"));

  /** Deleted members of the company that can still be restored. */
  public List<DeletedRow> restorable(UUID tenantId, Instant now) {
    return jdbc.sql(
            "SELECT id, tenant_id, login_id, display_name, deleted_at, purge_after FROM member"
                + " WHERE tenant_id = ? AND status = 'DELETED' AND purge_after > ?"
                + " ORDER BY deleted_at DESC LIMIT 500")
        .params(tenantId, ts(now))
        .query(DELETED)
        .list();
  }

  public Optional<DeletedRow> deleted(UUID tenantId, UUID id) {
    return jdbc.sql(
            "SELECT id, tenant_id, login_id, display_name, deleted_at, purge_after FROM member"
                + " WHERE tenant_id = ? AND id = ? AND status = 'DELETED'"
                + " AND purge_after IS NOT NULL")
        .params(tenantId, id)
        .query(DELETED)
        .optional();
  }

  /** Deleted members whose grace period is over (any company), oldest first. */
  public List<DeletedRow> due(Instant now, int limit) {
    return jdbc.sql(
            "SELECT id, tenant_id, login_id, display_name, deleted_at, purge_after FROM member"
                + " WHERE status = 'DELETED' AND purge_after IS NOT NULL AND purge_after <= ?"
                + " ORDER BY purge_after LIMIT ?")
        .params(ts(now), limit)
        .query(DELETED)
        .list();
  }

  /**
   * Removes the member's personal data and credentials; the row stays (anonymised, login ID freed)
   * so that references from messages and the audit trail still resolve.
   */
  public void anonymise(UUID tenantId, UUID id, Instant now) {
    String gone = "purged-" + id;
    jdbc.sql(
            "UPDATE member SET login_id = ?, login_key = ?, login_skeleton = ?,"
                + " display_name = '', family_name = '', given_name = '',"
                + " family_name_reading = '', given_name_reading = '', email = '', phone = '',"
                + " password_hash = NULL, totp_secret = NULL, totp_pending_secret = NULL,"
                + " purge_after = NULL, updated_at = ? WHERE tenant_id = ? AND id = ?"
                + " AND status = 'DELETED'")
        .params(gone, gone, gone, ts(now), tenantId, id)
        .update();
    jdbc.sql("DELETE FROM member_role WHERE tenant_id = ? AND member_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM member_department WHERE tenant_id = ? AND member_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM recovery_code WHERE member_id = ?").param(id).update();
    jdbc.sql("DELETE FROM password_history WHERE member_id = ?").param(id).update();
    jdbc.sql("DELETE FROM password_reset_link WHERE member_id = ?").param(id).update();
  }

  /** Clears two-step verification: TOTP and recovery codes. */
  public void clearTwoStep(UUID tenantId, UUID id) {
    jdbc.sql(
            "UPDATE member SET totp_secret = NULL, totp_pending_secret = NULL"
                + " WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM recovery_code WHERE member_id = ?").param(id).update();
  }
}
