package dev.musubi.platform.blob.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.musubi.platform.blob.BlobNotFoundException;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobReferences;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The default backend: encrypted files under {@code <data-dir>/blobs}. */
@MusubiIntegrationTest
class LocalBlobStoreIntegrationTests extends BlobStoreContract {

  @Autowired BlobStore blobStore;
  @Autowired BlobReferences blobReferences;
  @Autowired BlobBackend backend;
  @Autowired PlatformTransactionManager transactions;
  @Autowired javax.sql.DataSource dataSource;
  @Autowired dev.musubi.platform.Ids ids;

  @Override
  EncryptedBlobStore store() {
    return (EncryptedBlobStore) blobStore;
  }

  Path root() {
    return ((LocalBlobBackend) backend).root();
  }

  @Override
  long objectCount(UUID tenantId) throws IOException {
    Path dir = root().resolve(tenantId.toString());
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void theSpringBeansAreTheEncryptedLocalStore() {
    assertThat(blobStore).isSameAs(blobReferences).isInstanceOf(EncryptedBlobStore.class);
    assertThat(backend).isInstanceOf(LocalBlobBackend.class);
    assertThat(store().backendName()).isEqualTo("local");
  }

  @Test
  void filesAreNamedByIdsAndNoTempFileIsLeft() throws Exception {
    UUID tenant = UUID.randomUUID();
    store().put(tenant, new PatternStream(10_000, 9), MIB);
    try (Stream<Path> files = Files.walk(root().resolve(tenant.toString()))) {
      assertThat(files.filter(Files::isRegularFile).toList())
          .singleElement()
          .satisfies(
              f ->
                  assertThat(root().relativize(f).toString())
                      .matches(tenant + "/[0-9a-f]{2}/[0-9a-f-]{36}"));
    }
    try (Stream<Path> temp = Files.list(root().resolve("tmp"))) {
      assertThat(temp.filter(f -> f.getFileName().toString().endsWith(".part")).toList()).isEmpty();
    }
  }

  @Test
  void smallBlobsAreReadWholeAndAChangedOrCutCiphertextStillFails() throws Exception {
    UUID tenant = UUID.randomUUID();
    long max = OneSegmentReader.MAX_SIZE;
    List<String> shas = new ArrayList<>();
    for (long size : new long[] {1, 4000, max, max + 1}) {
      BlobRef ref = store().put(tenant, new PatternStream(size, 11), MIB);
      shas.add(ref.sha256());
      for (long offset : new long[] {0, 1, size - 1}) {
        try (InputStream in = store().open(tenant, ref.sha256(), Math.min(offset, size - 1))) {
          long from = Math.min(offset, size - 1);
          byte[] rest = in.readAllBytes();
          assertThat(rest).hasSize((int) (size - from));
          assertThat(rest[0]).isEqualTo(PatternStream.byteAt(11, from));
          assertThat(rest[rest.length - 1]).isEqualTo(PatternStream.byteAt(11, size - 1));
        }
      }
      // Whole in memory up to the limit, streamed above it.
      EncryptedBlobStore.Stored stored = store().stored(tenant, ref.sha256()).orElseThrow();
      List<OneSegmentReader.Key> keyList = keys.get(tenant, stored.dataKeyId()).oneSegment();
      int length = OneSegmentReader.ciphertextLength(keyList, size);
      if (size <= max) {
        byte[] ciphertext =
            backend.readWhole(EncryptedBlobStore.objectKey(tenant, stored.objectId()), length);
        assertThat(ciphertext).isNotNull();
        byte[] whole =
            OneSegmentReader.decrypt(
                keyList,
                size,
                ciphertext,
                EncryptedBlobStore.associatedData(tenant, stored.objectId()));
        assertThat(sha256Of(new ByteArrayInputStream(whole))).isEqualTo(ref.sha256());
        assertThat(
                backend.readWhole(
                    EncryptedBlobStore.objectKey(tenant, stored.objectId()), length + 1))
            .isNull();
      } else {
        assertThat(length).isEqualTo(-1);
      }
    }
    // A reader looks them up at once and opens each; an unknown hash is not found.
    BlobStore.Reader reader = store().reader(tenant, shas);
    for (String sha : shas) {
      try (InputStream in = reader.open(sha)) {
        assertThat(sha256Of(in)).isEqualTo(sha);
      }
    }
    assertThatThrownBy(() -> reader.open("0".repeat(64))).isInstanceOf(BlobNotFoundException.class);

    Path file = objectFile(tenant, shas.get(1));
    byte[] good = Files.readAllBytes(file);
    byte[] changed = good.clone();
    changed[good.length / 2] ^= 1;
    for (byte[] bad : List.of(changed, Arrays.copyOf(good, good.length - 1))) {
      Files.write(file, bad);
      assertThatThrownBy(
              () -> {
                try (InputStream in = store().open(tenant, shas.get(1))) {
                  in.readAllBytes();
                }
              })
          .isInstanceOf(IOException.class);
    }
    Files.write(file, good);
    try (InputStream in = store().reader(tenant, shas).open(shas.get(1))) {
      assertThat(sha256Of(in)).isEqualTo(shas.get(1));
    }
  }

  @Autowired DataKeys keys;

  Path objectFile(UUID tenant, String sha) throws IOException {
    String name = store().stored(tenant, sha).orElseThrow().objectId().toString();
    try (Stream<Path> files = Files.walk(root().resolve(tenant.toString()))) {
      return files.filter(f -> f.getFileName().toString().equals(name)).findFirst().orElseThrow();
    }
  }

  @Test
  void aBlobPutInTheCallersTransactionExistsOnlyIfThatTransactionCommits() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID member = UUID.randomUUID();
    var tx = new TransactionTemplate(transactions);
    byte[] content = "a message stored with its rows in one commit".getBytes(UTF_8);

    assertThatThrownBy(
            () -> store().putInTransaction(tenant, member, new ByteArrayInputStream(content), 1000))
        .isInstanceOf(IllegalStateException.class);

    // Rolled back: neither the row nor the ciphertext stays (the file was synced before the row).
    assertThatThrownBy(
            () ->
                tx.executeWithoutResult(
                    s -> {
                      BlobRef ref = putJoined(tenant, member, content);
                      assertThat(blobRows(tenant)).isEqualTo(1);
                      assertThat(store().stored(tenant, ref.sha256())).isPresent();
                      throw new IllegalStateException("the caller's work failed");
                    }))
        .hasMessage("the caller's work failed");
    assertThat(blobRows(tenant)).isZero();
    assertThat(objectCount(tenant)).isZero();

    // Committed: readable like any other blob; the same bytes again store nothing new.
    BlobRef ref =
        java.util.Objects.requireNonNull(tx.execute(s -> putJoined(tenant, member, content)));
    try (InputStream in = store().open(tenant, ref.sha256())) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    BlobRef again = tx.execute(s -> putJoined(tenant, member, content));
    assertThat(again).isEqualTo(ref);
    assertThat(store().put(tenant, member, new ByteArrayInputStream(content), 1000)).isEqualTo(ref);
    assertThat(blobRows(tenant)).isEqualTo(1);
    assertThat(objectCount(tenant)).isEqualTo(1);

    // Too large: refused, and nothing kept even though the transaction commits.
    assertThatThrownBy(
            () ->
                tx.executeWithoutResult(
                    s -> {
                      try {
                        store()
                            .putInTransaction(tenant, member, new PatternStream(5_000, 3), 4_000);
                      } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                    }))
        .hasCauseInstanceOf(dev.musubi.platform.blob.BlobTooLargeException.class);
    assertThat(blobRows(tenant)).isEqualTo(1);
    assertThat(objectCount(tenant)).isEqualTo(1);
  }

  @Test
  void aReferenceToABlobRecordedInTheSameTransactionNeedsNoLockAndNestedTransactionsDoNotShareIt()
      throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID member = UUID.randomUUID();
    var tx = new TransactionTemplate(transactions);
    var nested = new TransactionTemplate(transactions);
    nested.setPropagationBehavior(
        org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    byte[] content = "a message and its first owner in one commit".getBytes(UTF_8);
    try (BlobStore.Prepared prepared =
        store().prepare(tenant, member, new ByteArrayInputStream(content), 1000)) {
      BlobRef ref =
          java.util.Objects.requireNonNull(
              tx.execute(
                  s -> {
                    BlobRef recorded = prepared.record();
                    blobReferences.add(tenant, recorded.sha256(), "test:first");
                    blobReferences.add(tenant, recorded.sha256(), "test:first"); // counted once
                    // A nested transaction is another transaction: it cannot see the uncommitted
                    // blob, and must not take it for one it recorded itself.
                    assertThatThrownBy(
                            () ->
                                nested.executeWithoutResult(
                                    n -> blobReferences.add(tenant, recorded.sha256(), "test:x")))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("holds no blob");
                    return recorded;
                  }));
      assertThat(store().referenceCount(tenant, ref.sha256())).isEqualTo(1);
      // Later transactions reference it the usual way (lock and touch).
      tx.executeWithoutResult(s -> blobReferences.add(tenant, ref.sha256(), "test:second"));
      assertThat(store().referenceCount(tenant, ref.sha256())).isEqualTo(2);
      try (InputStream in = store().open(tenant, ref.sha256())) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
    }
    // A rolled-back recording leaves neither the blob nor its reference.
    byte[] other = "rolled back with its owner".getBytes(UTF_8);
    try (BlobStore.Prepared prepared =
        store().prepare(tenant, member, new ByteArrayInputStream(other), 1000)) {
      assertThatThrownBy(
              () ->
                  tx.executeWithoutResult(
                      s -> {
                        blobReferences.add(tenant, prepared.record().sha256(), "test:gone");
                        throw new IllegalStateException("the caller's work failed");
                      }))
          .hasMessage("the caller's work failed");
      assertThat(store().find(tenant, prepared.ref().sha256())).isEmpty();
      assertThat(store().referenceCount(tenant, prepared.ref().sha256())).isZero();
    }
    assertThat(blobRows(tenant)).isEqualTo(1);
  }

  @Test
  void aPreparedBlobIsSyncedWithoutAConnectionAndKeptOnlyIfARecordingTransactionCommits()
      throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID member = UUID.randomUUID();
    byte[] content = "written and synced before the message's transaction".getBytes(UTF_8);
    HikariDataSource app = (HikariDataSource) dataSource;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(app.getJdbcUrl());
    config.setUsername(app.getUsername());
    config.setPassword(app.getPassword());
    // One connection: a write or sync that held it would make the probe below time out.
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(250);
    try (HikariDataSource one = new HikariDataSource(config)) {
      List<Boolean> connectionFreeWhileSyncing = new ArrayList<>();
      BlobBackend probing =
          new BlobBackend() {
            @Override
            public String name() {
              return backend.name();
            }

            @Override
            public Upload upload(String key) throws IOException {
              Upload upload = backend.upload(key);
              return new Upload() {
                @Override
                public java.io.OutputStream out() {
                  return upload.out();
                }

                @Override
                public void commit() throws IOException {
                  try (java.sql.Connection c = one.getConnection()) {
                    connectionFreeWhileSyncing.add(c.isValid(1));
                  } catch (java.sql.SQLException e) {
                    connectionFreeWhileSyncing.add(false);
                  }
                  upload.commit();
                }

                @Override
                public void abort() {
                  upload.abort();
                }
              };
            }

            @Override
            public java.nio.channels.SeekableByteChannel read(String key) throws IOException {
              return backend.read(key);
            }

            @Override
            public void delete(String key) throws IOException {
              backend.delete(key);
            }

            @Override
            public boolean exists(String key) throws IOException {
              return backend.exists(key);
            }

            @Override
            public void check() throws IOException {
              backend.check();
            }
          };
      var transactions = new DataSourceTransactionManager(one);
      var store =
          new EncryptedBlobStore(
              JdbcClient.create(one),
              transactions,
              keys,
              probing,
              ids,
              java.time.Clock.systemUTC());
      var tx = new TransactionTemplate(transactions);

      // Rolled back: the ciphertext stays for another try; recorded again and committed, it is
      // kept by close and reads back.
      BlobRef ref;
      try (BlobStore.Prepared prepared =
          store.prepare(tenant, member, new ByteArrayInputStream(content), 1000)) {
        assertThat(connectionFreeWhileSyncing).containsExactly(true);
        assertThat(objectCount(tenant)).as("synced before any row").isEqualTo(1);
        assertThat(blobRows(tenant)).isZero();
        assertThatThrownBy(prepared::record).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(
                () ->
                    tx.executeWithoutResult(
                        s -> {
                          prepared.record();
                          throw new IllegalStateException("the group failed");
                        }))
            .hasMessage("the group failed");
        assertThat(blobRows(tenant)).isZero();
        assertThat(objectCount(tenant)).isEqualTo(1);
        ref = java.util.Objects.requireNonNull(tx.execute(s -> prepared.record()));
        assertThat(ref).isEqualTo(prepared.ref());
      }
      assertThat(blobRows(tenant)).isEqualTo(1);
      assertThat(objectCount(tenant)).isEqualTo(1);
      try (InputStream in = store().open(tenant, ref.sha256())) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }

      // The same bytes again: the stored blob is used and the new copy goes at close.
      try (BlobStore.Prepared again =
          store.prepare(tenant, member, new ByteArrayInputStream(content), 1000)) {
        assertThat(objectCount(tenant)).isEqualTo(2);
        BlobRef same = tx.execute(s -> again.record());
        assertThat(same).isEqualTo(ref);
      }
      assertThat(blobRows(tenant)).isEqualTo(1);
      assertThat(objectCount(tenant)).isEqualTo(1);

      // Never recorded: removed at close.
      byte[] other = "never recorded".getBytes(UTF_8);
      store.prepare(tenant, member, new ByteArrayInputStream(other), 1000).close();
      assertThat(objectCount(tenant)).isEqualTo(1);
      assertThat(connectionFreeWhileSyncing).containsExactly(true, true, true);

      // Closed inside the recording transaction: its end decides.
      tx.executeWithoutResult(
          s -> {
            try (BlobStore.Prepared inside =
                store.prepare(tenant, member, new ByteArrayInputStream(other), 1000)) {
              inside.record();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      assertThat(blobRows(tenant)).isEqualTo(2);
      assertThat(objectCount(tenant)).isEqualTo(2);
      byte[] third = "closed inside a transaction that rolls back".getBytes(UTF_8);
      assertThatThrownBy(
              () ->
                  tx.executeWithoutResult(
                      s -> {
                        try (BlobStore.Prepared inside =
                            store.prepare(tenant, member, new ByteArrayInputStream(third), 1000)) {
                          inside.record();
                        } catch (IOException e) {
                          throw new java.io.UncheckedIOException(e);
                        }
                        throw new IllegalStateException("rolled back");
                      }))
          .hasMessage("rolled back");
      assertThat(blobRows(tenant)).isEqualTo(2);
      assertThat(objectCount(tenant)).isEqualTo(2);

      // Too large: refused, nothing kept.
      assertThatThrownBy(() -> store.prepare(tenant, member, new PatternStream(5_000, 3), 4_000))
          .isInstanceOf(dev.musubi.platform.blob.BlobTooLargeException.class);
      assertThat(objectCount(tenant)).isEqualTo(2);
    }
  }

  private BlobRef putJoined(UUID tenant, UUID member, byte[] content) {
    try {
      return store().putInTransaction(tenant, member, new ByteArrayInputStream(content), 1000);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theHealthIndicatorChecksThatTheDirectoryIsWritable() throws Exception {
    var indicator = new BlobStoreHealthIndicator(backend);
    assertThat(indicator.health().getStatus().getCode()).isEqualTo("UP");
    Path elsewhere = Files.createTempDirectory("musubi-blob-health");
    LocalBlobBackend broken = new LocalBlobBackend(elsewhere);
    // the temp directory is replaced by a file: nothing can be written there, even as root
    Files.delete(elsewhere.resolve("tmp"));
    Files.writeString(elsewhere.resolve("tmp"), "not a directory");
    var down = new BlobStoreHealthIndicator(broken).health();
    assertThat(down.getStatus().getCode()).isEqualTo("DOWN");
    assertThat(down.getDetails()).containsEntry("backend", "local");
    var status = fixturesHealth();
    assertThat(status).contains("UP");
  }

  @org.springframework.boot.test.web.server.LocalServerPort int port;

  String fixturesHealth() throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    var response =
        client.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  @Test
  void theGeneratedMasterKeyIsReadableByTheOwnerOnly() throws Exception {
    Path key = root().getParent().resolve("keys/master.key");
    assertThat(key).exists();
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
  }
}
