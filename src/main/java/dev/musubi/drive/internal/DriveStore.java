package dev.musubi.drive.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.drive.DrivePolicy;
import dev.musubi.platform.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The drive tables. Every statement filters on the tenant. */
@Repository
public class DriveStore {

  public record DriveRow(
      UUID id,
      UUID tenantId,
      String kind,
      @Nullable UUID ownerId,
      String name,
      UUID rootFolderId,
      Instant createdAt) {
    public boolean personal() {
      return "personal".equals(kind);
    }
  }

  public record NodeRow(
      UUID id,
      UUID tenantId,
      UUID driveId,
      @Nullable UUID parentId,
      String kind,
      String name,
      long size,
      @Nullable String contentType,
      @Nullable UUID currentVersionId,
      @Nullable UUID createdBy,
      Instant createdAt,
      Instant updatedAt,
      @Nullable Instant trashedAt) {
    public boolean folder() {
      return "folder".equals(kind);
    }
  }

  public record VersionRow(
      UUID id,
      UUID tenantId,
      UUID nodeId,
      int seq,
      String sha256,
      long size,
      String contentType,
      @Nullable UUID createdBy,
      Instant createdAt) {}

  public record Grant(String principalType, UUID principalId, String role) {}

  public record LinkRow(
      UUID id,
      UUID tenantId,
      UUID nodeId,
      String tokenHash,
      @Nullable String passwordHash,
      @Nullable Instant expiresAt,
      @Nullable Integer maxDownloads,
      int downloads,
      @Nullable UUID createdBy,
      Instant createdAt,
      @Nullable Instant revokedAt) {}

  private final JdbcClient jdbc;

  DriveStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  // ---- drives --------------------------------------------------------------------------------

  public Optional<DriveRow> personal(UUID tenantId, UUID memberId) {
    return jdbc.sql("SELECT * FROM drive WHERE tenant_id = ? AND owner_id = ?")
        .params(tenantId, memberId)
        .query(DriveStore::drive)
        .optional();
  }

  public Optional<DriveRow> drive(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM drive WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(DriveStore::drive)
        .optional();
  }

  public List<DriveRow> sharedDrives(UUID tenantId) {
    return jdbc.sql("SELECT * FROM drive WHERE tenant_id = ? AND kind = 'shared' ORDER BY name, id")
        .param(tenantId)
        .query(DriveStore::drive)
        .list();
  }

  /** Inserts a drive with its root folder; false when a personal drive already exists. */
  public boolean insertDrive(DriveRow d, @Nullable UUID createdBy) {
    int n =
        jdbc.sql(
                "INSERT INTO drive (id, tenant_id, kind, owner_id, name, root_folder_id,"
                    + " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT DO NOTHING")
            .params(
                d.id(),
                d.tenantId(),
                d.kind(),
                d.ownerId(),
                d.name(),
                d.rootFolderId(),
                createdBy,
                ts(d.createdAt()))
            .update();
    if (n == 0) {
      return false;
    }
    insertNode(
        new NodeRow(
            d.rootFolderId(),
            d.tenantId(),
            d.id(),
            null,
            "folder",
            d.name(),
            0,
            null,
            null,
            createdBy,
            d.createdAt(),
            d.createdAt(),
            null),
        null);
    return true;
  }

  public List<Grant> grants(UUID tenantId, UUID driveId) {
    return jdbc.sql(
            "SELECT principal_type, principal_id, role FROM drive_member"
                + " WHERE tenant_id = ? AND drive_id = ? ORDER BY principal_type, principal_id")
        .params(tenantId, driveId)
        .query((rs, i) -> new Grant(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3)))
        .list();
  }

  public void putGrant(UUID tenantId, UUID driveId, Grant g, UUID by, Instant now) {
    int n =
        jdbc.sql(
                "UPDATE drive_member SET role = ?, granted_by = ?, granted_at = ? WHERE tenant_id ="
                    + " ? AND drive_id = ? AND principal_type = ? AND principal_id = ?")
            .params(g.role(), by, ts(now), tenantId, driveId, g.principalType(), g.principalId())
            .update();
    if (n == 0) {
      jdbc.sql(
              "INSERT INTO drive_member (tenant_id, drive_id, principal_type, principal_id, role,"
                  + " granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
          .params(tenantId, driveId, g.principalType(), g.principalId(), g.role(), by, ts(now))
          .update();
    }
  }

  public boolean removeGrant(UUID tenantId, UUID driveId, UUID principalId) {
    return jdbc.sql(
                "DELETE FROM drive_member WHERE tenant_id = ? AND drive_id = ? AND principal_id = ?")
            .params(tenantId, driveId, principalId)
            .update()
        > 0;
  }

  /**
   * The departments a member belongs to. Reads identity's placement table directly (read only):
   * rights are checked on every call and this is the one fact drive needs from it.
   */
  public List<UUID> departmentsOf(UUID tenantId, UUID memberId) {
    return jdbc.sql(
            "SELECT department_id FROM member_department WHERE tenant_id = ? AND member_id = ?")
        .params(tenantId, memberId)
        .query((rs, i) -> rs.getObject(1, UUID.class))
        .list();
  }

  // ---- nodes ---------------------------------------------------------------------------------

  public void insertNode(NodeRow n, @Nullable String liveKey) {
    jdbc.sql(
            "INSERT INTO drive_node (id, tenant_id, drive_id, parent_id, kind, name, live_key,"
                + " size, content_type, current_version_id, created_by, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            n.id(),
            n.tenantId(),
            n.driveId(),
            n.parentId(),
            n.kind(),
            n.name(),
            liveKey,
            n.size(),
            n.contentType(),
            n.currentVersionId(),
            n.createdBy(),
            ts(n.createdAt()),
            ts(n.updatedAt()))
        .update();
  }

  public Optional<NodeRow> node(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM drive_node WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(DriveStore::node)
        .optional();
  }

  /** Takes the node's row lock for the rest of the transaction. */
  public void lock(UUID tenantId, UUID id) {
    jdbc.sql("UPDATE drive_node SET size = size WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .update();
  }

  public Optional<NodeRow> child(UUID tenantId, UUID parentId, String key) {
    return jdbc.sql(
            "SELECT * FROM drive_node WHERE tenant_id = ? AND parent_id = ? AND live_key = ?")
        .params(tenantId, parentId, key)
        .query(DriveStore::node)
        .optional();
  }

  public long countChildren(UUID tenantId, UUID parentId) {
    return jdbc.sql(
            "SELECT COUNT(*) FROM drive_node WHERE tenant_id = ? AND parent_id = ?"
                + " AND trashed_at IS NULL")
        .params(tenantId, parentId)
        .query(Long.class)
        .single();
  }

  public List<NodeRow> children(
      UUID tenantId, UUID parentId, String sort, boolean desc, int offset, int limit) {
    String column =
        switch (sort) {
          case "size" -> "size";
          case "updated" -> "updated_at";
          default -> "live_key";
        };
    String dir = desc ? " DESC" : " ASC";
    return jdbc.sql(
            "SELECT * FROM drive_node WHERE tenant_id = ? AND parent_id = ? AND trashed_at IS NULL"
                + " ORDER BY CASE WHEN kind = 'folder' THEN 0 ELSE 1 END, "
                + column
                + dir
                + ", id LIMIT ? OFFSET ?")
        .params(tenantId, parentId, limit, offset)
        .query(DriveStore::node)
        .list();
  }

  /** Every child, trashed or not (for copies and removal). */
  public List<NodeRow> allChildren(UUID tenantId, UUID parentId) {
    return jdbc.sql("SELECT * FROM drive_node WHERE tenant_id = ? AND parent_id = ? ORDER BY id")
        .params(tenantId, parentId)
        .query(DriveStore::node)
        .list();
  }

  /** Live children after the given name key (null: from the first), in name-key order. */
  public List<NodeRow> liveChildrenAfter(
      UUID tenantId, UUID parentId, @Nullable String afterKey, int limit) {
    if (afterKey == null) {
      return liveChildren(tenantId, parentId, limit);
    }
    return jdbc.sql(
            "SELECT * FROM drive_node WHERE tenant_id = ? AND parent_id = ? AND trashed_at IS NULL"
                + " AND live_key > ? ORDER BY live_key, id LIMIT ?")
        .params(tenantId, parentId, afterKey, limit)
        .query(DriveStore::node)
        .list();
  }

  public List<NodeRow> liveChildren(UUID tenantId, UUID parentId, int limit) {
    return jdbc.sql(
            "SELECT * FROM drive_node WHERE tenant_id = ? AND parent_id = ? AND trashed_at IS NULL"
                + " ORDER BY live_key, id LIMIT ?")
        .params(tenantId, parentId, limit)
        .query(DriveStore::node)
        .list();
  }

  public List<NodeRow> searchByName(UUID tenantId, UUID driveId, String text, int limit) {
    return jdbc.sql(
            "SELECT * FROM drive_node WHERE tenant_id = ? AND drive_id = ? AND parent_id IS NOT"
                + " NULL AND trashed_at IS NULL AND live_key LIKE ? ESCAPE '\\'"
                + " ORDER BY live_key, id LIMIT ?")
        .params(tenantId, driveId, Jdbc.likeContains(text), limit)
        .query(DriveStore::node)
        .list();
  }

  public List<NodeRow> trash(UUID tenantId, UUID driveId) {
    return jdbc.sql(
            "SELECT * FROM drive_node WHERE tenant_id = ? AND drive_id = ?"
                + " AND trashed_at IS NOT NULL ORDER BY trashed_at DESC, id")
        .params(tenantId, driveId)
        .query(DriveStore::node)
        .list();
  }

  public List<NodeRow> trashedBefore(Instant cutoff, int limit) {
    return jdbc.sql(
            "SELECT * FROM drive_node WHERE trashed_at IS NOT NULL AND trashed_at < ?"
                + " ORDER BY trashed_at LIMIT ?")
        .params(ts(cutoff), limit)
        .query(DriveStore::node)
        .list();
  }

  public void rename(UUID tenantId, UUID id, String name, String key, Instant now) {
    jdbc.sql(
            "UPDATE drive_node SET name = ?, live_key = ?, updated_at = ? WHERE tenant_id = ? AND"
                + " id = ?")
        .params(name, key, ts(now), tenantId, id)
        .update();
  }

  public void move(UUID tenantId, UUID id, UUID parentId, Instant now) {
    jdbc.sql("UPDATE drive_node SET parent_id = ?, updated_at = ? WHERE tenant_id = ? AND id = ?")
        .params(parentId, ts(now), tenantId, id)
        .update();
  }

  public void setDrive(UUID tenantId, UUID id, UUID driveId) {
    jdbc.sql("UPDATE drive_node SET drive_id = ? WHERE tenant_id = ? AND id = ?")
        .params(driveId, tenantId, id)
        .update();
  }

  public void trashNode(UUID tenantId, UUID id, UUID by, Instant now) {
    jdbc.sql(
            "UPDATE drive_node SET trashed_at = ?, trashed_by = ?, live_key = NULL"
                + " WHERE tenant_id = ? AND id = ?")
        .params(ts(now), by, tenantId, id)
        .update();
  }

  public void untrash(UUID tenantId, UUID id, UUID parentId, String name, String key, Instant now) {
    jdbc.sql(
            "UPDATE drive_node SET trashed_at = NULL, trashed_by = NULL, parent_id = ?, name = ?,"
                + " live_key = ?, updated_at = ? WHERE tenant_id = ? AND id = ?")
        .params(parentId, name, key, ts(now), tenantId, id)
        .update();
  }

  public void setCurrent(
      UUID tenantId, UUID id, UUID versionId, long size, String contentType, Instant now) {
    jdbc.sql(
            "UPDATE drive_node SET current_version_id = ?, size = ?, content_type = ?,"
                + " updated_at = ? WHERE tenant_id = ? AND id = ?")
        .params(versionId, size, contentType, ts(now), tenantId, id)
        .update();
  }

  public void deleteNode(UUID tenantId, UUID id) {
    jdbc.sql("DELETE FROM drive_dav_prop WHERE tenant_id = ? AND node_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM drive_link WHERE tenant_id = ? AND node_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM drive_node WHERE tenant_id = ? AND id = ?").params(tenantId, id).update();
  }

  // ---- versions ------------------------------------------------------------------------------

  public void insertVersion(VersionRow v) {
    jdbc.sql(
            "INSERT INTO drive_version (id, tenant_id, node_id, seq, sha256, size, content_type,"
                + " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            v.id(),
            v.tenantId(),
            v.nodeId(),
            v.seq(),
            v.sha256(),
            v.size(),
            v.contentType(),
            v.createdBy(),
            ts(v.createdAt()))
        .update();
  }

  public List<VersionRow> versions(UUID tenantId, UUID nodeId) {
    return jdbc.sql(
            "SELECT * FROM drive_version WHERE tenant_id = ? AND node_id = ? ORDER BY seq DESC")
        .params(tenantId, nodeId)
        .query(DriveStore::version)
        .list();
  }

  public Optional<VersionRow> version(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM drive_version WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(DriveStore::version)
        .optional();
  }

  public int nextSeq(UUID tenantId, UUID nodeId) {
    return jdbc.sql(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM drive_version WHERE tenant_id = ? AND node_id ="
                + " ?")
        .params(tenantId, nodeId)
        .query(Integer.class)
        .single();
  }

  public void deleteVersion(UUID tenantId, UUID id) {
    jdbc.sql("DELETE FROM drive_version WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .update();
  }

  /** Bytes held by every version of every file in the drive (trash included). */
  public long driveUsage(UUID tenantId, UUID driveId) {
    return jdbc.sql(
            "SELECT COALESCE(SUM(v.size), 0) FROM drive_version v JOIN drive_node n ON n.id ="
                + " v.node_id WHERE v.tenant_id = ? AND n.drive_id = ?")
        .params(tenantId, driveId)
        .query(Long.class)
        .single();
  }

  public long companyUsage(UUID tenantId) {
    return jdbc.sql("SELECT COALESCE(SUM(size), 0) FROM drive_version WHERE tenant_id = ?")
        .param(tenantId)
        .query(Long.class)
        .single();
  }

  // ---- links ---------------------------------------------------------------------------------

  public void insertLink(LinkRow l) {
    jdbc.sql(
            "INSERT INTO drive_link (id, tenant_id, node_id, token_hash, password_hash,"
                + " expires_at, max_downloads, downloads, created_by, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)")
        .params(
            l.id(),
            l.tenantId(),
            l.nodeId(),
            l.tokenHash(),
            l.passwordHash(),
            ts(l.expiresAt()),
            l.maxDownloads(),
            l.createdBy(),
            ts(l.createdAt()))
        .update();
  }

  public List<LinkRow> links(UUID tenantId, UUID nodeId) {
    return jdbc.sql(
            "SELECT * FROM drive_link WHERE tenant_id = ? AND node_id = ? ORDER BY created_at DESC")
        .params(tenantId, nodeId)
        .query(DriveStore::link)
        .list();
  }

  public Optional<LinkRow> link(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM drive_link WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(DriveStore::link)
        .optional();
  }

  public Optional<LinkRow> linkByToken(String tokenHash) {
    return jdbc.sql("SELECT * FROM drive_link WHERE token_hash = ?")
        .param(tokenHash)
        .query(DriveStore::link)
        .optional();
  }

  /** Counts one download unless the limit is reached; false when it is. */
  public boolean countDownload(UUID tenantId, UUID id) {
    return jdbc.sql(
                "UPDATE drive_link SET downloads = downloads + 1 WHERE tenant_id = ? AND id = ?"
                    + " AND (max_downloads IS NULL OR downloads < max_downloads)")
            .params(tenantId, id)
            .update()
        == 1;
  }

  public void revokeLink(UUID tenantId, UUID id, Instant now) {
    jdbc.sql(
            "UPDATE drive_link SET revoked_at = ? WHERE tenant_id = ? AND id = ?"
                + " AND revoked_at IS NULL")
        .params(ts(now), tenantId, id)
        .update();
  }

  // ---- WebDAV dead properties ----------------------------------------------------------------

  public List<dev.musubi.drive.DeadProperty> props(UUID tenantId, UUID nodeId) {
    return jdbc.sql(
            "SELECT namespace, name, prop_value FROM drive_dav_prop WHERE tenant_id = ? AND node_id = ?"
                + " ORDER BY namespace, name")
        .params(tenantId, nodeId)
        .query(
            (rs, i) ->
                new dev.musubi.drive.DeadProperty(
                    rs.getString(1), rs.getString(2), rs.getString(3)))
        .list();
  }

  /**
   * The dead properties of a folder's live children in one query, by child ID; children without any
   * are absent. (A PROPFIND of a large folder would otherwise ask once per child.)
   */
  public java.util.Map<UUID, List<dev.musubi.drive.DeadProperty>> childProps(
      UUID tenantId, UUID parentId) {
    java.util.Map<UUID, List<dev.musubi.drive.DeadProperty>> out = new java.util.HashMap<>();
    jdbc.sql(
            "SELECT p.node_id, p.namespace, p.name, p.prop_value FROM drive_dav_prop p"
                + " JOIN drive_node n ON n.id = p.node_id AND n.tenant_id = p.tenant_id"
                + " WHERE p.tenant_id = ? AND n.parent_id = ? AND n.trashed_at IS NULL"
                + " ORDER BY p.node_id, p.namespace, p.name")
        .params(tenantId, parentId)
        .query(
            (ResultSet rs) -> {
              out.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                  .add(
                      new dev.musubi.drive.DeadProperty(
                          rs.getString(2), rs.getString(3), rs.getString(4)));
            });
    return out;
  }

  public void setProp(UUID tenantId, UUID nodeId, String ns, String name, String value) {
    removeProp(tenantId, nodeId, ns, name);
    jdbc.sql(
            "INSERT INTO drive_dav_prop (tenant_id, node_id, namespace, name, prop_value)"
                + " VALUES (?, ?, ?, ?, ?)")
        .params(tenantId, nodeId, ns, name, value)
        .update();
  }

  public void removeProp(UUID tenantId, UUID nodeId, String ns, String name) {
    jdbc.sql(
            "DELETE FROM drive_dav_prop WHERE tenant_id = ? AND node_id = ? AND namespace = ?"
                + " AND name = ?")
        .params(tenantId, nodeId, ns, name)
        .update();
  }

  public void copyProps(UUID tenantId, UUID from, UUID to) {
    jdbc.sql(
            "INSERT INTO drive_dav_prop (tenant_id, node_id, namespace, name, prop_value)"
                + " SELECT tenant_id, ?, namespace, name, prop_value FROM drive_dav_prop"
                + " WHERE tenant_id = ? AND node_id = ?")
        .params(to, tenantId, from)
        .update();
  }

  // ---- policy --------------------------------------------------------------------------------

  public DrivePolicy policy(UUID tenantId) {
    return jdbc.sql("SELECT * FROM drive_policy WHERE tenant_id = ?")
        .param(tenantId)
        .query(
            (rs, i) ->
                new DrivePolicy(
                    rs.getLong("member_quota_bytes"),
                    rs.getLong("company_quota_bytes"),
                    rs.getLong("max_file_bytes"),
                    rs.getInt("versions_kept"),
                    rs.getInt("trash_retention_days"),
                    rs.getBoolean("outside_links"),
                    extensions(rs.getString("blocked_extensions")),
                    extensions(rs.getString("download_networks")),
                    extensions(rs.getString("download_denied_roles"))))
        .optional()
        .orElseGet(DrivePolicy::defaults);
  }

  public void savePolicy(UUID tenantId, DrivePolicy p, Instant now) {
    jdbc.sql("DELETE FROM drive_policy WHERE tenant_id = ?").param(tenantId).update();
    jdbc.sql(
            "INSERT INTO drive_policy (tenant_id, member_quota_bytes, company_quota_bytes,"
                + " max_file_bytes, versions_kept, trash_retention_days, outside_links,"
                + " blocked_extensions, download_networks, download_denied_roles, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            tenantId,
            p.memberQuotaBytes(),
            p.companyQuotaBytes(),
            p.maxFileBytes(),
            p.versionsKept(),
            p.trashRetentionDays(),
            p.outsideLinks(),
            String.join(",", p.blockedExtensions()),
            String.join(",", p.downloadNetworks()),
            String.join(",", p.downloadDeniedRoles()),
            ts(now))
        .update();
  }

  private static List<String> extensions(String s) {
    List<String> out = new ArrayList<>();
    Arrays.stream(s.split(",")).map(String::strip).filter(e -> !e.isEmpty()).forEach(out::add);
    return out;
  }

  // ---- mapping -------------------------------------------------------------------------------

  private static DriveRow drive(ResultSet rs, int i) throws SQLException {
    return new DriveRow(
        rs.getObject("id", UUID.class),
        rs.getObject("tenant_id", UUID.class),
        rs.getString("kind"),
        rs.getObject("owner_id", UUID.class),
        rs.getString("name"),
        rs.getObject("root_folder_id", UUID.class),
        Jdbc.requiredInstant(rs, "created_at"));
  }

  private static NodeRow node(ResultSet rs, int i) throws SQLException {
    return new NodeRow(
        rs.getObject("id", UUID.class),
        rs.getObject("tenant_id", UUID.class),
        rs.getObject("drive_id", UUID.class),
        rs.getObject("parent_id", UUID.class),
        rs.getString("kind"),
        rs.getString("name"),
        rs.getLong("size"),
        rs.getString("content_type"),
        rs.getObject("current_version_id", UUID.class),
        rs.getObject("created_by", UUID.class),
        Jdbc.requiredInstant(rs, "created_at"),
        Jdbc.requiredInstant(rs, "updated_at"),
        Jdbc.instant(rs, "trashed_at"));
  }

  private static VersionRow version(ResultSet rs, int i) throws SQLException {
    return new VersionRow(
        rs.getObject("id", UUID.class),
        rs.getObject("tenant_id", UUID.class),
        rs.getObject("node_id", UUID.class),
        rs.getInt("seq"),
        rs.getString("sha256"),
        rs.getLong("size"),
        rs.getString("content_type"),
        rs.getObject("created_by", UUID.class),
        Jdbc.requiredInstant(rs, "created_at"));
  }

  private static LinkRow link(ResultSet rs, int i) throws SQLException {
    int max = rs.getInt("max_downloads");
    Integer maxDownloads = rs.wasNull() ? null : max;
    return new LinkRow(
        rs.getObject("id", UUID.class),
        rs.getObject("tenant_id", UUID.class),
        rs.getObject("node_id", UUID.class),
        rs.getString("token_hash"),
        rs.getString("password_hash"),
        Jdbc.instant(rs, "expires_at"),
        maxDownloads,
        rs.getInt("downloads"),
        rs.getObject("created_by", UUID.class),
        Jdbc.requiredInstant(rs, "created_at"),
        Jdbc.instant(rs, "revoked_at"));
  }
}
