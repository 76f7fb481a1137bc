package dev.musubi.ops.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.musubi.platform.MusubiProperties;
import dev.musubi.platform.crypto.MasterKeySealer;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * On PostgreSQL an archive also holds pg_dump's own archive of Musubi's schema, encrypted like the
 * rest; it decrypts to a file pg_restore loads into a new database with the same rows. On H2 the
 * archive says nothing of it.
 */
@MusubiIntegrationTest
class PostgresDumpIntegrationTests {

  @LocalServerPort int port;
  @Autowired Backups backups;
  @Autowired DataSource dataSource;
  @Autowired MusubiProperties musubi;
  @Autowired MasterKeySealer sealer;
  @Autowired Clock clock;

  static final List<String> TABLES = List.of("company", "member", "audit_event", "flyway_schema_history");

  static JsonNode manifest(Path archive) throws Exception {
    return JsonMapper.builder()
        .build()
        .readTree(Files.readAllBytes(archive.resolve(Backups.MANIFEST)));
  }

  static long rows(Connection c, String schema, String table) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + schema + "." + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aPostgresArchiveHoldsPgDumpsOwnArchiveThatPgRestoreLoads() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    fixtures.member(company, "pgdump");
    Path parent = Files.createTempDirectory("musubi-pgdump");
    Backups.Archive archive = backups.backup(parent);
    JsonNode pg = manifest(archive.path()).path("database").path("pgDump");

    if (!"postgres".equals(TestDatabase.kind())) {
      assertThat(pg.isMissingNode()).as(pg.toString()).isTrue();
      assertThat(Files.exists(archive.path().resolve(Backups.PG_DUMP))).isFalse();
      assertThatThrownBy(() -> backups.extractPostgresDump(archive.path(), parent.resolve("x")))
          .hasMessageContaining("no pg_dump archive");
      return;
    }
    assertThat(pg.path("file").asString()).as(pg.toString()).isEqualTo(Backups.PG_DUMP);
    assertThat(pg.path("tool").asString()).startsWith("pg_dump");
    String schema = pg.path("schema").asString();
    // Encrypted: nothing of the company's name in the file as stored.
    byte[] stored = Files.readAllBytes(archive.path().resolve(Backups.PG_DUMP));
    assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("PGDMP");
    assertThat(backups.verify(archive.path()).valid()).isTrue();

    Path plain = parent.resolve("musubi.pgdump");
    backups.extractPostgresDump(archive.path(), plain);
    assertThat(Files.getPosixFilePermissions(plain))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    assertThat(new String(Files.readAllBytes(plain), 0, 5, StandardCharsets.US_ASCII))
        .isEqualTo("PGDMP");
    assertThatThrownBy(() -> backups.extractPostgresDump(archive.path(), plain))
        .as("never overwrites a file")
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);

    // pg_restore loads it into a new database with the same rows.
    String database = "musubi_pgdump_" + UUID.randomUUID().toString().substring(0, 8);
    String admin = "jdbc:postgresql://127.0.0.1:5432/test";
    try (Connection c = DriverManager.getConnection(admin, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    try {
      Process restore =
          new ProcessBuilder(
                  "pg_restore",
                  "--no-owner",
                  "--host=127.0.0.1",
                  "--username=postgres",
                  "--dbname=" + database,
                  plain.toString())
              .redirectErrorStream(true)
              .start();
      String said = new String(restore.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(restore.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(restore.exitValue()).as(said).isZero();
      try (Connection source = dataSource.getConnection();
          Connection restored =
              DriverManager.getConnection(
                  "jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "")) {
        for (String table : TABLES) {
          assertThat(rows(restored, schema, table))
              .as(table)
              .isPositive()
              .isLessThanOrEqualTo(rows(source, schema, table));
        }
        assertThat(rows(restored, schema, "company")).isEqualTo(archive.rows().get("company"));
        assertThat(rows(restored, schema, "member")).isEqualTo(archive.rows().get("member"));
      }
    } finally {
      try (Connection c = DriverManager.getConnection(admin, "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    }

    // A pg_dump that fails leaves the backup whole, saying why its archive is missing.
    Backups failing =
        new Backups(dataSource, musubi, sealer, clock, new PostgresDump("/bin/false", "", ""));
    Backups.Archive without = failing.backup(parent);
    assertThat(manifest(without.path()).path("database").path("pgDump").path("skipped").asString())
        .contains("pg_dump does not run");
    assertThat(failing.verify(without.path()).valid()).isTrue();
    Backups.deleteTree(parent);
  }
}
