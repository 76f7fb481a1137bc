package dev.musubi.platform.blob.internal;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import dev.musubi.platform.Ids;
import dev.musubi.platform.Jdbc;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The companies' data keys: one Tink streaming AEAD keyset (AES256-GCM-HKDF, 1 MiB segments) per
 * key, stored only wrapped by a master key, with the company ID and key ID bound in as associated
 * data. Each company has one current key for new writes; older keys stay to read older blobs.
 * Members have keys of their own for their personal content ({@link #currentForMember}); {@link
 * #destroyMemberKeys} destroys them (crypto-shredding).
 */
@Component
public class DataKeys {

  static {
    try {
      StreamingAeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * A usable key; {@code oneSegment} holds its keys for reading small blobs whole (see {@link
   * OneSegmentReader}).
   */
  record DataKey(
      UUID id, UUID tenantId, StreamingAead aead, List<OneSegmentReader.Key> oneSegment) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final TransactionTemplate ownTx;
  private final MasterKeys masterKeys;
  private final Ids ids;
  private final Clock clock;
  private final Map<UUID, DataKey> cache = new ConcurrentHashMap<>();

  public DataKeys(
      JdbcClient jdbc,
      PlatformTransactionManager transactions,
      MasterKeys masterKeys,
      Ids ids,
      Clock clock) {
    this.jdbc = jdbc;
    this.tx = new TransactionTemplate(transactions);
    // A company's first key is committed on its own: blobs are recorded in their own transactions
    // and must see it, even when the first put happens inside a caller's transaction.
    this.ownTx = new TransactionTemplate(transactions);
    this.ownTx.setPropagationBehavior(
        org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.masterKeys = masterKeys;
    this.ids = ids;
    this.clock = clock;
  }

  /** The company's current key, made on first use. */
  DataKey current(UUID tenantId) {
    Optional<UUID> id = currentId(tenantId);
    if (id.isPresent()) {
      return get(tenantId, id.get());
    }
    try {
      UUID created = ownTx.execute(s -> createAndMakeCurrent(tenantId, true));
      return get(tenantId, created);
    } catch (DuplicateKeyException raced) {
      return get(tenantId, currentId(tenantId).orElseThrow());
    }
  }

  /** The member's current key (for content only they own), made on first use. */
  DataKey currentForMember(UUID tenantId, UUID memberId) {
    Optional<UUID> id = currentMemberKeyId(tenantId, memberId);
    if (id.isPresent()) {
      return get(tenantId, id.get());
    }
    try {
      UUID created = ownTx.execute(s -> createMemberKey(tenantId, memberId));
      return get(tenantId, created);
    } catch (DuplicateKeyException raced) {
      return get(tenantId, currentMemberKeyId(tenantId, memberId).orElseThrow());
    }
  }

  private Optional<UUID> currentMemberKeyId(UUID tenantId, UUID memberId) {
    return jdbc.sql(
            "SELECT data_key_id FROM blob_member_key WHERE tenant_id = :t AND member_id = :m")
        .param("t", tenantId)
        .param("m", memberId)
        .query(UUID.class)
        .optional();
  }

  /** The IDs of the member's keys that still exist. */
  List<UUID> memberKeyIds(UUID tenantId, UUID memberId) {
    return jdbc.sql(
            "SELECT id FROM blob_data_key WHERE tenant_id = :t AND member_id = :m"
                + " AND destroyed_at IS NULL ORDER BY id")
        .param("t", tenantId)
        .param("m", memberId)
        .query(UUID.class)
        .list();
  }

  /**
   * Destroys the member's keys: the wrapped key material is erased from the database and the
   * unwrapped keys dropped from memory, so blobs still under them can never be decrypted again.
   * Returns how many keys were destroyed. The rows stay (emptied) as evidence.
   */
  int destroyMemberKeys(UUID tenantId, UUID memberId) {
    List<UUID> ids = memberKeyIds(tenantId, memberId);
    int destroyed =
        Objects.requireNonNull(
            tx.execute(
                s -> {
                  jdbc.sql("DELETE FROM blob_member_key WHERE tenant_id = :t AND member_id = :m")
                      .param("t", tenantId)
                      .param("m", memberId)
                      .update();
                  return jdbc.sql(
                          "UPDATE blob_data_key SET wrapped_keyset = '', destroyed_at = :at"
                              + " WHERE tenant_id = :t AND member_id = :m"
                              + " AND destroyed_at IS NULL")
                      .param("at", Jdbc.ts(clock.instant()))
                      .param("t", tenantId)
                      .param("m", memberId)
                      .update();
                }));
    ids.forEach(cache::remove);
    return destroyed;
  }

  /** Whose key this is: empty for a company key. */
  Optional<UUID> memberOf(UUID keyId) {
    return jdbc.sql("SELECT member_id FROM blob_data_key WHERE id = :id AND member_id IS NOT NULL")
        .param("id", keyId)
        .query(UUID.class)
        .optional();
  }

  /** The current key's ID, if the company has one. */
  public Optional<UUID> currentId(UUID tenantId) {
    return jdbc.sql("SELECT data_key_id FROM blob_current_key WHERE tenant_id = :t")
        .param("t", tenantId)
        .query(UUID.class)
        .optional();
  }

  /** The key with this ID, which must belong to the company. */
  DataKey get(UUID tenantId, UUID keyId) {
    DataKey cached = cache.get(keyId);
    if (cached != null) {
      if (!cached.tenantId().equals(tenantId)) {
        throw new IllegalStateException("data key " + keyId + " is not the company's");
      }
      return cached;
    }
    record Row(String masterKeyId, String wrappedKeyset) {}
    Row row =
        jdbc.sql(
                "SELECT master_key_id, wrapped_keyset FROM blob_data_key"
                    + " WHERE id = :id AND tenant_id = :t")
            .param("id", keyId)
            .param("t", tenantId)
            .query((rs, n) -> new Row(rs.getString(1), rs.getString(2)))
            .optional()
            .orElseThrow(() -> new IllegalStateException("no data key " + keyId));
    if (row.wrappedKeyset().isEmpty()) {
      throw new DestroyedKeyException(keyId);
    }
    try {
      KeysetHandle handle =
          TinkProtoKeysetFormat.parseEncryptedKeyset(
              Base64.getDecoder().decode(row.wrappedKeyset()),
              masterKeys.get(row.masterKeyId()),
              associatedData(tenantId, keyId));
      DataKey key =
          new DataKey(
              keyId,
              tenantId,
              handle.getPrimitive(RegistryConfiguration.get(), StreamingAead.class),
              OneSegmentReader.keys(handle));
      cache.put(keyId, key);
      return key;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot unwrap data key " + keyId, e);
    }
  }

  /**
   * Makes a new data key the company's current one; blobs written from now on use it, older blobs
   * keep theirs. Returns the new key's ID.
   */
  public UUID rotate(UUID tenantId) {
    return tx.execute(s -> createAndMakeCurrent(tenantId, false));
  }

  /** Companies that have data keys. */
  public List<UUID> tenants() {
    return jdbc.sql("SELECT tenant_id FROM blob_current_key ORDER BY tenant_id")
        .query(UUID.class)
        .list();
  }

  /**
   * Re-wraps every data key that is not wrapped by the current master key; returns how many. Run
   * after replacing {@code MUSUBI_MASTER_KEY} (with the old one in {@code
   * MUSUBI_MASTER_KEY_PREVIOUS}).
   */
  public Map<UUID, Integer> rewrapAll(@org.jspecify.annotations.Nullable UUID onlyTenant) {
    record Row(UUID id, UUID tenantId, String masterKeyId, String wrapped) {}
    List<Row> rows =
        jdbc.sql(
                "SELECT id, tenant_id, master_key_id, wrapped_keyset FROM blob_data_key"
                    + " WHERE master_key_id <> :m AND destroyed_at IS NULL"
                    + " AND (:all OR tenant_id = :t)")
            .param("m", masterKeys.currentId())
            .param("all", onlyTenant == null)
            .param("t", onlyTenant == null ? new UUID(0, 0) : onlyTenant)
            .query(
                (rs, n) ->
                    new Row(
                        rs.getObject(1, UUID.class),
                        rs.getObject(2, UUID.class),
                        rs.getString(3),
                        rs.getString(4)))
            .list();
    Map<UUID, Integer> counts = new java.util.TreeMap<>();
    for (Row row : rows) {
      try {
        byte[] ad = associatedData(row.tenantId(), row.id());
        KeysetHandle handle =
            TinkProtoKeysetFormat.parseEncryptedKeyset(
                Base64.getDecoder().decode(row.wrapped()), masterKeys.get(row.masterKeyId()), ad);
        String rewrapped =
            Base64.getEncoder()
                .encodeToString(
                    TinkProtoKeysetFormat.serializeEncryptedKeyset(
                        handle, masterKeys.current(), ad));
        int updated =
            jdbc.sql(
                    "UPDATE blob_data_key SET master_key_id = :m, wrapped_keyset = :w"
                        + " WHERE id = :id AND master_key_id = :old")
                .param("m", masterKeys.currentId())
                .param("w", rewrapped)
                .param("id", row.id())
                .param("old", row.masterKeyId())
                .update();
        if (updated > 0) {
          counts.merge(row.tenantId(), updated, Integer::sum);
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot re-wrap data key " + row.id(), e);
      }
    }
    return counts;
  }

  /** The current master key's ID. */
  public String masterKeyId() {
    return masterKeys.currentId();
  }

  /** How many data keys are wrapped by each master key ID. */
  public Map<String, Long> countByMasterKey() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    jdbc.sql("SELECT master_key_id, COUNT(*) FROM blob_data_key GROUP BY master_key_id")
        .query(
            (org.springframework.jdbc.core.RowCallbackHandler)
                rs -> counts.put(rs.getString(1), rs.getLong(2)));
    return counts;
  }

  private UUID createMemberKey(UUID tenantId, UUID memberId) {
    UUID keyId = insertKey(tenantId, memberId);
    jdbc.sql("INSERT INTO blob_member_key (tenant_id, member_id, data_key_id) VALUES (:t, :m, :k)")
        .param("t", tenantId)
        .param("m", memberId)
        .param("k", keyId)
        .update();
    return keyId;
  }

  private UUID insertKey(UUID tenantId, @org.jspecify.annotations.Nullable UUID memberId) {
    UUID keyId = ids.next();
    try {
      KeysetHandle handle =
          KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
      String wrapped =
          Base64.getEncoder()
              .encodeToString(
                  TinkProtoKeysetFormat.serializeEncryptedKeyset(
                      handle, masterKeys.current(), associatedData(tenantId, keyId)));
      jdbc.sql(
              "INSERT INTO blob_data_key (id, tenant_id, master_key_id, wrapped_keyset, created_at,"
                  + " member_id) VALUES (:id, :t, :m, :w, :at, :member)")
          .param("id", keyId)
          .param("t", tenantId)
          .param("m", masterKeys.currentId())
          .param("w", wrapped)
          .param("at", Jdbc.ts(clock.instant()))
          .param("member", memberId)
          .update();
      return keyId;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a data key", e);
    }
  }

  private UUID createAndMakeCurrent(UUID tenantId, boolean first) {
    UUID keyId = insertKey(tenantId, null);
    if (first) {
      jdbc.sql("INSERT INTO blob_current_key (tenant_id, data_key_id) VALUES (:t, :k)")
          .param("t", tenantId)
          .param("k", keyId)
          .update();
    } else {
      int updated =
          jdbc.sql("UPDATE blob_current_key SET data_key_id = :k WHERE tenant_id = :t")
              .param("t", tenantId)
              .param("k", keyId)
              .update();
      if (updated == 0) {
        jdbc.sql("INSERT INTO blob_current_key (tenant_id, data_key_id) VALUES (:t, :k)")
            .param("t", tenantId)
            .param("k", keyId)
            .update();
      }
    }
    return keyId;
  }

  private static byte[] associatedData(UUID tenantId, UUID keyId) {
    return ("musubi-data-key:" + tenantId + ":" + keyId).getBytes(StandardCharsets.US_ASCII);
  }
}
