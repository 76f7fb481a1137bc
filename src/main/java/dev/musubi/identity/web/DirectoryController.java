package dev.musubi.identity.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.musubi.identity.Directory;
import dev.musubi.identity.DirectoryDepartment;
import dev.musubi.identity.DirectoryMember;
import dev.musubi.identity.DirectoryProfile;
import dev.musubi.identity.DirectoryProfileChanges;
import dev.musubi.identity.MemberPhotos;
import dev.musubi.platform.Ids;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The company directory as colleagues see it: no status, roles or security data. */
@RestController
@RequestMapping("/api/v1/directory")
class DirectoryController {

  /** Profile changes; {@code managerId: ""} clears the manager. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ProfileRequest(
      @Nullable String extension,
      @Nullable String office,
      @Nullable String title,
      @Nullable String nameRomaji,
      @Nullable String managerId) {}

  private final Directory directory;
  private final MemberPhotos photos;

  DirectoryController(Directory directory, MemberPhotos photos) {
    this.directory = directory;
    this.photos = photos;
  }

  @GetMapping("/members")
  PageResult<DirectoryMember> members(
      @RequestParam(required = false) @Nullable String q,
      @RequestParam(required = false) @Nullable String department,
      @RequestParam(defaultValue = "false") boolean directOnly,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    UUID dep = null;
    if (department != null && !department.isBlank()) {
      dep = Ids.parseOrNull(department);
      if (dep == null) {
        throw Problems.notFound();
      }
    }
    return directory.search(CurrentMember.get(), q, dep, directOnly, page, size);
  }

  @GetMapping("/members/{id}")
  DirectoryProfile member(@PathVariable String id) {
    return directory.profile(CurrentMember.get(), id(id));
  }

  @PatchMapping("/members/{id}")
  DirectoryProfile updateProfile(@PathVariable String id, @RequestBody ProfileRequest body) {
    UUID manager = null;
    boolean clear = false;
    if (body.managerId() != null) {
      if (body.managerId().isBlank()) {
        clear = true;
      } else {
        manager = Ids.parseOrNull(body.managerId());
        if (manager == null) {
          throw Problems.invalid("managerId", "unknown_member", "No such member.");
        }
      }
    }
    return directory.updateProfile(
        CurrentMember.get(),
        id(id),
        new DirectoryProfileChanges(
            body.extension(), body.office(), body.title(), body.nameRomaji(), manager, clear));
  }

  /**
   * The member's photo, a square JPEG. Versioned by its SHA-256 (the ETag and the profile's {@code
   * photo}), so clients revalidate with If-None-Match.
   */
  @GetMapping("/members/{id}/photo")
  ResponseEntity<byte[]> photo(
      @PathVariable String id,
      @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false)
          @Nullable String ifNoneMatch) {
    MemberPhotos.Photo photo = photos.get(CurrentMember.get(), id(id));
    String etag = "\"" + photo.sha256() + "\"";
    boolean unchanged =
        ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.strip().equals("*"));
    ResponseEntity.BodyBuilder answer =
        (unchanged ? ResponseEntity.status(HttpStatus.NOT_MODIFIED) : ResponseEntity.ok())
            .eTag(etag)
            .cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePrivate())
            .header("X-Content-Type-Options", "nosniff")
            .header(HttpHeaders.CONTENT_DISPOSITION, "inline");
    return unchanged ? answer.build() : answer.contentType(MediaType.IMAGE_JPEG).body(photo.jpeg());
  }

  /**
   * Sets the member's photo from the request body (a JPEG, PNG or GIF image, at most {@link
   * MemberPhotos#MAX_UPLOAD_BYTES}); the member themselves or a member admin.
   */
  @PutMapping("/members/{id}/photo")
  DirectoryProfile setPhoto(@PathVariable String id, HttpServletRequest request)
      throws IOException {
    UUID member = id(id);
    var actor = CurrentMember.get();
    try (InputStream in = request.getInputStream()) {
      photos.set(actor, member, request.getContentLengthLong(), in);
    }
    return directory.profile(actor, member);
  }

  @DeleteMapping("/members/{id}/photo")
  ResponseEntity<Void> removePhoto(@PathVariable String id) {
    photos.remove(CurrentMember.get(), id(id));
    return ResponseEntity.noContent().build();
  }

  /** Departments, flat, parents first, with depth, path and member counts. */
  @GetMapping("/departments")
  List<DirectoryDepartment> departments(@RequestParam(required = false) @Nullable String q) {
    return directory.departments(CurrentMember.get(), q);
  }

  /** The department tree, nested. */
  @GetMapping("/departments/tree")
  List<DirectoryDepartment> tree() {
    return directory.tree(CurrentMember.get());
  }

  private static UUID id(String text) {
    UUID id = Ids.parseOrNull(text);
    if (id == null) {
      throw Problems.notFound();
    }
    return id;
  }
}
