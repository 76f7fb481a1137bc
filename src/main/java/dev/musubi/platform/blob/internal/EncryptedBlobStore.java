package dev.musubi.platform.blob.internal;

import dev.musubi.platform.Ids;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.blob.BlobNotFoundException;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobReferences;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.platform.blob.BlobTooLargeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The blob store: streams plaintext through SHA-256 and Tink streaming AEAD into the backend,
 * records the blob in the database once its ciphertext is durable, and collapses duplicates per
 * company. Blob rows are written in their own transactions (a blob is durable when {@link #put}
 * returns, whatever the caller's transaction does); references join the caller's transaction.
 *
 * <p>Against the collector: a put that returns an existing blob, and every reference added or
 * removed, moves the blob's {@code touched_at} to now while holding the blob's row lock; the
 * collector takes the same lock and deletes only blobs untouched for the grace period and without
 * references. So a blob a put just returned stays for at least the grace period, and a reference is
 * either added before the collector looks (which then keeps the blob) or fails because the blob is
 * gone (and the caller's transaction rolls back).
 */
@Component("blobStore")
public class EncryptedBlobStore implements BlobStore, BlobReferences {

  /** Whether {@code s} is a blob's address: 64 lower-case hex digits (checked without a regex). */
  static boolean isAddress(String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static final int BUFFER = 64 * 1024;

  private final JdbcClient jdbc;
  private final TransactionTemplate ownTx;
  private final TransactionTemplate joinTx;
  private final DataKeys keys;
  private final BlobBackend backend;
  private final Ids ids;
  private final Clock clock;
  private final Counter writeErrors;
  private final Counter readErrors;
  private final Counter missing;

  public EncryptedBlobStore(
      JdbcClient jdbc,
      PlatformTransactionManager transactions,
      DataKeys keys,
      BlobBackend backend,
      Ids ids,
      Clock clock) {
    this(jdbc, transactions, keys, backend, ids, clock, new SimpleMeterRegistry());
  }

  /** Counts failures of the store itself in {@code musubi.blob.errors} (not a client's). */
  @Autowired
  public EncryptedBlobStore(
      JdbcClient jdbc,
      PlatformTransactionManager transactions,
      DataKeys keys,
      BlobBackend backend,
      Ids ids,
      Clock clock,
      MeterRegistry meters) {
    this.writeErrors = errors(meters, "write");
    this.readErrors = errors(meters, "read");
    this.missing = errors(meters, "missing");
    this.jdbc = jdbc;
    this.ownTx = new TransactionTemplate(transactions);
    this.ownTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.joinTx = new TransactionTemplate(transactions);
    this.keys = keys;
    this.backend = backend;
    this.ids = ids;
    this.clock = clock;
  }

  /** The backend's name ({@code local} or {@code s3}). */
  public String backendName() {
    return backend.name();
  }

  private static Counter errors(MeterRegistry meters, String operation) {
    return Counter.builder("musubi.blob.errors")
        .description("Blob store failures: write, read (backend or decryption), missing blob")
        .tag("operation", operation)
        .register(meters);
  }

  @Override
  public BlobRef put(UUID tenantId, InputStream content, long maxBytes) throws IOException {
    return put(tenantId, null, content, maxBytes);
  }

  @Override
  public BlobRef put(UUID tenantId, @Nullable UUID memberId, InputStream content, long maxBytes)
      throws IOException {
    return put(tenantId, memberId, content, maxBytes, false);
  }

  @Override
  public BlobRef putInTransaction(
      UUID tenantId, @Nullable UUID memberId, InputStream content, long maxBytes)
      throws IOException {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("putInTransaction needs the caller's transaction");
    }
    return put(tenantId, memberId, content, maxBytes, true);
  }

  private BlobRef put(
      UUID tenantId,
      @Nullable UUID memberId,
      InputStream content,
      long maxBytes,
      boolean inCallersTransaction)
      throws IOException {
    return counted(
        content,
        maxBytes,
        watched -> store(tenantId, memberId, watched, maxBytes, inCallersTransaction));
  }

  @Override
  public Prepared prepare(
      UUID tenantId, @Nullable UUID memberId, InputStream content, long maxBytes)
      throws IOException {
    return counted(
        content,
        maxBytes,
        watched -> {
          DataKeys.DataKey key =
              memberId == null ? keys.current(tenantId) : keys.currentForMember(tenantId, memberId);
          UUID objectId = ids.next();
          try (BlobBackend.Upload upload = backend.upload(objectKey(tenantId, objectId))) {
            BlobRef ref = encrypt(upload, key, tenantId, memberId, objectId, watched, maxBytes);
            upload.commit();
            return new PreparedBlob(tenantId, memberId, ref, objectId, key.id());
          }
        });
  }

  /** Work on the caller's content that {@link #counted} watches. */
  @FunctionalInterface
  private interface Writing<T> {
    T write(InputStream watched) throws IOException;
  }

  /** Runs {@code writing}, counting failures of the store's own side in the write errors. */
  private <T> T counted(InputStream content, long maxBytes, Writing<T> writing) throws IOException {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative");
    }
    // A client that stops sending is not a store failure: only errors of our own side count.
    boolean[] inputFailed = {false};
    InputStream watched =
        new java.io.FilterInputStream(content) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            try {
              return super.read(b, off, len);
            } catch (IOException e) {
              inputFailed[0] = true;
              throw e;
            }
          }
        };
    try {
      return writing.write(watched);
    } catch (BlobTooLargeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      if (!inputFailed[0]) {
        writeErrors.increment();
      }
      throw e;
    }
  }

  /** Streams the plaintext through SHA-256 and encryption into the upload (not yet committed). */
  private BlobRef encrypt(
      BlobBackend.Upload upload,
      DataKeys.DataKey key,
      UUID tenantId,
      @Nullable UUID memberId,
      UUID objectId,
      InputStream content,
      long maxBytes)
      throws IOException {
    MessageDigest digest = sha256();
    long size = 0;
    try (OutputStream encrypting =
        key.aead().newEncryptingStream(upload.out(), associatedData(tenantId, objectId))) {
      byte[] buffer = new byte[BUFFER];
      int n;
      while ((n = content.read(buffer)) != -1) {
        size += n;
        if (size > maxBytes) {
          throw new BlobTooLargeException(maxBytes);
        }
        digest.update(buffer, 0, n);
        encrypting.write(buffer, 0, n);
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot encrypt", e);
    }
    return new BlobRef(address(memberId, HexFormat.of().formatHex(digest.digest())), size);
  }

  /**
   * A ciphertext written and synced, waiting for a transaction to record it; removed at close
   * unless a transaction that inserted its row committed (when closed while that transaction is
   * still open, its end decides).
   */
  private final class PreparedBlob implements Prepared {

    private final UUID tenantId;
    private final @Nullable UUID memberId;
    private final BlobRef ref;
    private final UUID objectId;
    private final UUID keyId;
    private boolean kept;
    private boolean pending;
    private boolean closed;

    PreparedBlob(UUID tenantId, @Nullable UUID memberId, BlobRef ref, UUID objectId, UUID keyId) {
      this.tenantId = tenantId;
      this.memberId = memberId;
      this.ref = ref;
      this.objectId = objectId;
      this.keyId = keyId;
    }

    @Override
    public BlobRef ref() {
      return ref;
    }

    @Override
    public synchronized BlobRef record() {
      if (!TransactionSynchronizationManager.isActualTransactionActive()) {
        throw new IllegalStateException("record needs the caller's transaction");
      }
      if (closed || kept || pending) {
        throw new IllegalStateException("the prepared blob is closed or recorded");
      }
      for (int attempt = 0; attempt < 3; attempt++) {
        // new bytes are the usual case (every mail differs in its trace headers): insert first
        if (insertJoined(tenantId, memberId, ref.sha256(), ref.size(), objectId, keyId)) {
          insertedInThisTransaction().add(tenantId + "/" + ref.sha256());
          pending = true;
          TransactionSynchronizationManager.registerSynchronization(
              new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                  ended(status == STATUS_COMMITTED);
                }
              });
          return ref;
        }
        if (touch(joinTx, tenantId, ref.sha256())) {
          return ref; // the same bytes are stored already: this copy goes at close
        }
      }
      writeErrors.increment();
      throw new IllegalStateException("could not record blob " + ref.sha256());
    }

    private synchronized void ended(boolean committed) {
      pending = false;
      kept = committed;
      if (!committed && closed) {
        delete();
      }
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (!kept && !pending) {
        delete();
      }
    }

    private void delete() {
      try {
        backend.delete(objectKey(tenantId, objectId));
      } catch (IOException | RuntimeException e) {
        // Left as an unreferenced object; the collector's sweep never reads it.
        writeErrors.increment();
      }
    }
  }

  private BlobRef store(
      UUID tenantId,
      @Nullable UUID memberId,
      InputStream content,
      long maxBytes,
      boolean inCallersTransaction)
      throws IOException {
    TransactionTemplate tx = inCallersTransaction ? joinTx : ownTx;
    DataKeys.DataKey key =
        memberId == null ? keys.current(tenantId) : keys.currentForMember(tenantId, memberId);
    UUID objectId = ids.next();
    try (BlobBackend.Upload upload = backend.upload(objectKey(tenantId, objectId))) {
      BlobRef ref = encrypt(upload, key, tenantId, memberId, objectId, content, maxBytes);
      String sha = ref.sha256();
      long size = ref.size();
      String objectKey = objectKey(tenantId, objectId);
      boolean committed = false;
      try {
        for (int attempt = 0; attempt < 3; attempt++) {
          if (touch(tx, tenantId, sha)) {
            // a duplicate: drop this copy (an uncommitted upload is dropped when closed)
            if (committed) {
              backend.delete(objectKey);
            }
            return ref;
          }
          if (!committed) {
            upload.commit();
            committed = true;
          }
          if (inCallersTransaction) {
            if (insertJoined(tenantId, memberId, sha, size, objectId, key.id())) {
              deleteOnRollback(objectKey);
              return ref;
            }
          } else if (insert(tenantId, memberId, sha, size, objectId, key.id())) {
            return ref;
          }
        }
        throw new IOException("could not record blob " + sha);
      } catch (IOException | RuntimeException e) {
        if (committed) {
          backend.delete(objectKey);
        }
        throw e;
      }
    }
  }

  @Override
  public Optional<BlobRef> find(UUID tenantId, String sha256) {
    if (!isAddress(sha256)) {
      return Optional.empty();
    }
    return jdbc.sql("SELECT sha256, size FROM blob WHERE tenant_id = :t AND sha256 = :s")
        .param("t", tenantId)
        .param("s", sha256)
        .query((rs, n) -> new BlobRef(rs.getString(1), rs.getLong(2)))
        .optional();
  }

  @Override
  public InputStream open(UUID tenantId, String sha256, long offset) throws IOException {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative");
    }
    Stored stored = stored(tenantId, sha256).orElse(null);
    if (stored == null) {
      missing.increment();
      throw new BlobNotFoundException(sha256);
    }
    return open(tenantId, sha256, stored, offset);
  }

  /** Blobs looked up per query when a {@link #reader} is made. */
  private static final int LOOKUP_BATCH = 500;

  /**
   * The rows {@link #reader} found lately, so that reading the same messages again (a mail client's
   * FETCH of bodies it fetched before, another session of the same member) does not look their
   * blobs up again: about 300 bytes each. An entry may be stale (the blob re-encrypted by key
   * rotation, or collected and stored again); opening it then fails and the reader looks the blob
   * up again, as it does for a row that changed between its lookup and its read.
   */
  private final com.github.benmanes.caffeine.cache.Cache<Lookup, Stored> lookups =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(50_000).build();

  private record Lookup(UUID tenantId, String sha256) {}

  /** Drops a blob's remembered row: it was re-encrypted or deleted here. */
  void forget(UUID tenantId, String sha256) {
    lookups.invalidate(new Lookup(tenantId, sha256));
  }

  @Override
  public Reader reader(UUID tenantId, Collection<String> sha256s) {
    Map<String, Stored> found = new HashMap<>();
    Set<String> notKnown = new java.util.LinkedHashSet<>();
    for (String sha256 : sha256s) {
      if (isAddress(sha256) && !found.containsKey(sha256)) {
        Stored known = lookups.getIfPresent(new Lookup(tenantId, sha256));
        if (known != null) {
          found.put(sha256, known);
        } else {
          notKnown.add(sha256);
        }
      }
    }
    List<String> wanted = List.copyOf(notKnown);
    for (int from = 0; from < wanted.size(); from += LOOKUP_BATCH) {
      List<Object> params =
          new ArrayList<>(wanted.subList(from, Math.min(wanted.size(), from + LOOKUP_BATCH)));
      String values = String.join(", ", java.util.Collections.nCopies(params.size(), "(?)"));
      params.add(tenantId);
      // A join with the wanted hashes, not "sha256 IN (…)": H2 uses only the index's first column
      // (tenant_id) with an IN list and so reads every blob of the company; the join looks each
      // hash up in the (tenant_id, sha256) index. An outer join, because H2 may reverse an inner
      // one (scan the company's blobs, re-reading the list for each) and keeps an outer join's
      // order; PostgreSQL turns it back into an inner join.
      jdbc.sql(
              "SELECT b.sha256, b.id, b.object_id, b.data_key_id, b.size FROM (VALUES "
                  + values
                  + ") AS v (s) LEFT JOIN blob b ON b.tenant_id = ? AND b.sha256 = v.s"
                  + " WHERE b.id IS NOT NULL")
          .params(params)
          .query(
              rs -> {
                Stored stored =
                    new Stored(
                        rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class),
                        rs.getObject(4, UUID.class),
                        rs.getLong(5));
                String sha256 = rs.getString(1);
                found.put(sha256, stored);
                lookups.put(new Lookup(tenantId, sha256), stored);
              });
    }
    return sha256 -> {
      Stored stored = found.get(sha256);
      if (stored == null) {
        return open(tenantId, sha256, 0);
      }
      try {
        return open(tenantId, sha256, stored, 0);
      } catch (IOException | RuntimeException e) {
        // Key rotation may have rewritten the blob since the lookup: look it up again.
        Stored now = stored(tenantId, sha256).orElse(null);
        if (now == null) {
          lookups.invalidate(new Lookup(tenantId, sha256));
          missing.increment();
          throw new BlobNotFoundException(sha256);
        }
        if (now.equals(stored)) {
          throw e;
        }
        found.put(sha256, now);
        lookups.put(new Lookup(tenantId, sha256), now);
        return open(tenantId, sha256, now, 0);
      }
    };
  }

  private InputStream open(UUID tenantId, String sha256, Stored stored, long offset)
      throws IOException {
    if (offset > stored.size()) {
      throw new IllegalArgumentException("offset " + offset + " is beyond the blob's end");
    }
    DataKeys.DataKey key;
    try {
      key = keys.get(tenantId, stored.dataKeyId());
    } catch (DestroyedKeyException shredded) {
      missing.increment();
      throw new BlobNotFoundException(sha256);
    }
    if (offset == stored.size()) {
      return InputStream.nullInputStream();
    }
    String objectKey = objectKey(tenantId, stored.objectId());
    byte[] aad = associatedData(tenantId, stored.objectId());
    int wholeLength = OneSegmentReader.ciphertextLength(key.oneSegment(), stored.size());
    if (wholeLength >= 0) {
      // A small blob: one read of its ciphertext, decrypted whole (null: not the expected length,
      // left to the channel below, which fails on it as on any other damaged ciphertext).
      byte[] ciphertext;
      try {
        ciphertext = backend.readWhole(objectKey, wholeLength);
        if (ciphertext != null) {
          byte[] whole = OneSegmentReader.decrypt(key.oneSegment(), stored.size(), ciphertext, aad);
          return new java.io.ByteArrayInputStream(
              whole, (int) offset, (int) (whole.length - offset));
        }
      } catch (IOException | RuntimeException e) {
        readErrors.increment();
        throw e;
      }
    }
    SeekableByteChannel ciphertext;
    try {
      ciphertext = backend.read(objectKey);
    } catch (IOException | RuntimeException e) {
      readErrors.increment();
      throw e;
    }
    try {
      SeekableByteChannel plaintext = key.aead().newSeekableDecryptingChannel(ciphertext, aad);
      plaintext.position(offset);
      return new PlaintextStream(plaintext);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      readErrors.increment();
      ciphertext.close();
      throw e instanceof IOException io ? io : new IOException("cannot decrypt blob", e);
    }
  }

  @Override
  public void add(UUID tenantId, String sha256, String owner) {
    if (owner.isBlank() || owner.length() > 200) {
      throw new IllegalArgumentException("owner must be 1 to 200 characters");
    }
    joinTx.executeWithoutResult(
        s -> {
          // A blob this transaction recorded is locked by it already and was touched as inserted
          if (!insertedInThisTransaction().contains(tenantId + "/" + sha256)) {
            UUID blobId = lock(tenantId, sha256);
            if (blobId == null) {
              throw new IllegalStateException("the company holds no blob " + sha256);
            }
            touchLocked(blobId);
          }
          boolean present =
              jdbc.sql(
                          "SELECT COUNT(*) FROM blob_reference"
                              + " WHERE tenant_id = :t AND sha256 = :s AND owner = :o")
                      .param("t", tenantId)
                      .param("s", sha256)
                      .param("o", owner)
                      .query(Long.class)
                      .single()
                  > 0;
          if (!present) {
            jdbc.sql(
                    "INSERT INTO blob_reference (tenant_id, sha256, owner, created_at)"
                        + " VALUES (:t, :s, :o, :at)")
                .param("t", tenantId)
                .param("s", sha256)
                .param("o", owner)
                .param("at", Jdbc.ts(clock.instant()))
                .update();
          }
        });
  }

  @Override
  public void remove(UUID tenantId, String sha256, String owner) {
    joinTx.executeWithoutResult(
        s -> {
          UUID blobId = lock(tenantId, sha256);
          int removed =
              jdbc.sql(
                      "DELETE FROM blob_reference"
                          + " WHERE tenant_id = :t AND sha256 = :s AND owner = :o")
                  .param("t", tenantId)
                  .param("s", sha256)
                  .param("o", owner)
                  .update();
          if (removed > 0 && blobId != null) {
            touchLocked(blobId);
          }
        });
  }

  /** How many references hold the blob. */
  public long referenceCount(UUID tenantId, String sha256) {
    return jdbc.sql("SELECT COUNT(*) FROM blob_reference WHERE tenant_id = :t AND sha256 = :s")
        .param("t", tenantId)
        .param("s", sha256)
        .query(Long.class)
        .single();
  }

  /** A blob's row. */
  record Stored(UUID id, UUID objectId, UUID dataKeyId, long size) {}

  Optional<Stored> stored(UUID tenantId, String sha256) {
    if (!isAddress(sha256)) {
      return Optional.empty();
    }
    return jdbc.sql(
            "SELECT id, object_id, data_key_id, size FROM blob"
                + " WHERE tenant_id = :t AND sha256 = :s")
        .param("t", tenantId)
        .param("s", sha256)
        .query(
            (rs, n) ->
                new Stored(
                    rs.getObject(1, UUID.class),
                    rs.getObject(2, UUID.class),
                    rs.getObject(3, UUID.class),
                    rs.getLong(4)))
        .optional();
  }

  BlobBackend backend() {
    return backend;
  }

  static String objectKey(UUID tenantId, UUID objectId) {
    return tenantId + "/" + objectId;
  }

  /** Binds a ciphertext to its company and object, so it cannot be swapped for another. */
  static byte[] associatedData(UUID tenantId, UUID objectId) {
    return ("musubi-blob:" + tenantId + ":" + objectId).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Where a blob is found: the plaintext's SHA-256 for the company's blobs; for a member's, the
   * SHA-256 of the member and that hash, so that the same bytes of two members are two blobs under
   * two keys (and neither member's erasure touches the other's).
   */
  static String address(@Nullable UUID memberId, String plaintextSha256) {
    if (memberId == null) {
      return plaintextSha256;
    }
    MessageDigest digest = sha256();
    digest.update(
        ("musubi-member-blob:" + memberId + ":" + plaintextSha256)
            .getBytes(StandardCharsets.US_ASCII));
    return HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Locks the blob's row in the current transaction; null when the company has no such blob. */
  /**
   * The blobs (company and SHA-256) the current transaction inserted through {@link
   * Prepared#record}; forgotten when it ends. Kept with the transaction's synchronizations, which a
   * nested new transaction suspends, so it never answers for another transaction. Empty outside a
   * transaction.
   */
  private Set<String> insertedInThisTransaction() {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      return new HashSet<>();
    }
    for (TransactionSynchronization s : TransactionSynchronizationManager.getSynchronizations()) {
      if (s instanceof Inserted inserted && inserted.store == this) {
        return inserted.keys;
      }
    }
    Inserted inserted = new Inserted(this);
    TransactionSynchronizationManager.registerSynchronization(inserted);
    return inserted.keys;
  }

  private static final class Inserted implements TransactionSynchronization {
    final EncryptedBlobStore store;
    final Set<String> keys = new HashSet<>();

    Inserted(EncryptedBlobStore store) {
      this.store = store;
    }
  }

  private UUID lock(UUID tenantId, String sha256) {
    return jdbc.sql("SELECT id FROM blob WHERE tenant_id = :t AND sha256 = :s FOR UPDATE")
        .param("t", tenantId)
        .param("s", sha256)
        .query(UUID.class)
        .optional()
        .orElse(null);
  }

  private void touchLocked(UUID blobId) {
    jdbc.sql("UPDATE blob SET touched_at = :now WHERE id = :id")
        .param("now", Jdbc.ts(clock.instant()))
        .param("id", blobId)
        .update();
  }

  /** Marks an existing blob as just returned by a put; false when there is none. */
  private boolean touch(TransactionTemplate tx, UUID tenantId, String sha) {
    return Boolean.TRUE.equals(
        tx.execute(
            s -> {
              UUID id = lock(tenantId, sha);
              if (id == null) {
                return false;
              }
              touchLocked(id);
              return true;
            }));
  }

  /**
   * Inserts the blob's row in the caller's transaction; false when a concurrent put of the same
   * bytes has it (that put's transaction has then committed: the insert waits for it). No
   * duplicate-key error, which would leave a PostgreSQL transaction unusable.
   */
  private boolean insertJoined(
      UUID tenantId, @Nullable UUID memberId, String sha, long size, UUID objectId, UUID keyId) {
    return insertRow(" ON CONFLICT DO NOTHING", tenantId, memberId, sha, size, objectId, keyId)
            .update()
        == 1;
  }

  /** The blob row's INSERT, with {@code tail} after its VALUES. */
  private JdbcClient.StatementSpec insertRow(
      String tail,
      UUID tenantId,
      @Nullable UUID memberId,
      String sha,
      long size,
      UUID objectId,
      UUID keyId) {
    return jdbc.sql(
            "INSERT INTO blob (id, tenant_id, sha256, size, object_id, data_key_id, created_at,"
                + " touched_at, member_id) VALUES (:id, :t, :s, :size, :o, :k, :now, :now,"
                + " :member)"
                + tail)
        .param("id", ids.next())
        .param("member", memberId)
        .param("t", tenantId)
        .param("s", sha)
        .param("size", size)
        .param("o", objectId)
        .param("k", keyId)
        .param("now", Jdbc.ts(clock.instant()));
  }

  /** Removes the ciphertext if the caller's transaction, which holds its row, does not commit. */
  private void deleteOnRollback(String objectKey) {
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCompletion(int status) {
            if (status == STATUS_COMMITTED) {
              return;
            }
            try {
              backend.delete(objectKey);
            } catch (IOException | RuntimeException e) {
              // Left as an unreferenced object; the collector's sweep never reads it.
              writeErrors.increment();
            }
          }
        });
  }

  private boolean insert(
      UUID tenantId, @Nullable UUID memberId, String sha, long size, UUID objectId, UUID keyId) {
    try {
      ownTx.executeWithoutResult(
          s -> insertRow("", tenantId, memberId, sha, size, objectId, keyId).update());
      return true;
    } catch (DuplicateKeyException raced) {
      return false;
    }
  }
}
