package dev.musubi.ops.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.musubi.platform.Ids;
import dev.musubi.platform.MusubiProperties;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.internal.BlobObjectCopies;
import dev.musubi.platform.blob.internal.DataKeys;
import dev.musubi.platform.blob.internal.EncryptedBlobStore;
import dev.musubi.platform.blob.internal.MasterKeys;
import dev.musubi.platform.blob.internal.S3BlobBackend;
import dev.musubi.platform.crypto.MasterKeySealer;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestS3;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Backups of an installation whose files live in S3: the archive holds a copy of the bucket's
 * objects (not only the database and keys), and a restore puts them into an empty bucket, where
 * they decrypt as before.
 */
@MusubiIntegrationTest
class S3BackupIntegrationTests {

  static TestS3 s3;

  @Autowired DataSource dataSource;
  @Autowired JdbcClient jdbc;
  @Autowired PlatformTransactionManager transactions;
  @Autowired DataKeys dataKeys;
  @Autowired MasterKeys masterKeys;
  @Autowired MasterKeySealer sealer;
  @Autowired Ids ids;
  @Autowired Clock clock;
  @Autowired MusubiProperties musubi;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = TestS3.start();
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  static S3BlobBackend bucket(String name) throws Exception {
    S3BlobBackend backend = new S3BlobBackend(s3.properties(name));
    backend.ensureBucket();
    return backend;
  }

  static byte[] read(EncryptedBlobStore store, UUID tenant, BlobRef ref) throws Exception {
    try (InputStream in = store.open(tenant, ref.sha256())) {
      return in.readAllBytes();
    }
  }

  @Test
  void anArchiveHoldsTheBucketsObjectsAndARestorePutsThemIntoAnEmptyBucket() throws Exception {
    S3BlobBackend source = bucket("backup-source");
    EncryptedBlobStore store =
        new EncryptedBlobStore(jdbc, transactions, dataKeys, source, ids, clock);
    UUID tenant = UUID.randomUUID();
    UUID member = UUID.randomUUID();
    List<byte[]> contents = new ArrayList<>();
    List<BlobRef> refs = new ArrayList<>();
    Random random = new Random(7);
    for (int size : new int[] {0, 1000, 6 * 1024 * 1024 + 17}) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      contents.add(bytes);
      refs.add(store.put(tenant, new ByteArrayInputStream(bytes), size));
    }
    byte[] personal = "a member's own 個人の".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    contents.add(personal);
    refs.add(store.put(tenant, member, new ByteArrayInputStream(personal), 1000));

    Path parent = Files.createTempDirectory("musubi-s3-backup");
    Backups backups =
        new Backups(dataSource, musubi, sealer, clock, new BlobObjectCopies(jdbc, source));
    Backups.Archive archive = backups.backup(parent);

    JsonNode manifest =
        JsonMapper.builder()
            .build()
            .readTree(Files.readAllBytes(archive.path().resolve(Backups.MANIFEST)));
    assertThat(manifest.path("blobs").path("backend").asString()).isEqualTo("s3");
    assertThat(manifest.path("blobs").path("objects").asLong()).isGreaterThanOrEqualTo(4);
    List<UUID> objects =
        jdbc.sql("SELECT object_id FROM blob WHERE tenant_id = ?")
            .param(tenant)
            .query(UUID.class)
            .list();
    assertThat(objects).hasSize(4);
    for (UUID object : objects) {
      Path copy =
          archive
              .path()
              .resolve(Backups.OBJECTS)
              .resolve(tenant.toString())
              .resolve(object.toString());
      assertThat(copy).isRegularFile();
      assertThat(source.exists(tenant + "/" + object)).isTrue();
    }
    assertThat(archive.path().resolve("blobs")).doesNotExist();
    assertThat(backups.verify(archive.path()).valid()).isTrue();

    // A local installation refuses it before loading anything.
    DataSource fresh = FreshDatabase.create();
    Path freshDir = Files.createTempDirectory("musubi-s3-restore");
    MusubiProperties freshProperties =
        new MusubiProperties(freshDir, null, List.of(), List.of(), null);
    assertThatThrownBy(
            () -> new Backups(fresh, freshProperties, sealer, clock).restore(archive.path()))
        .hasMessageContaining("came from S3");

    // Into an empty bucket: every object comes back and decrypts with the restored keys.
    S3BlobBackend target = bucket("backup-target");
    JdbcClient freshJdbc = JdbcClient.create(fresh);
    Map<String, Long> rows =
        new Backups(fresh, freshProperties, sealer, clock, new BlobObjectCopies(freshJdbc, target))
            .restore(archive.path());
    assertThat(rows.get("blob")).isGreaterThanOrEqualTo(4);
    DataSourceTransactionManager freshTx = new DataSourceTransactionManager(fresh);
    EncryptedBlobStore restored =
        new EncryptedBlobStore(
            freshJdbc,
            freshTx,
            new DataKeys(freshJdbc, freshTx, masterKeys, ids, clock),
            target,
            ids,
            clock);
    for (int i = 0; i < refs.size(); i++) {
      assertThat(read(restored, tenant, refs.get(i))).isEqualTo(contents.get(i));
    }
    Backups.deleteTree(parent);
    Backups.deleteTree(freshDir);
  }
}
