package dev.musubi.platform.blob.internal;

import dev.musubi.platform.Ids;
import dev.musubi.platform.blob.BlobStoreEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Key rotation. {@link #rotate} gives a company a new data key for new writes (old blobs stay
 * readable under their own keys); {@link #reencrypt} moves a company's older blobs to its current
 * key one by one: it writes the new ciphertext as a new object, checks the plaintext's hash,
 * switches the blob's row to the new object in one statement that only succeeds if nobody moved or
 * collected the blob meanwhile, and only then deletes the old object, so readers and the server
 * keep running; {@link #rewrap} re-wraps data keys under the current master key.
 */
@Component
public class KeyRotation {

  private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);

  /** What a re-encryption did for one company. */
  public record Reencrypted(int moved, int failed) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final DataKeys keys;
  private final EncryptedBlobStore store;
  private final BlobBackend backend;
  private final BlobEvents events;
  private final Ids ids;

  public KeyRotation(
      JdbcClient jdbc,
      PlatformTransactionManager transactions,
      DataKeys keys,
      EncryptedBlobStore store,
      BlobBackend backend,
      BlobEvents events,
      Ids ids) {
    this.jdbc = jdbc;
    this.tx = new TransactionTemplate(transactions);
    this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.keys = keys;
    this.store = store;
    this.backend = backend;
    this.events = events;
    this.ids = ids;
  }

  /** Companies that have stored blobs (and so data keys). */
  public List<UUID> tenants() {
    return keys.tenants();
  }

  /** Makes a new current data key for the company; returns its ID. */
  public UUID rotate(UUID tenantId) {
    UUID previous = keys.currentId(tenantId).orElse(null);
    UUID created = keys.rotate(tenantId);
    events.publish(
        tenantId,
        BlobStoreEvent.Kind.DATA_KEY_ROTATED,
        Map.of("dataKeyId", created.toString(), "previousDataKeyId", String.valueOf(previous)));
    return created;
  }

  /**
   * Re-encrypts the company's blobs that are not under its current data key. Members' blobs stay
   * under their members' keys (moving them would undo crypto-shredding).
   */
  public Reencrypted reencrypt(UUID tenantId) {
    UUID current = keys.current(tenantId).id();
    int moved = 0;
    int failed = 0;
    UUID after = new UUID(0, 0);
    while (true) {
      List<UUID> batch =
          jdbc.sql(
                  "SELECT b.id FROM blob b JOIN blob_data_key k ON k.id = b.data_key_id"
                      + " WHERE b.tenant_id = :t AND b.data_key_id <> :k AND k.member_id IS NULL"
                      + " AND b.id > :after ORDER BY b.id LIMIT 200")
              .param("t", tenantId)
              .param("k", current)
              .param("after", after)
              .query(UUID.class)
              .list();
      for (UUID blobId : batch) {
        after = blobId;
        try {
          if (reencryptOne(tenantId, blobId, current)) {
            moved++;
          }
        } catch (IOException | RuntimeException e) {
          failed++;
          log.warn("Could not re-encrypt blob {} of company {}", blobId, tenantId, e);
        }
      }
      if (batch.size() < 200) {
        break;
      }
    }
    if (moved > 0 || failed > 0) {
      events.publish(
          tenantId,
          BlobStoreEvent.Kind.BLOBS_REENCRYPTED,
          Map.of(
              "dataKeyId", current.toString(),
              "blobs", Integer.toString(moved),
              "failed", Integer.toString(failed)));
    }
    return new Reencrypted(moved, failed);
  }

  /** Re-wraps every data key under the current master key; returns how many per company. */
  public Map<UUID, Integer> rewrap() {
    return rewrap(keys);
  }

  /** Re-wraps with the given keys (a test uses other master keys); null tenant for all. */
  Map<UUID, Integer> rewrap(DataKeys keys) {
    return rewrap(keys, null);
  }

  Map<UUID, Integer> rewrap(DataKeys keys, @org.jspecify.annotations.Nullable UUID onlyTenant) {
    Map<UUID, Integer> counts = keys.rewrapAll(onlyTenant);
    counts.forEach(
        (tenant, count) ->
            events.publish(
                tenant,
                BlobStoreEvent.Kind.DATA_KEYS_REWRAPPED,
                Map.of("dataKeys", count.toString(), "masterKeyId", keys.masterKeyId())));
    return counts;
  }

  /**
   * Moves one blob to the key {@code currentKeyId} (new object, hash checked, row switched, old
   * object deleted); false when the blob is gone, already there, or was moved meanwhile.
   */
  boolean reencryptOne(UUID tenantId, UUID blobId, UUID currentKeyId) throws IOException {
    record Row(String sha256, UUID objectId, UUID dataKeyId, @Nullable UUID memberId) {}
    Row row =
        jdbc.sql(
                "SELECT sha256, object_id, data_key_id, member_id FROM blob"
                    + " WHERE id = :id AND tenant_id = :t")
            .param("id", blobId)
            .param("t", tenantId)
            .query(
                (rs, n) ->
                    new Row(
                        rs.getString(1),
                        rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class),
                        rs.getObject(4, UUID.class)))
            .optional()
            .orElse(null);
    if (row == null || row.dataKeyId().equals(currentKeyId)) {
      return false;
    }
    DataKeys.DataKey key = keys.get(tenantId, currentKeyId);
    UUID newObject = ids.next();
    String newKey = EncryptedBlobStore.objectKey(tenantId, newObject);
    MessageDigest digest = EncryptedBlobStore.sha256();
    try (BlobBackend.Upload upload = backend.upload(newKey)) {
      try (InputStream in = store.open(tenantId, row.sha256());
          OutputStream out =
              key.aead()
                  .newEncryptingStream(
                      upload.out(), EncryptedBlobStore.associatedData(tenantId, newObject))) {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) != -1) {
          digest.update(buffer, 0, n);
          out.write(buffer, 0, n);
        }
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot encrypt", e);
      }
      String plaintextSha = HexFormat.of().formatHex(digest.digest());
      if (!EncryptedBlobStore.address(row.memberId(), plaintextSha).equals(row.sha256())) {
        throw new IOException("plaintext of blob " + blobId + " does not match its hash");
      }
      upload.commit();
      int switched;
      try {
        switched =
            tx.execute(
                s ->
                    jdbc.sql(
                            "UPDATE blob SET object_id = :new, data_key_id = :k"
                                + " WHERE id = :id AND object_id = :old")
                        .param("new", newObject)
                        .param("k", currentKeyId)
                        .param("id", blobId)
                        .param("old", row.objectId())
                        .update());
      } catch (RuntimeException e) {
        backend.delete(newKey);
        throw e;
      }
      if (switched == 1) {
        store.forget(tenantId, row.sha256());
        backend.delete(EncryptedBlobStore.objectKey(tenantId, row.objectId()));
        return true;
      }
      backend.delete(newKey);
      return false;
    }
  }
}
