package dev.musubi.drive.web;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.drive.DriveItem;
import dev.musubi.drive.Drives;
import dev.musubi.platform.Ids;
import dev.musubi.platform.MusubiProperties;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Resumable uploads with the tus 1.0 protocol (core, creation, termination and expiration) at
 * {@code /api/v1/drive/uploads}: {@code POST} with {@code Upload-Length} and {@code
 * Upload-Metadata} ({@code filename} and {@code folder}, base64) creates an upload, {@code PATCH}
 * with {@code Upload-Offset} appends bytes, {@code HEAD} tells the offset to resume from. Bytes
 * wait in a file under the data directory; when the last one arrives the file goes to the blob
 * store as a drive file, whose ID the final answer carries in {@code Drive-File-Id}. An upload that
 * receives no bytes for {@link #EXPIRES_AFTER} is removed with its bytes ({@code Upload-Expires}
 * says when).
 */
@RestController
@RequestMapping("/api/v1/drive/uploads")
class TusController {

  static final String VERSION = "1.0.0";
  static final Duration EXPIRES_AFTER = Duration.ofHours(24);

  private record Upload(
      UUID id, UUID memberId, UUID folderId, String name, long length, Instant touchedAt) {}

  private final Drives drives;
  private final JdbcClient jdbc;
  private final Ids ids;
  private final Clock clock;
  private final Path dir;

  /**
   * Uploads a PATCH is appending to. A client whose connection dropped may resume before this
   * server has noticed the drop; its PATCH must not append behind the first one's back.
   */
  private final java.util.Set<UUID> appending = java.util.concurrent.ConcurrentHashMap.newKeySet();

  TusController(Drives drives, JdbcClient jdbc, Ids ids, Clock clock, MusubiProperties properties) {
    this.drives = drives;
    this.jdbc = jdbc;
    this.ids = ids;
    this.clock = clock;
    this.dir = properties.dataDir().resolve("drive-uploads");
  }

  @RequestMapping(method = RequestMethod.OPTIONS)
  ResponseEntity<Void> options() {
    return ResponseEntity.noContent()
        .header("Tus-Resumable", VERSION)
        .header("Tus-Version", VERSION)
        .header("Tus-Extension", "creation,termination,expiration")
        .build();
  }

  @PostMapping
  ResponseEntity<Void> create(
      @RequestHeader(value = "Upload-Length", required = false) @Nullable String length,
      @RequestHeader(value = "Upload-Metadata", required = false) @Nullable String metadata) {
    MemberPrincipal actor = CurrentMember.get();
    long size;
    try {
      size = length == null ? -1 : Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      size = -1;
    }
    if (size < 0) {
      throw Problems.invalid(
          "Upload-Length", "required", "A non-negative Upload-Length is required.");
    }
    Map<String, String> meta = metadata(metadata);
    UUID folder = meta.get("folder") == null ? null : Ids.parseOrNull(meta.get("folder"));
    if (folder == null) {
      throw Problems.invalid("folder", "required", "Upload-Metadata needs the folder ID.");
    }
    String name = drives.checkUpload(actor, folder, meta.get("filename"), size);
    UUID id = ids.next();
    try {
      Files.createDirectories(dir);
      Files.write(part(id), new byte[0], StandardOpenOption.CREATE_NEW);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    jdbc.sql(
            "INSERT INTO drive_upload (id, tenant_id, member_id, folder_id, name, length,"
                + " created_at, touched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            id,
            actor.tenantId(),
            actor.memberId(),
            folder,
            name,
            size,
            ts(clock.instant()),
            ts(clock.instant()))
        .update();
    return ResponseEntity.status(HttpStatus.CREATED)
        .header("Location", "/api/v1/drive/uploads/" + id)
        .header("Tus-Resumable", VERSION)
        .header("Upload-Expires", expires(clock.instant()))
        .build();
  }

  @RequestMapping(value = "/{uploadId}", method = RequestMethod.HEAD)
  ResponseEntity<Void> head(@PathVariable String uploadId) throws IOException {
    Upload u = load(uploadId);
    return ResponseEntity.ok()
        .header("Tus-Resumable", VERSION)
        .header("Upload-Offset", Long.toString(Files.size(part(u.id()))))
        .header("Upload-Length", Long.toString(u.length()))
        .header("Upload-Expires", expires(u.touchedAt()))
        .header("Cache-Control", "no-store")
        .build();
  }

  @PatchMapping("/{uploadId}")
  ResponseEntity<Void> patch(
      @PathVariable String uploadId,
      @RequestHeader(value = "Upload-Offset", required = false) @Nullable String offset,
      HttpServletRequest request)
      throws IOException {
    MemberPrincipal actor = CurrentMember.get();
    Upload u = load(uploadId);
    if (!appending.add(u.id())) {
      throw new ProblemException(
          HttpStatus.LOCKED,
          "upload-busy",
          "Another request is still appending to this upload; ask HEAD for the offset and retry.",
          List.of(),
          Map.of("Tus-Resumable", VERSION));
    }
    try {
      return append(actor, u, offset, request);
    } finally {
      appending.remove(u.id());
    }
  }

  private ResponseEntity<Void> append(
      MemberPrincipal actor, Upload u, @Nullable String offset, HttpServletRequest request)
      throws IOException {
    String type = request.getContentType();
    if (type == null || !type.startsWith("application/offset+octet-stream")) {
      throw new ProblemException(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "content-type",
          "PATCH needs Content-Type: application/offset+octet-stream.",
          List.of());
    }
    Path part = part(u.id());
    long current = Files.size(part);
    long claimed;
    try {
      claimed = offset == null ? -1 : Long.parseLong(offset.strip());
    } catch (NumberFormatException e) {
      claimed = -1;
    }
    if (claimed != current) {
      throw new ProblemException(
          HttpStatus.CONFLICT,
          "upload-offset",
          "Upload-Offset must be the current offset " + current + ".",
          List.of(),
          Map.of("Upload-Offset", Long.toString(current), "Tus-Resumable", VERSION));
    }
    long written = current;
    try (InputStream in = request.getInputStream();
        OutputStream out = Files.newOutputStream(part, StandardOpenOption.APPEND)) {
      byte[] buf = new byte[64 * 1024];
      int r;
      while ((r = in.read(buf)) >= 0) {
        if (written + r > u.length()) {
          throw Problems.invalid("body", "too_long", "More bytes than Upload-Length.");
        }
        out.write(buf, 0, r);
        written += r;
      }
    } catch (IOException e) {
      // A dropped connection keeps what arrived; the client resumes from HEAD's offset.
      written = Files.size(part);
    }
    Instant now = clock.instant();
    jdbc.sql("UPDATE drive_upload SET touched_at = ? WHERE id = ?")
        .params(ts(now), u.id())
        .update();
    ResponseEntity.BodyBuilder answer =
        ResponseEntity.status(HttpStatus.NO_CONTENT)
            .header("Tus-Resumable", VERSION)
            .header("Upload-Offset", Long.toString(written))
            .header("Upload-Expires", expires(now));
    if (written == u.length()) {
      DriveItem file;
      try (InputStream in = Files.newInputStream(part)) {
        file = drives.upload(actor, u.folderId(), u.name(), null, u.length(), in);
      } finally {
        remove(u);
      }
      answer.header("Drive-File-Id", file.id().toString());
    }
    return answer.build();
  }

  @DeleteMapping("/{uploadId}")
  ResponseEntity<Void> terminate(@PathVariable String uploadId) throws IOException {
    remove(load(uploadId));
    return ResponseEntity.noContent().header("Tus-Resumable", VERSION).build();
  }

  private void remove(Upload u) throws IOException {
    jdbc.sql("DELETE FROM drive_upload WHERE id = ?").param(u.id()).update();
    Files.deleteIfExists(part(u.id()));
  }

  /** The caller's own upload; anyone else's (or an unknown ID) is 404. */
  private Upload load(String text) {
    MemberPrincipal actor = CurrentMember.get();
    UUID id = Ids.parseOrNull(text);
    if (id == null) {
      throw Problems.notFound();
    }
    return jdbc.sql(
            "SELECT id, member_id, folder_id, name, length, touched_at FROM drive_upload"
                + " WHERE tenant_id = ? AND id = ? AND member_id = ?")
        .params(actor.tenantId(), id, actor.memberId())
        .query(
            (rs, i) ->
                new Upload(
                    rs.getObject(1, UUID.class),
                    rs.getObject(2, UUID.class),
                    rs.getObject(3, UUID.class),
                    rs.getString(4),
                    rs.getLong(5),
                    dev.musubi.platform.Jdbc.requiredInstant(rs, "touched_at")))
        .optional()
        .filter(u -> u.touchedAt().plus(EXPIRES_AFTER).isAfter(clock.instant()))
        .filter(u -> Files.exists(part(u.id())))
        .orElseThrow(Problems::notFound);
  }

  private Path part(UUID id) {
    return dir.resolve(id + ".part");
  }

  private static String expires(Instant touched) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(
        touched.plus(EXPIRES_AFTER).atOffset(ZoneOffset.UTC));
  }

  /**
   * Removes uploads nobody added bytes to for {@link #EXPIRES_AFTER}, with their bytes, and files
   * under the upload folder that no upload names (left by a crash between the two). Hourly.
   *
   * @return how many uploads were removed
   */
  @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT15M")
  int removeExpired() throws IOException {
    Instant cutoff = clock.instant().minus(EXPIRES_AFTER);
    List<UUID> expired =
        jdbc.sql("SELECT id FROM drive_upload WHERE touched_at < ?")
            .param(ts(cutoff))
            .query((rs, i) -> rs.getObject(1, UUID.class))
            .list();
    for (UUID id : expired) {
      jdbc.sql("DELETE FROM drive_upload WHERE id = ?").param(id).update();
      Files.deleteIfExists(part(id));
    }
    if (Files.isDirectory(dir)) {
      java.util.Set<String> known =
          new java.util.HashSet<>(
              jdbc.sql("SELECT id FROM drive_upload")
                  .query((rs, i) -> rs.getObject(1, UUID.class) + ".part")
                  .list());
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          if (!known.contains(f.getFileName().toString())
              && Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
            Files.deleteIfExists(f);
          }
        }
      }
    }
    return expired.size();
  }

  private static Map<String, String> metadata(@Nullable String header) {
    Map<String, String> out = new HashMap<>();
    if (header == null) {
      return out;
    }
    for (String pair : header.split(",")) {
      String[] kv = pair.strip().split(" ", 2);
      if (kv.length == 2) {
        try {
          out.put(
              kv[0], new String(Base64.getDecoder().decode(kv[1].strip()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          throw Problems.invalid("Upload-Metadata", "base64", "Values must be base64.");
        }
      }
    }
    return out;
  }
}
