package dev.musubi.ops.internal;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import dev.musubi.platform.MusubiProperties;
import dev.musubi.platform.crypto.MasterKeySealer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Backup archives: a directory holding a consistent database snapshot (encrypted with a fresh
 * archive key, itself sealed by the master key), a copy of the blob files (already encrypted by the
 * blob store) and a manifest with the size and SHA-256 of every file. An archive is written under a
 * {@code .partial} name and renamed when complete, so a crash never leaves one that looks whole.
 * Restoring needs the archive and the master key, nothing else.
 */
@Service
public class Backups {

  static final String MANIFEST = "manifest.json";
  static final String DATABASE = "database.json.gz.enc";
  static final String ARCHIVE_KEY = "archive.key";
  static final String PG_DUMP = "database.pgdump.enc";
  private static final byte[] PG_CONTEXT = "musubi-backup/pg-dump".getBytes(StandardCharsets.UTF_8);
  static final String PREFIX = "musubi-backup-";
  private static final int FORMAT = 1;
  private static final byte[] KEY_CONTEXT =
      "musubi-backup/archive-key".getBytes(StandardCharsets.UTF_8);
  private static final byte[] DB_CONTEXT =
      "musubi-backup/database".getBytes(StandardCharsets.UTF_8);
  private static final DateTimeFormatter NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Logger log = LoggerFactory.getLogger(Backups.class);

  static {
    try {
      StreamingAeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A finished archive: where it is, what it holds, how long it took. */
  public record Archive(
      Path path,
      String name,
      Instant createdAt,
      Map<String, Long> rows,
      long files,
      long bytes,
      Duration took) {}

  /** The outcome of checking an archive. */
  public record Verification(
      boolean valid, List<String> problems, long files, Map<String, Long> rows) {}

  private final DataSource dataSource;
  private final MusubiProperties musubi;
  private final MasterKeySealer sealer;
  private final Clock clock;
  private final @Nullable PostgresDump pgDump;

  public Backups(
      DataSource dataSource, MusubiProperties musubi, MasterKeySealer sealer, Clock clock) {
    this(dataSource, musubi, sealer, clock, null);
  }

  /** With {@code pgDump}, archives of a PostgreSQL installation also hold PostgreSQL's own dump. */
  @Autowired
  Backups(
      DataSource dataSource,
      MusubiProperties musubi,
      MasterKeySealer sealer,
      Clock clock,
      @Nullable PostgresDump pgDump) {
    this.dataSource = dataSource;
    this.musubi = musubi;
    this.sealer = sealer;
    this.clock = clock;
    this.pgDump = pgDump;
  }

  Path blobRoot() {
    return musubi.dataDir().resolve("blobs");
  }

  /** Writes a new archive into {@code parent} while Musubi keeps serving. */
  public synchronized Archive backup(Path parent) throws IOException {
    Instant started = clock.instant();
    Files.createDirectories(parent);
    // Two archives in one second (a scheduled one and one an operator asked for) get -2, -3 …
    String base = PREFIX + NAME.format(started);
    String name = base;
    for (int n = 2; Files.exists(parent.resolve(name)); n++) {
      name = base + "-" + n;
    }
    Path target = parent.resolve(name);
    Path work = parent.resolve(name + ".partial");
    deleteTree(work);
    Files.createDirectories(work);
    try {
      KeysetHandle key = KeysetHandle.generateNew(KeyTemplates.get("AES256_GCM_HKDF_1MB"));
      byte[] keyBytes = TinkProtoKeysetFormat.serializeKeyset(key, InsecureSecretKeyAccess.get());
      write(work.resolve(ARCHIVE_KEY), sealer.seal(keyBytes, KEY_CONTEXT));
      StreamingAead aead =
          key.getPrimitive(com.google.crypto.tink.RegistryConfiguration.get(), StreamingAead.class);
      DatabaseSnapshot.Summary summary;
      try (OutputStream file = Files.newOutputStream(work.resolve(DATABASE));
          OutputStream enc = aead.newEncryptingStream(file, DB_CONTEXT);
          GZIPOutputStream gz = new GZIPOutputStream(enc, 1 << 16);
          Connection c = dataSource.getConnection()) {
        summary = DatabaseSnapshot.dump(c, gz);
      }
      fsync(work.resolve(DATABASE));
      ObjectNode pg = postgresDump(aead, work);
      // Blob files are immutable once named; those the snapshot refers to were durable before it.
      copyBlobs(blobRoot(), work.resolve("blobs"));
      ObjectNode manifest = JSON.createObjectNode();
      manifest.put("format", FORMAT);
      manifest.put("createdAt", started.toString());
      manifest.put("masterKeyId", sealer.currentKeyId());
      ObjectNode db = manifest.putObject("database");
      try (Connection c = dataSource.getConnection()) {
        db.put("product", c.getMetaData().getDatabaseProductName());
      }
      db.put("schemaVersion", summary.schemaVersion());
      if (pg != null) {
        db.set("pgDump", pg);
      }
      ObjectNode rows = db.putObject("rows");
      summary.rows().forEach(rows::put);
      var files = manifest.putArray("files");
      long total = 0;
      long count = 0;
      for (Path f : listFiles(work)) {
        String rel = work.relativize(f).toString().replace('\\', '/');
        long size = Files.size(f);
        files.addObject().put("path", rel).put("size", size).put("sha256", sha256(f));
        total += size;
        count++;
      }
      write(
          work.resolve(MANIFEST),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
      fsyncDir(work);
      Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
      fsyncDir(parent);
      Duration took = Duration.between(started, clock.instant());
      log.info("Backup {} written: {} files, {} bytes, {} ms", name, count, total, took.toMillis());
      return new Archive(target, name, started, summary.rows(), count, total, took);
    } catch (IOException | RuntimeException | GeneralSecurityException | SQLException e) {
      deleteTree(work);
      if (e instanceof IOException io) {
        throw io;
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException("backup failed: " + e.getMessage(), e);
    }
  }

  /**
   * On PostgreSQL, also {@code pg_dump}'s own archive of Musubi's schema, encrypted with the
   * archive key; what the manifest says of it (or why there is none). A failing {@code pg_dump}
   * does not fail the backup: the portable snapshot is complete on its own.
   */
  private @Nullable ObjectNode postgresDump(StreamingAead aead, Path work)
      throws IOException, SQLException, GeneralSecurityException {
    if (pgDump == null) {
      return null;
    }
    ObjectNode node = JSON.createObjectNode();
    PostgresDump.Target target = pgDump.target(dataSource);
    if (target.skipped() != null) {
      return target.skipped().equals("the database is not PostgreSQL")
          ? null
          : node.put("skipped", target.skipped());
    }
    String version = pgDump.version();
    if (version == null) {
      log.warn("Backup without pg_dump's archive: pg_dump does not run (musubi.backup.pg-dump)");
      return node.put("skipped", "pg_dump does not run (set musubi.backup.pg-dump)");
    }
    Path file = work.resolve(PG_DUMP);
    try (OutputStream out = Files.newOutputStream(file);
        OutputStream enc = aead.newEncryptingStream(out, PG_CONTEXT)) {
      pgDump.dump(target, enc);
    } catch (IOException e) {
      Files.deleteIfExists(file);
      log.warn("Backup without pg_dump's archive: {}", e.getMessage());
      return node.put("skipped", e.getMessage());
    }
    fsync(file);
    return node.put("file", PG_DUMP).put("tool", version).put("schema", target.schema());
  }

  /**
   * Writes the decrypted {@code pg_dump} archive of {@code archive} to {@code to} (a new file,
   * readable by its owner only), for {@code pg_restore}.
   */
  public void extractPostgresDump(Path archive, Path to) throws IOException {
    JsonNode manifest = JSON.readTree(Files.readAllBytes(archive.resolve(MANIFEST)));
    if (manifest.path("database").path("pgDump").path("file").isMissingNode()) {
      throw new IllegalStateException("the archive holds no pg_dump archive");
    }
    Files.createFile(
        to,
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    try (InputStream in = openPostgresDump(archive, manifest);
        OutputStream out = Files.newOutputStream(to, StandardOpenOption.TRUNCATE_EXISTING)) {
      in.transferTo(out);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      Files.deleteIfExists(to);
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
  }

  private InputStream openPostgresDump(Path archive, JsonNode manifest)
      throws IOException, GeneralSecurityException {
    StreamingAead aead = archiveAead(archive, manifest);
    return aead.newDecryptingStream(Files.newInputStream(archive.resolve(PG_DUMP)), PG_CONTEXT);
  }

  /** Checks an archive: manifest, every file's size and hash, and that the database decrypts. */
  public Verification verify(Path archive) {
    List<String> problems = new ArrayList<>();
    Map<String, Long> rows = new LinkedHashMap<>();
    long files = 0;
    JsonNode manifest;
    try {
      manifest = JSON.readTree(Files.readAllBytes(archive.resolve(MANIFEST)));
    } catch (IOException | RuntimeException e) {
      return new Verification(false, List.of("no readable manifest.json in " + archive), 0, rows);
    }
    if (manifest.path("format").asInt() != FORMAT) {
      problems.add("unknown archive format " + manifest.path("format"));
    }
    java.util.Set<String> listed = new java.util.HashSet<>();
    for (JsonNode f : manifest.path("files")) {
      files++;
      String rel = f.path("path").asString();
      listed.add(rel);
      Path p = archive.resolve(rel).normalize();
      if (!p.startsWith(archive.normalize()) || rel.isEmpty()) {
        problems.add("a manifest path leaves the archive: " + rel);
        continue;
      }
      try {
        if (!Files.isRegularFile(p)) {
          problems.add("missing " + rel);
        } else if (Files.size(p) != f.path("size").asLong()) {
          problems.add("size differs: " + rel);
        } else if (!sha256(p).equals(f.path("sha256").asString())) {
          problems.add("checksum differs: " + rel);
        }
      } catch (IOException e) {
        problems.add("unreadable " + rel);
      }
    }
    try {
      for (Path f : listFiles(archive)) {
        String rel = archive.relativize(f).toString().replace('\\', '/');
        if (!rel.equals(MANIFEST) && !listed.contains(rel)) {
          problems.add("not in the manifest: " + rel);
        }
      }
    } catch (IOException e) {
      problems.add("cannot list the archive");
    }
    if (problems.isEmpty()) {
      try (InputStream db = openDatabase(archive, manifest)) {
        rows.putAll(DatabaseSnapshot.count(db));
        JsonNode expected = manifest.path("database").path("rows");
        for (Map.Entry<String, Long> e : rows.entrySet()) {
          if (expected.path(e.getKey()).asLong(-1) != e.getValue()) {
            problems.add("row count of " + e.getKey() + " differs from the manifest");
          }
        }
      } catch (IOException | RuntimeException | GeneralSecurityException e) {
        problems.add("the database dump does not decrypt or parse: " + e.getMessage());
      }
      if (!manifest.path("database").path("pgDump").path("file").isMissingNode()) {
        try (InputStream pg = openPostgresDump(archive, manifest)) {
          byte[] magic = pg.readNBytes(5);
          if (!new String(magic, StandardCharsets.US_ASCII).equals("PGDMP")) {
            problems.add("the pg_dump archive is not in pg_dump's custom format");
          }
          pg.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException | GeneralSecurityException e) {
          problems.add("the pg_dump archive does not decrypt: " + e.getMessage());
        }
      }
    }
    return new Verification(problems.isEmpty(), problems, files, rows);
  }

  /**
   * Restores an archive into this installation, which must be fresh (no company yet but the
   * operator's) with an empty blob directory. Verifies the archive first.
   */
  public Map<String, Long> restore(Path archive) throws IOException {
    Verification v = verify(archive);
    if (!v.valid()) {
      throw new IllegalStateException(
          "the archive is not intact: " + String.join("; ", v.problems()));
    }
    Path blobs = blobRoot();
    if (hasBlobFiles(blobs)) {
      throw new IllegalStateException(
          "the blob directory " + blobs + " is not empty: restore into an empty data directory");
    }
    JsonNode manifest = JSON.readTree(Files.readAllBytes(archive.resolve(MANIFEST)));
    Map<String, Long> rows;
    try (Connection c = dataSource.getConnection()) {
      try (var s = c.createStatement();
          var rs = s.executeQuery("SELECT COUNT(*) FROM company WHERE is_system = FALSE")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          throw new IllegalStateException(
              "this database already holds companies: restore into an empty database");
        }
      }
      try (InputStream db = openDatabase(archive, manifest)) {
        rows = DatabaseSnapshot.load(c, db).rows();
      }
    } catch (SQLException | GeneralSecurityException e) {
      throw new IOException("restore failed: " + e.getMessage(), e);
    }
    Path source = archive.resolve("blobs");
    if (Files.isDirectory(source)) {
      copyBlobs(source, blobs);
    }
    return rows;
  }

  /** Archives in a directory, newest first. */
  public List<Path> archives(Path parent) throws IOException {
    if (!Files.isDirectory(parent)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(parent)) {
      return s.filter(p -> p.getFileName().toString().startsWith(PREFIX))
          .filter(p -> !p.getFileName().toString().endsWith(".partial"))
          .filter(p -> Files.isRegularFile(p.resolve(MANIFEST)))
          .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
          .toList();
    }
  }

  /** Removes all but the newest {@code keep} archives. */
  public void prune(Path parent, int keep) throws IOException {
    List<Path> all = archives(parent);
    for (int i = keep; i < all.size(); i++) {
      deleteTree(all.get(i));
    }
  }

  /** The decrypted database dump of an archive. */
  InputStream openDatabase(Path archive) throws IOException, GeneralSecurityException {
    return openDatabase(archive, JSON.readTree(Files.readAllBytes(archive.resolve(MANIFEST))));
  }

  private InputStream openDatabase(Path archive, JsonNode manifest)
      throws IOException, GeneralSecurityException {
    StreamingAead aead = archiveAead(archive, manifest);
    InputStream file = Files.newInputStream(archive.resolve(DATABASE));
    return new GZIPInputStream(aead.newDecryptingStream(file, DB_CONTEXT), 1 << 16);
  }

  private StreamingAead archiveAead(Path archive, JsonNode manifest)
      throws IOException, GeneralSecurityException {
    byte[] sealed = Files.readAllBytes(archive.resolve(ARCHIVE_KEY));
    byte[] keyBytes = sealer.open(manifest.path("masterKeyId").asString(), sealed, KEY_CONTEXT);
    KeysetHandle key = TinkProtoKeysetFormat.parseKeyset(keyBytes, InsecureSecretKeyAccess.get());
    return key.getPrimitive(
        com.google.crypto.tink.RegistryConfiguration.get(), StreamingAead.class);
  }

  private static void copyBlobs(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      return;
    }
    for (Path f : listFiles(from)) {
      Path rel = from.relativize(f);
      if (rel.getNameCount() > 0 && rel.getName(0).toString().equals("tmp")) {
        continue;
      }
      Path target = to.resolve(rel.toString());
      Files.createDirectories(target.getParent());
      Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
      fsync(target);
    }
  }

  private static boolean hasBlobFiles(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return false;
    }
    for (Path f : listFiles(root)) {
      Path rel = root.relativize(f);
      if (!rel.getName(0).toString().equals("tmp")) {
        return true;
      }
    }
    return false;
  }

  private static List<Path> listFiles(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    fsync(file);
  }

  private static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  private static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems cannot sync a directory; the rename is still atomic.
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
