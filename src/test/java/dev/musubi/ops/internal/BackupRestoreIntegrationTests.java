package dev.musubi.ops.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.musubi.platform.MusubiProperties;
import dev.musubi.platform.crypto.MasterKeySealer;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The backup drill: fill Musubi with data, back up while members keep sending messages, verify the
 * archive, restore it into an empty database and data directory, and compare every row.
 */
@MusubiIntegrationTest
class BackupRestoreIntegrationTests {

  @LocalServerPort int port;
  @Autowired Backups backups;
  @Autowired BackupProperties properties;
  @Autowired DataSource dataSource;
  @Autowired MasterKeySealer sealer;
  @Autowired MusubiProperties musubi;
  @Autowired Clock clock;
  @Autowired dev.musubi.platform.blob.BlobStore blobs;
  @Autowired dev.musubi.platform.blob.BlobReferences references;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  private String room(Fixtures.TestCompany company, Fixtures.TestMember... members) {
    ApiClient.Response r =
        company
            .admin()
            .post(
                "/api/v1/rooms",
                Map.of(
                    "type",
                    "group",
                    "name",
                    "バックアップ訓練",
                    "members",
                    java.util.Arrays.stream(members).map(m -> m.id().toString()).toList()));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  @Test
  void anArchiveTakenUnderLoadRestoresEveryRow() throws Exception {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember a = fixtures.member(company, "bk-a");
    Fixtures.TestMember b = fixtures.member(company, "bk-b");
    String roomId = room(company, a, b);
    for (int i = 0; i < 20; i++) {
      assertThat(
              a.client()
                  .post("/api/v1/rooms/" + roomId + "/messages", Map.of("text", "前 " + i))
                  .status())
          .isEqualTo(201);
    }

    byte[] content = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(7).nextBytes(content);
    var blob = blobs.put(company.id(), new java.io.ByteArrayInputStream(content), 10L << 20);
    references.add(company.id(), blob.sha256(), "test.backup:" + UUID.randomUUID());

    // Members keep writing while the archive is taken.
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger sent = new AtomicInteger();
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!stop.get()) {
                    if (b.client()
                            .post(
                                "/api/v1/rooms/" + roomId + "/messages",
                                Map.of("text", "最中 " + sent.get()))
                            .status()
                        == 201) {
                      sent.incrementAndGet();
                    }
                  }
                });
    ApiClient operator = fixtures.operator();
    long started = System.nanoTime();
    ApiClient.Response created = operator.post("/api/v1/operator/backups", null);
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    stop.set(true);
    writer.join();
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String name = created.json().get("name").asString();
    System.out.printf(
        "backup drill: archive %s in %d ms while %d messages were sent%n",
        name, tookMillis, sent.get());

    ApiClient.Response listed = operator.get("/api/v1/operator/backups");
    assertThat(listed.body()).contains(name);
    ApiClient.Response verified =
        operator.post("/api/v1/operator/backups/" + name + "/verify", null);
    assertThat(verified.status()).as(verified.body()).isEqualTo(200);
    assertThat(verified.json().get("valid").asBoolean()).as(verified.body()).isTrue();

    Path archive = properties.dir().resolve(name);
    // The database dump is encrypted: no message text in any archive file.
    byte[] db = Files.readAllBytes(archive.resolve(Backups.DATABASE));
    assertThat(new String(db, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("前 1");

    // Restore into an empty database and data directory.
    DataSource fresh = freshDatabase();
    Path freshDir = Files.createTempDirectory("musubi-restore");
    Backups target =
        new Backups(
            fresh, new MusubiProperties(freshDir, null, List.of(), List.of(), null), sealer, clock);
    long restoreStarted = System.nanoTime();
    Map<String, Long> restored = target.restore(archive);
    System.out.printf(
        "backup drill: restored %d rows in %d ms%n",
        restored.values().stream().mapToLong(Long::longValue).sum(),
        (System.nanoTime() - restoreStarted) / 1_000_000);
    assertThat(restored.get("talk_message")).isGreaterThanOrEqualTo(20);
    assertThat(restored.get("member")).isGreaterThanOrEqualTo(3);

    // Every blob file came back byte for byte.
    Path sourceBlobs = musubi.dataDir().resolve("blobs");
    try (var files = Files.walk(archive.resolve("blobs"))) {
      List<Path> copied = files.filter(Files::isRegularFile).toList();
      assertThat(copied).isNotEmpty();
      for (Path f : copied) {
        Path rel = archive.resolve("blobs").relativize(f);
        assertThat(Files.readAllBytes(freshDir.resolve("blobs").resolve(rel.toString())))
            .isEqualTo(Files.readAllBytes(sourceBlobs.resolve(rel.toString())));
      }
    }

    // Every row is the same: a dump of the restored database equals the archive's.
    ByteArrayOutputStream archived = new ByteArrayOutputStream();
    try (InputStream in = target.openDatabase(archive)) {
      in.transferTo(archived);
    }
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    try (Connection c = fresh.getConnection()) {
      DatabaseSnapshot.dump(c, again);
    }
    assertThat(withoutSequences(again.toString())).isEqualTo(withoutSequences(archived.toString()));

    // A second restore into the now filled database is refused.
    assertThatThrownBy(() -> target.restore(archive)).hasMessageContaining("restore into an empty");
  }

  @Test
  void twoArchivesInOneSecondGetTwoNames() throws Exception {
    Path dir = Files.createTempDirectory("musubi-backup-twice");
    // Archives of this second and the next few exist already (as when a scheduled backup and an
    // operator's meet): the new one takes the next free name instead of failing.
    java.time.format.DateTimeFormatter second =
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(java.time.ZoneOffset.UTC);
    java.time.Instant now = clock.instant();
    for (int i = 0; i < 5; i++) {
      Files.createDirectories(dir.resolve(Backups.PREFIX + second.format(now.plusSeconds(i))));
    }
    Backups.Archive a = backups.backup(dir);
    assertThat(a.name()).matches("musubi-backup-\\d{8}T\\d{6}Z-2");
    assertThat(backups.verify(a.path()).valid()).isTrue();
  }

  @Test
  void aDamagedArchiveIsReportedAndNotRestored() throws Exception {
    fixtures.company();
    Backups.Archive a = backups.backup(Files.createTempDirectory("musubi-backup-damaged"));
    assertThat(backups.verify(a.path()).valid()).isTrue();

    Path dump = a.path().resolve(Backups.DATABASE);
    byte[] bytes = Files.readAllBytes(dump);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(dump, bytes);
    Backups.Verification v = backups.verify(a.path());
    assertThat(v.valid()).isFalse();
    assertThat(v.problems()).anySatisfy(p -> assertThat(p).contains("checksum differs"));

    Files.writeString(a.path().resolve("extra.txt"), "planted");
    assertThat(backups.verify(a.path()).problems())
        .anySatisfy(p -> assertThat(p).contains("not in the manifest: extra.txt"));

    DataSource fresh = freshDatabase();
    Backups target =
        new Backups(
            fresh,
            new MusubiProperties(
                Files.createTempDirectory("musubi-restore"), null, List.of(), List.of(), null),
            sealer,
            clock);
    assertThatThrownBy(() -> target.restore(a.path())).hasMessageContaining("not intact");
    try (Connection c = fresh.getConnection();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT COUNT(*) FROM company")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
  }

  @Test
  void withoutABackupDirectoryTheApiSaysSoAndOnlyTheOperatorMayBackUp() {
    Fixtures.TestCompany company = fixtures.company();
    assertThat(company.admin().post("/api/v1/operator/backups", null).status()).isEqualTo(403);
    assertThat(fixtures.client().get("/api/v1/operator/backups").status()).isEqualTo(401);
    assertThat(fixtures.operator().post("/api/v1/operator/backups/../../etc/verify", null).status())
        .isIn(400, 404);
  }

  private static String withoutSequences(String dump) {
    return dump.replaceFirst("\"sequences\":\\{[^}]*\\}", "");
  }

  private DataSource freshDatabase() throws Exception {
    return FreshDatabase.create();
  }
}
