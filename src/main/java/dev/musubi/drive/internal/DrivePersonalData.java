package dev.musubi.drive.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.drive.internal.DriveStore.DriveRow;
import dev.musubi.drive.internal.DriveStore.NodeRow;
import dev.musubi.drive.internal.DriveStore.VersionRow;
import dev.musubi.platform.blob.BlobReferences;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.platform.privacy.ExportSink;
import dev.musubi.platform.privacy.HeldScope;
import dev.musubi.platform.privacy.PersonalDataEraser;
import dev.musubi.platform.privacy.PersonalDataSource;
import dev.musubi.platform.privacy.RetentionTarget;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Drive's part of privacy: the member's personal drive streamed from the blob store into the
 * export, file retention (items in the trash and old versions beyond the cutoff, really deleted
 * with their blob references) and the erasure of a purged member's personal drive. Files in a held
 * member's personal drive, or created by a held member, stay.
 */
@Component
class DrivePersonalData implements PersonalDataSource, RetentionTarget, PersonalDataEraser {

  private static final int BATCH = 500;

  private final DriveStore store;
  private final BlobStore blobs;
  private final BlobReferences refs;
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;

  DrivePersonalData(
      DriveStore store,
      BlobStore blobs,
      BlobReferences refs,
      JdbcClient jdbc,
      TransactionTemplate tx) {
    this.store = store;
    this.blobs = blobs;
    this.refs = refs;
    this.jdbc = jdbc;
    this.tx = tx;
  }

  @Override
  public String name() {
    return "drive";
  }

  @Override
  public String service() {
    return "files";
  }

  // ---- export --------------------------------------------------------------------------------

  @Override
  public void export(UUID companyId, UUID memberId, ExportSink sink) throws IOException {
    DriveRow drive = store.personal(companyId, memberId).orElse(null);
    if (drive == null) {
      return;
    }
    exportFolder(companyId, drive.rootFolderId(), "drive", sink);
  }

  private void exportFolder(UUID companyId, UUID folderId, String path, ExportSink sink)
      throws IOException {
    for (NodeRow n : store.allChildren(companyId, folderId)) {
      if (n.trashedAt() != null) {
        continue;
      }
      String child = path + "/" + n.name();
      if (n.folder()) {
        exportFolder(companyId, n.id(), child, sink);
      } else if (n.currentVersionId() != null) {
        VersionRow v = store.version(companyId, n.currentVersionId()).orElse(null);
        if (v != null) {
          try (InputStream in = blobs.open(companyId, v.sha256())) {
            sink.write(child, in);
          }
        }
      }
    }
  }

  // ---- retention -----------------------------------------------------------------------------

  @Override
  public int purgeOlderThan(UUID companyId, Instant cutoff, HeldScope held) {
    int removed = 0;
    while (true) {
      List<NodeRow> trashed =
          jdbc
              .sql(
                  "SELECT id FROM drive_node WHERE tenant_id = ? AND trashed_at IS NOT NULL"
                      + " AND trashed_at < ? ORDER BY trashed_at, id LIMIT ?")
              .params(companyId, ts(cutoff), BATCH)
              .query(UUID.class)
              .list()
              .stream()
              .flatMap(id -> store.node(companyId, id).stream())
              .toList();
      int before = removed;
      for (NodeRow n : trashed) {
        if (!isHeld(n, held)) {
          tx.executeWithoutResult(s -> removeTree(n, held));
          removed++;
        }
      }
      if (trashed.size() < BATCH || removed == before) {
        break;
      }
    }
    // Old versions of live files; the current version is the file itself and stays.
    List<VersionRow> old =
        jdbc
            .sql(
                "SELECT v.id FROM drive_version v JOIN drive_node n ON n.id = v.node_id"
                    + " WHERE v.tenant_id = ? AND v.created_at < ?"
                    + " AND (n.current_version_id IS NULL OR v.id <> n.current_version_id)")
            .params(companyId, ts(cutoff))
            .query(UUID.class)
            .list()
            .stream()
            .flatMap(id -> store.version(companyId, id).stream())
            .toList();
    for (VersionRow v : old) {
      NodeRow n = store.node(companyId, v.nodeId()).orElse(null);
      if (n != null && !isHeld(n, held) && !heldCreator(v.createdBy(), held)) {
        tx.executeWithoutResult(s -> dropVersion(v));
        removed++;
      }
    }
    return removed;
  }

  private boolean isHeld(NodeRow n, HeldScope held) {
    if (heldCreator(n.createdBy(), held)) {
      return true;
    }
    if (held.members().isEmpty()) {
      return false;
    }
    return store
        .drive(n.tenantId(), n.driveId())
        .map(d -> d.ownerId() != null && held.memberHeld(d.ownerId()))
        .orElse(false);
  }

  private static boolean heldCreator(@Nullable UUID createdBy, HeldScope held) {
    return createdBy != null && held.memberHeld(createdBy);
  }

  private void removeTree(NodeRow n, HeldScope held) {
    if (n.folder()) {
      for (NodeRow child : store.allChildren(n.tenantId(), n.id())) {
        removeTree(child, held);
      }
    } else {
      for (VersionRow v : store.versions(n.tenantId(), n.id())) {
        dropVersion(v);
      }
    }
    store.deleteNode(n.tenantId(), n.id());
  }

  private void dropVersion(VersionRow v) {
    store.deleteVersion(v.tenantId(), v.id());
    refs.remove(v.tenantId(), v.sha256(), "drive.version:" + v.id());
  }

  // ---- erasure -------------------------------------------------------------------------------

  @Override
  public int erase(UUID companyId, UUID memberId, HeldScope held) {
    DriveRow drive = store.personal(companyId, memberId).orElse(null);
    int[] removed = {0};
    tx.executeWithoutResult(
        s -> {
          if (drive != null) {
            List<UUID> nodes =
                jdbc.sql("SELECT id FROM drive_node WHERE tenant_id = ? AND drive_id = ?")
                    .params(companyId, drive.id())
                    .query(UUID.class)
                    .list();
            for (UUID id : nodes) {
              for (VersionRow v : store.versions(companyId, id)) {
                dropVersion(v);
              }
            }
            for (UUID id : nodes) {
              store.deleteNode(companyId, id);
            }
            removed[0] = nodes.size();
            jdbc.sql("DELETE FROM drive_member WHERE tenant_id = ? AND drive_id = ?")
                .params(companyId, drive.id())
                .update();
            jdbc.sql("DELETE FROM drive WHERE tenant_id = ? AND id = ?")
                .params(companyId, drive.id())
                .update();
          }
          jdbc.sql(
                  "DELETE FROM drive_member WHERE tenant_id = ? AND principal_type = 'member'"
                      + " AND principal_id = ?")
              .params(companyId, memberId)
              .update();
          jdbc.sql("DELETE FROM drive_upload WHERE tenant_id = ? AND member_id = ?")
              .params(companyId, memberId)
              .update();
        });
    return removed[0];
  }
}
