package dev.musubi.platform.blob.internal;

import dev.musubi.platform.blob.MemberKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.core.simple.JdbcClient.StatementSpec;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Destroys a member's data keys (crypto-shredding). Blobs under them that someone still references
 * are moved to the company's key first (the same way {@code blobs-reencrypt} moves them); the rest
 * are deleted with their ciphertext, then the keys' material is erased.
 */
@Component
class MemberKeyShredder implements MemberKeys {

  private static final Logger log = LoggerFactory.getLogger(MemberKeyShredder.class);

  private final JdbcClient jdbc;
  private final TransactionTemplate ownTx;
  private final DataKeys keys;
  private final KeyRotation rotation;
  private final EncryptedBlobStore store;

  MemberKeyShredder(
      JdbcClient jdbc,
      PlatformTransactionManager transactions,
      DataKeys keys,
      KeyRotation rotation,
      EncryptedBlobStore store) {
    this.jdbc = jdbc;
    this.ownTx = new TransactionTemplate(transactions);
    this.ownTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.keys = keys;
    this.rotation = rotation;
    this.store = store;
  }

  @Override
  public Shredded shred(UUID tenantId, UUID memberId) {
    List<UUID> keyIds = keys.memberKeyIds(tenantId, memberId);
    if (keyIds.isEmpty()) {
      return new Shredded(0, 0, 0);
    }
    int destroyed = 0;
    int kept = 0;
    for (UUID keyId : keyIds) {
      for (UUID blobId : blobsUnder(tenantId, keyId)) {
        if (deleteIfUnreferenced(tenantId, blobId)) {
          destroyed++;
          continue;
        }
        try {
          UUID companyKey = keys.current(tenantId).id();
          if (rotation.reencryptOne(tenantId, blobId, companyKey)) {
            kept++;
          } else if (stillUnder(blobId, keyId)) {
            throw new IOException("blob " + blobId + " could not be moved to the company's key");
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    int keysDestroyed = keys.destroyMemberKeys(tenantId, memberId);
    return new Shredded(keysDestroyed, destroyed, kept);
  }

  private List<UUID> blobsUnder(UUID tenantId, UUID keyId) {
    return jdbc.sql("SELECT id FROM blob WHERE tenant_id = :t AND data_key_id = :k ORDER BY id")
        .param("t", tenantId)
        .param("k", keyId)
        .query(UUID.class)
        .list();
  }

  private boolean stillUnder(UUID blobId, UUID keyId) {
    return count(
            jdbc.sql("SELECT COUNT(*) FROM blob WHERE id = :id AND data_key_id = :k")
                .param("id", blobId)
                .param("k", keyId))
        > 0;
  }

  /**
   * Deletes the blob when no reference holds it, under its row lock (as the collector does, so a
   * reference added concurrently either comes first and keeps it or fails).
   */
  private boolean deleteIfUnreferenced(UUID tenantId, UUID blobId) {
    String objectKey =
        ownTx.execute(
            s -> {
              record Row(String sha256, UUID objectId) {}
              Row row =
                  jdbc.sql(
                          "SELECT sha256, object_id FROM blob WHERE id = :id AND tenant_id = :t"
                              + " FOR UPDATE")
                      .param("id", blobId)
                      .param("t", tenantId)
                      .query((rs, n) -> new Row(rs.getString(1), rs.getObject(2, UUID.class)))
                      .optional()
                      .orElse(null);
              if (row == null) {
                return "";
              }
              long references =
                  count(
                      jdbc.sql(
                              "SELECT COUNT(*) FROM blob_reference WHERE tenant_id = :t"
                                  + " AND sha256 = :s")
                          .param("t", tenantId)
                          .param("s", row.sha256()));
              if (references > 0) {
                return null;
              }
              jdbc.sql("DELETE FROM blob WHERE id = :id").param("id", blobId).update();
              store.forget(tenantId, row.sha256());
              return EncryptedBlobStore.objectKey(tenantId, row.objectId());
            });
    if (objectKey == null) {
      return false;
    }
    if (!objectKey.isEmpty()) {
      try {
        store.backend().delete(objectKey);
      } catch (IOException e) {
        // The row is gone and the key is about to be: what is left behind can never be read.
        log.warn("Could not delete shredded blob object {}: {}", objectKey, e.toString());
      }
    }
    return true;
  }

  private static long count(StatementSpec spec) {
    return spec.query(Long.class).single();
  }
}
