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
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Resumable uploads with the tus 1.0 protocol (core and the creation extension) at {@code
 * /api/v1/drive/uploads}: {@code POST} with {@code Upload-Length} and {@code Upload-Metadata}
 * ({@code filename} and {@code folder}, base64) creates an upload, {@code PATCH} with {@code
 * Upload-Offset} appends bytes, {@code HEAD} tells the offset to resume from. Bytes wait in a file
 * under the data directory; when the last one arrives the file goes to the blob store as a drive
 * file, whose ID the final answer carries in {@code Drive-File-Id}.
 */
@RestController
@RequestMapping("/api/v1/drive/uploads")
class TusController {

  static final String VERSION = "1.0.0";

  private record Upload(UUID id, UUID memberId, UUID folderId, String name, long length) {}

  private final Drives drives;
  private final JdbcClient jdbc;
  private final Ids ids;
  private final Clock clock;
  private final Path dir;

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
        .header("Tus-Extension", "creation,termination")
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
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(id, actor.tenantId(), actor.memberId(), folder, name, size, ts(clock.instant()))
        .update();
    return ResponseEntity.status(HttpStatus.CREATED)
        .header("Location", "/api/v1/drive/uploads/" + id)
        .header("Tus-Resumable", VERSION)
        .build();
  }

  @RequestMapping(value = "/{uploadId}", method = RequestMethod.HEAD)
  ResponseEntity<Void> head(@PathVariable String uploadId) throws IOException {
    Upload u = load(uploadId);
    return ResponseEntity.ok()
        .header("Tus-Resumable", VERSION)
        .header("Upload-Offset", Long.toString(Files.size(part(u.id()))))
        .header("Upload-Length", Long.toString(u.length()))
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
    ResponseEntity.BodyBuilder answer =
        ResponseEntity.status(HttpStatus.NO_CONTENT)
            .header("Tus-Resumable", VERSION)
            .header("Upload-Offset", Long.toString(written));
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
            "SELECT id, member_id, folder_id, name, length FROM drive_upload"
                + " WHERE tenant_id = ? AND id = ? AND member_id = ?")
        .params(actor.tenantId(), id, actor.memberId())
        .query(
            (rs, i) ->
                new Upload(
                    rs.getObject(1, UUID.class),
                    rs.getObject(2, UUID.class),
                    rs.getObject(3, UUID.class),
                    rs.getString(4),
                    rs.getLong(5)))
        .optional()
        .filter(u -> Files.exists(part(u.id())))
        .orElseThrow(Problems::notFound);
  }

  private Path part(UUID id) {
    return dir.resolve(id + ".part");
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
