package dev.musubi.identity.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.musubi.identity.Directory;
import dev.musubi.identity.DirectoryDepartment;
import dev.musubi.identity.DirectoryMember;
import dev.musubi.identity.DirectoryProfile;
import dev.musubi.identity.DirectoryProfileChanges;
import dev.musubi.platform.Ids;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.web.Problems;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
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

  DirectoryController(Directory directory) {
    this.directory = directory;
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
