package dev.musubi.privacy.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.platform.Jdbc;
import dev.musubi.privacy.ExportJob;
import dev.musubi.privacy.LegalHold;
import dev.musubi.privacy.PrivacyNotice;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The privacy module's tables; every query filters on the company. */
@Repository
public class PrivacyStore {

  private final JdbcClient jdbc;

  PrivacyStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  // ---- exports -------------------------------------------------------------------------------

  public void insertExport(UUID id, UUID tenantId, UUID memberId, UUID requestedBy, Instant now) {
    jdbc.sql(
            "INSERT INTO privacy_export (id, tenant_id, member_id, requested_by, status,"
                + " created_at) VALUES (?, ?, ?, ?, 'pending', ?)")
        .params(id, tenantId, memberId, requestedBy, ts(now))
        .update();
  }

  public Optional<ExportJob> latestExport(UUID tenantId, UUID memberId, UUID requestedBy) {
    return jdbc.sql(
            "SELECT * FROM privacy_export WHERE tenant_id = ? AND member_id = ?"
                + " AND requested_by = ? ORDER BY created_at DESC, id DESC LIMIT 1")
        .params(tenantId, memberId, requestedBy)
        .query(PrivacyStore::job)
        .optional();
  }

  public Optional<ExportJob> export(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM privacy_export WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(PrivacyStore::job)
        .optional();
  }

  /** Moves a job from one status to another; false when it was not in {@code from}. */
  public boolean transition(UUID tenantId, UUID id, String from, String to) {
    return jdbc.sql(
                "UPDATE privacy_export SET status = ? WHERE tenant_id = ? AND id = ? AND status = ?")
            .params(to, tenantId, id, from)
            .update()
        == 1;
  }

  public void finishExport(
      UUID tenantId,
      UUID id,
      String status,
      int files,
      long bytes,
      @Nullable String error,
      Instant now,
      @Nullable Instant expiresAt) {
    jdbc.sql(
            "UPDATE privacy_export SET status = ?, files = ?, bytes = ?, error = ?,"
                + " finished_at = ?, expires_at = ? WHERE tenant_id = ? AND id = ?")
        .params(status, files, bytes, error, ts(now), ts(expiresAt), tenantId, id)
        .update();
  }

  /** The blob holding a ready export's archive. */
  public record Archive(String sha256, long size) {}

  public void setArchive(UUID tenantId, UUID id, @Nullable Archive archive) {
    jdbc.sql(
            "UPDATE privacy_export SET blob_sha256 = ?, blob_size = ? WHERE tenant_id = ? AND id = ?")
        .params(
            archive == null ? null : archive.sha256(),
            archive == null ? null : archive.size(),
            tenantId,
            id)
        .update();
  }

  public java.util.Optional<Archive> archive(UUID tenantId, UUID id) {
    return jdbc.sql(
            "SELECT blob_sha256, blob_size FROM privacy_export WHERE tenant_id = ? AND id = ?"
                + " AND blob_sha256 IS NOT NULL")
        .params(tenantId, id)
        .query((rs, n) -> new Archive(rs.getString(1), rs.getLong(2)))
        .optional();
  }

  public UUID tenantOfExport(UUID id) {
    return jdbc.sql("SELECT tenant_id FROM privacy_export WHERE id = ?")
        .param(id)
        .query(UUID.class)
        .single();
  }

  /** Jobs that a restart interrupted. */
  public int failInterrupted(Instant now) {
    return jdbc.sql(
            "UPDATE privacy_export SET status = 'failed', error = 'interrupted', finished_at = ?"
                + " WHERE status IN ('pending', 'running')")
        .params(ts(now))
        .update();
  }

  /** Ready archives nobody downloaded in time. */
  public List<ExportJob> expiredExports(Instant now) {
    return jdbc.sql(
            "SELECT * FROM privacy_export WHERE status = 'ready' AND expires_at < ?"
                + " ORDER BY expires_at LIMIT 500")
        .params(ts(now))
        .query(PrivacyStore::job)
        .list();
  }

  private static ExportJob job(ResultSet rs, int n) throws SQLException {
    return new ExportJob(
        rs.getObject("id", UUID.class),
        rs.getObject("member_id", UUID.class),
        rs.getObject("requested_by", UUID.class),
        rs.getString("status"),
        rs.getInt("files"),
        rs.getLong("bytes"),
        rs.getString("error"),
        Jdbc.requiredInstant(rs, "created_at"),
        Jdbc.instant(rs, "finished_at"),
        Jdbc.instant(rs, "expires_at"));
  }

  // ---- retention -----------------------------------------------------------------------------

  /** Days per service for the company (services without a policy are absent). */
  public Map<String, Integer> retention(UUID tenantId) {
    Map<String, Integer> out = new LinkedHashMap<>();
    jdbc.sql("SELECT service, days FROM privacy_retention WHERE tenant_id = ? ORDER BY service")
        .param(tenantId)
        .query(
            (ResultSet rs) -> {
              out.put(rs.getString("service"), rs.getInt("days"));
            });
    return out;
  }

  public void replaceRetention(UUID tenantId, Map<String, Integer> days, UUID by, Instant now) {
    jdbc.sql("DELETE FROM privacy_retention WHERE tenant_id = ?").param(tenantId).update();
    for (var e : days.entrySet()) {
      jdbc.sql(
              "INSERT INTO privacy_retention (tenant_id, service, days, updated_by, updated_at)"
                  + " VALUES (?, ?, ?, ?, ?)")
          .params(tenantId, e.getKey(), e.getValue(), by, ts(now))
          .update();
    }
  }

  public List<UUID> tenantsWithRetention() {
    return jdbc.sql("SELECT DISTINCT tenant_id FROM privacy_retention ORDER BY tenant_id")
        .query(UUID.class)
        .list();
  }

  // ---- holds ---------------------------------------------------------------------------------

  public List<LegalHold> holds(UUID tenantId) {
    return jdbc.sql("SELECT * FROM privacy_hold WHERE tenant_id = ? ORDER BY created_at, id")
        .param(tenantId)
        .query(PrivacyStore::hold)
        .list();
  }

  public Optional<LegalHold> hold(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM privacy_hold WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(PrivacyStore::hold)
        .optional();
  }

  public Optional<LegalHold> holdOn(UUID tenantId, String scopeType, UUID scopeId) {
    return jdbc.sql(
            "SELECT * FROM privacy_hold WHERE tenant_id = ? AND scope_type = ? AND scope_id = ?")
        .params(tenantId, scopeType, scopeId)
        .query(PrivacyStore::hold)
        .optional();
  }

  public void insertHold(LegalHold h, UUID tenantId) {
    jdbc.sql(
            "INSERT INTO privacy_hold (id, tenant_id, scope_type, scope_id, reason, created_by,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(
            h.id(),
            tenantId,
            h.scopeType(),
            h.scopeId(),
            h.reason(),
            h.createdBy(),
            ts(h.createdAt()))
        .update();
  }

  public boolean deleteHold(UUID tenantId, UUID id) {
    return jdbc.sql("DELETE FROM privacy_hold WHERE tenant_id = ? AND id = ?")
            .params(tenantId, id)
            .update()
        == 1;
  }

  private static LegalHold hold(ResultSet rs, int n) throws SQLException {
    return new LegalHold(
        rs.getObject("id", UUID.class),
        rs.getString("scope_type"),
        rs.getObject("scope_id", UUID.class),
        rs.getString("reason"),
        rs.getObject("created_by", UUID.class),
        Jdbc.requiredInstant(rs, "created_at"));
  }

  // ---- notice --------------------------------------------------------------------------------

  public Optional<PrivacyNotice> notice(UUID tenantId) {
    return jdbc.sql("SELECT body, updated_at FROM privacy_notice WHERE tenant_id = ?")
        .param(tenantId)
        .query((rs, n) -> new PrivacyNotice(rs.getString("body"), Jdbc.instant(rs, "updated_at")))
        .optional();
  }

  public void saveNotice(UUID tenantId, String body, UUID by, Instant now) {
    int n =
        jdbc.sql(
                "UPDATE privacy_notice SET body = ?, updated_by = ?, updated_at = ?"
                    + " WHERE tenant_id = ?")
            .params(body, by, ts(now), tenantId)
            .update();
    if (n == 0) {
      jdbc.sql(
              "INSERT INTO privacy_notice (tenant_id, body, updated_by, updated_at)"
                  + " VALUES (?, ?, ?, ?)")
          .params(tenantId, body, by, ts(now))
          .update();
    }
  }

  // ---- erasures ------------------------------------------------------------------------------

  /** Records that the member's data must be erased (idempotent). */
  public void requestErasure(UUID tenantId, UUID memberId, Instant now) {
    int n =
        jdbc.sql(
                "UPDATE privacy_erasure SET status = 'pending' WHERE tenant_id = ? AND member_id = ?")
            .params(tenantId, memberId)
            .update();
    if (n == 0) {
      jdbc.sql(
              "INSERT INTO privacy_erasure (tenant_id, member_id, status, created_at)"
                  + " VALUES (?, ?, 'pending', ?)")
          .params(tenantId, memberId, ts(now))
          .update();
    }
  }

  public void erasureDone(UUID tenantId, UUID memberId, Instant now) {
    jdbc.sql(
            "UPDATE privacy_erasure SET status = 'done', done_at = ? WHERE tenant_id = ?"
                + " AND member_id = ?")
        .params(ts(now), tenantId, memberId)
        .update();
  }

  /** Whether the member's erasure has completed. */
  public boolean erased(UUID tenantId, UUID memberId) {
    return jdbc.sql(
                "SELECT COUNT(*) FROM privacy_erasure WHERE tenant_id = ? AND member_id = ?"
                    + " AND status = 'done'")
            .params(tenantId, memberId)
            .query(Long.class)
            .single()
        > 0;
  }

  /** Erasures still waiting (a hold, or a failure), as (company, member) pairs. */
  public List<UUID[]> pendingErasures() {
    return jdbc.sql(
            "SELECT tenant_id, member_id FROM privacy_erasure WHERE status = 'pending'"
                + " ORDER BY created_at LIMIT 500")
        .query(
            (rs, n) ->
                new UUID[] {
                  rs.getObject("tenant_id", UUID.class), rs.getObject("member_id", UUID.class)
                })
        .list();
  }
}
