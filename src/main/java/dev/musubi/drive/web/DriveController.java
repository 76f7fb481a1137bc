package dev.musubi.drive.web;

import dev.musubi.drive.DriveInfo;
import dev.musubi.drive.DriveItem;
import dev.musubi.drive.DriveLinks;
import dev.musubi.drive.DrivePolicy;
import dev.musubi.drive.Drives;
import dev.musubi.drive.FileVersion;
import dev.musubi.drive.FolderPage;
import dev.musubi.drive.Previews;
import dev.musubi.drive.Quota;
import dev.musubi.drive.ShareLink;
import dev.musubi.drive.internal.DriveStore.Grant;
import dev.musubi.identity.Departments;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.MultipartReader;
import dev.musubi.platform.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/drive}: drives, folders, files, versions, trash and the drive policy. */
@RestController
@RequestMapping("/api/v1")
class DriveController {

  record NameRequest(@Nullable String name) {}

  record UpdateRequest(@Nullable String name, @Nullable String parentId) {}

  record CopyRequest(@Nullable String parentId, @Nullable String name) {}

  record LinkRequest(
      @Nullable Integer expiresInDays, @Nullable String password, @Nullable Integer maxDownloads) {}

  record GrantRequest(@Nullable String type, @Nullable String id, @Nullable String role) {}

  record PolicyRequest(
      @Nullable Long memberQuotaBytes,
      @Nullable Long companyQuotaBytes,
      @Nullable Long maxFileBytes,
      @Nullable Integer versionsKept,
      @Nullable Integer trashRetentionDays,
      @Nullable Boolean outsideLinks,
      @Nullable List<String> blockedExtensions,
      @Nullable List<String> downloadNetworks,
      @Nullable List<String> downloadDeniedRoles) {}

  private final Drives drives;
  private final DriveLinks links;
  private final Previews previews;
  private final Downloads downloads;
  private final Departments departments;
  private final JdbcClient jdbc;

  DriveController(
      Drives drives,
      DriveLinks links,
      Previews previews,
      Downloads downloads,
      Departments departments,
      JdbcClient jdbc) {
    this.drives = drives;
    this.links = links;
    this.previews = previews;
    this.downloads = downloads;
    this.departments = departments;
    this.jdbc = jdbc;
  }

  @GetMapping("/drive/drives")
  List<DriveInfo> list() {
    return drives.drives(CurrentMember.get());
  }

  @PostMapping("/drive/drives")
  ResponseEntity<DriveInfo> createShared(@RequestBody(required = false) @Nullable NameRequest b) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(drives.createShared(CurrentMember.get(), b == null ? null : b.name()));
  }

  @GetMapping("/drive/drives/{driveId}")
  DriveInfo drive(@PathVariable String driveId) {
    return drives.drive(CurrentMember.get(), id(driveId));
  }

  @GetMapping("/drive/drives/{driveId}/search")
  List<DriveItem> search(
      @PathVariable String driveId, @RequestParam(required = false) @Nullable String q) {
    return drives.search(CurrentMember.get(), id(driveId), q);
  }

  @GetMapping("/drive/drives/{driveId}/trash")
  List<DriveItem> trashList(@PathVariable String driveId) {
    return drives.trashOf(CurrentMember.get(), id(driveId));
  }

  @GetMapping("/drive/drives/{driveId}/members")
  List<Grant> members(@PathVariable String driveId) {
    return drives.members(CurrentMember.get(), id(driveId));
  }

  @PostMapping("/drive/drives/{driveId}/members")
  List<Grant> grant(
      @PathVariable String driveId, @RequestBody(required = false) @Nullable GrantRequest b) {
    MemberPrincipal actor = CurrentMember.get();
    GrantRequest r = b == null ? new GrantRequest(null, null, null) : b;
    UUID principal = r.id() == null ? null : Ids.parseOrNull(r.id());
    return drives.grant(
        actor,
        id(driveId),
        r.type(),
        principal,
        r.role(),
        p ->
            "department".equals(r.type())
                ? departments.find(actor.tenantId(), p).isPresent()
                : memberExists(actor.tenantId(), p));
  }

  @DeleteMapping("/drive/drives/{driveId}/members/{principalId}")
  ResponseEntity<Void> revoke(@PathVariable String driveId, @PathVariable String principalId) {
    MemberPrincipal actor = CurrentMember.get();
    UUID principal = Ids.parseOrNull(principalId);
    if (principal == null) {
      drives.members(actor, id(driveId));
      throw Problems.notFound();
    }
    drives.revoke(actor, id(driveId), principal);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/drive/quota")
  Quota quota() {
    return drives.quota(CurrentMember.get());
  }

  @GetMapping("/drive/folders/{folderId}")
  FolderPage folder(
      @PathVariable String folderId,
      @RequestParam(required = false) @Nullable String sort,
      @RequestParam(required = false) @Nullable String order,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "100") int size) {
    return drives.folder(CurrentMember.get(), id(folderId), sort, order, page, size);
  }

  @PostMapping("/drive/folders/{folderId}/folders")
  ResponseEntity<DriveItem> createFolder(
      @PathVariable String folderId, @RequestBody(required = false) @Nullable NameRequest b) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(drives.createFolder(CurrentMember.get(), id(folderId), b == null ? null : b.name()));
  }

  /** Multipart upload, field {@code file}; read while it arrives, never held in memory. */
  @PostMapping("/drive/folders/{folderId}/files")
  ResponseEntity<DriveItem> upload(@PathVariable String folderId, HttpServletRequest request)
      throws IOException {
    MemberPrincipal actor = CurrentMember.get();
    UUID folder = id(folderId);
    drives.item(actor, folder); // 404 before reading anything
    DriveItem item =
        withFilePart(
            request,
            (part, length) ->
                drives.upload(
                    actor, folder, part.filename(), part.contentType(), length, part.body()));
    return ResponseEntity.status(HttpStatus.CREATED).header("ETag", item.etag()).body(item);
  }

  @GetMapping("/drive/items/{itemId}")
  DriveItem item(@PathVariable String itemId) {
    return drives.item(CurrentMember.get(), id(itemId));
  }

  @PatchMapping("/drive/items/{itemId}")
  DriveItem update(
      @PathVariable String itemId, @RequestBody(required = false) @Nullable UpdateRequest b) {
    MemberPrincipal actor = CurrentMember.get();
    UUID item = id(itemId);
    UpdateRequest r = b == null ? new UpdateRequest(null, null) : b;
    UUID parent = null;
    if (r.parentId() != null) {
      parent = Ids.parseOrNull(r.parentId());
      if (parent == null) {
        drives.item(actor, item);
        throw Problems.invalid("parentId", "unknown_folder", "No such folder.");
      }
    }
    return drives.update(actor, item, r.name(), parent);
  }

  @PostMapping("/drive/items/{itemId}/copy")
  ResponseEntity<DriveItem> copy(
      @PathVariable String itemId, @RequestBody(required = false) @Nullable CopyRequest b) {
    MemberPrincipal actor = CurrentMember.get();
    UUID item = id(itemId);
    CopyRequest r = b == null ? new CopyRequest(null, null) : b;
    UUID parent = r.parentId() == null ? null : Ids.parseOrNull(r.parentId());
    if (r.parentId() != null && parent == null) {
      drives.item(actor, item);
      throw Problems.invalid("parentId", "unknown_folder", "No such folder.");
    }
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(drives.copy(actor, item, parent, r.name()));
  }

  @DeleteMapping("/drive/items/{itemId}")
  ResponseEntity<Void> trash(@PathVariable String itemId) {
    drives.trash(CurrentMember.get(), id(itemId));
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/drive/items/{itemId}/restore")
  DriveItem restore(@PathVariable String itemId) {
    return drives.restore(CurrentMember.get(), id(itemId));
  }

  @DeleteMapping("/drive/trash/{itemId}")
  ResponseEntity<Void> purge(@PathVariable String itemId) {
    drives.purge(CurrentMember.get(), id(itemId));
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/drive/files/{fileId}")
  DriveItem file(@PathVariable String fileId) {
    return drives.item(CurrentMember.get(), id(fileId));
  }

  @GetMapping("/drive/files/{fileId}/content")
  void content(
      @PathVariable String fileId,
      @RequestParam(required = false) @Nullable String version,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    MemberPrincipal actor = CurrentMember.get();
    UUID file = id(fileId);
    UUID v = null;
    if (version != null) {
      v = Ids.parseOrNull(version);
      if (v == null) {
        drives.item(actor, file);
        throw Problems.notFound();
      }
    }
    downloads.send(drives.download(actor, file, v), request, response);
  }

  @GetMapping("/drive/files/{fileId}/thumbnail")
  ResponseEntity<byte[]> thumbnail(
      @PathVariable String fileId, @RequestParam(defaultValue = "256") int size)
      throws IOException {
    byte[] png = previews.thumbnail(CurrentMember.get(), id(fileId), size);
    return ResponseEntity.ok()
        .header("Content-Type", "image/png")
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", Downloads.CSP)
        .header("Cache-Control", "private, max-age=300")
        .body(png);
  }

  @GetMapping("/drive/files/{fileId}/preview")
  Previews.TextPreview textPreview(@PathVariable String fileId) throws IOException {
    return previews.text(CurrentMember.get(), id(fileId));
  }

  @GetMapping("/drive/files/{fileId}/versions")
  List<FileVersion> versions(@PathVariable String fileId) {
    return drives.versions(CurrentMember.get(), id(fileId));
  }

  /** Multipart upload of a new version, field {@code file}; {@code If-Match} guards overwrites. */
  @PostMapping("/drive/files/{fileId}/versions")
  ResponseEntity<DriveItem> uploadVersion(
      @PathVariable String fileId,
      @RequestHeader(value = "If-Match", required = false) @Nullable String ifMatch,
      HttpServletRequest request)
      throws IOException {
    MemberPrincipal actor = CurrentMember.get();
    UUID file = id(fileId);
    drives.item(actor, file);
    DriveItem item =
        withFilePart(
            request,
            (part, length) ->
                drives.uploadVersion(
                    actor, file, ifMatch, part.contentType(), length, part.body()));
    return ResponseEntity.status(HttpStatus.CREATED).header("ETag", item.etag()).body(item);
  }

  @PostMapping("/drive/files/{fileId}/versions/{versionId}/restore")
  DriveItem restoreVersion(@PathVariable String fileId, @PathVariable String versionId) {
    MemberPrincipal actor = CurrentMember.get();
    UUID file = id(fileId);
    UUID v = Ids.parseOrNull(versionId);
    if (v == null) {
      drives.item(actor, file);
      throw Problems.notFound();
    }
    return drives.restoreVersion(actor, file, v);
  }

  @PostMapping("/drive/files/{fileId}/links")
  ResponseEntity<ShareLink> createLink(
      @PathVariable String fileId, @RequestBody(required = false) @Nullable LinkRequest b) {
    LinkRequest r = b == null ? new LinkRequest(null, null, null) : b;
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(
            links.create(
                CurrentMember.get(),
                id(fileId),
                r.expiresInDays(),
                r.password(),
                r.maxDownloads()));
  }

  @GetMapping("/drive/files/{fileId}/links")
  List<ShareLink> links(@PathVariable String fileId) {
    return links.list(CurrentMember.get(), id(fileId));
  }

  @DeleteMapping("/drive/links/{linkId}")
  ResponseEntity<Void> revokeLink(@PathVariable String linkId) {
    links.revoke(CurrentMember.get(), id(linkId));
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/admin/drive-policy")
  DrivePolicy policy() {
    return drives.policy(CurrentMember.get());
  }

  @PutMapping("/admin/drive-policy")
  DrivePolicy updatePolicy(@RequestBody(required = false) @Nullable PolicyRequest b) {
    MemberPrincipal actor = CurrentMember.get();
    DrivePolicy current = drives.policy(actor);
    if (b == null) {
      throw Problems.badRequest("A JSON body is required.");
    }
    return drives.updatePolicy(
        actor,
        new DrivePolicy(
            b.memberQuotaBytes() == null ? current.memberQuotaBytes() : b.memberQuotaBytes(),
            b.companyQuotaBytes() == null ? current.companyQuotaBytes() : b.companyQuotaBytes(),
            b.maxFileBytes() == null ? current.maxFileBytes() : b.maxFileBytes(),
            b.versionsKept() == null ? current.versionsKept() : b.versionsKept(),
            b.trashRetentionDays() == null ? current.trashRetentionDays() : b.trashRetentionDays(),
            b.outsideLinks() == null ? current.outsideLinks() : b.outsideLinks(),
            b.blockedExtensions() == null ? current.blockedExtensions() : b.blockedExtensions(),
            b.downloadNetworks() == null ? current.downloadNetworks() : b.downloadNetworks(),
            b.downloadDeniedRoles() == null
                ? current.downloadDeniedRoles()
                : b.downloadDeniedRoles()));
  }

  // ------------------------------------------------------------------------------------------

  interface PartHandler {
    DriveItem accept(MultipartReader.Part part, long declaredLength);
  }

  /** Finds the {@code file} part of a multipart request and hands it over while it streams. */
  static DriveItem withFilePart(HttpServletRequest request, PartHandler handler)
      throws IOException {
    String boundary = MultipartReader.boundary(request.getContentType());
    if (boundary == null) {
      throw Problems.invalid(
          "file", "multipart", "Send the file as multipart/form-data in the field 'file'.");
    }
    long length = request.getContentLengthLong();
    try (InputStream in = request.getInputStream()) {
      MultipartReader reader = new MultipartReader(in, boundary);
      MultipartReader.Part part;
      while ((part = reader.next()) != null) {
        if (part.name().equals("file") && part.filename() != null) {
          // The body's length bounds the file's; the blob store enforces the exact limit.
          return handler.accept(part, -1 == length ? -1 : Math.max(0, length - 8192));
        }
      }
    } catch (MultipartReader.MalformedException e) {
      throw Problems.invalid("file", "multipart", "The multipart body is malformed.");
    }
    throw Problems.invalid("file", "required", "Required: a file in the field 'file'.");
  }

  private boolean memberExists(UUID tenantId, UUID id) {
    return jdbc.sql(
                "SELECT COUNT(*) FROM member WHERE tenant_id = ? AND id = ? AND status <> 'deleted'")
            .params(tenantId, id)
            .query(Long.class)
            .single()
        > 0;
  }

  private static UUID id(String text) {
    UUID id = Ids.parseOrNull(text);
    if (id == null) {
      throw Problems.notFound();
    }
    return id;
  }
}
