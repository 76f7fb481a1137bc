package dev.musubi.admin.web;

import dev.musubi.identity.Groups;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/admin/groups}: custom groups of members across departments. */
@RestController
@RequestMapping("/api/v1/admin/groups")
class AdminGroupsController {

  record GroupRequest(
      @Nullable String name, @Nullable String description, @Nullable List<UUID> memberIds) {}

  private final Groups groups;

  AdminGroupsController(Groups groups) {
    this.groups = groups;
  }

  @GetMapping
  List<Groups.Group> list() {
    MemberPrincipal p = CurrentMember.get();
    if (!p.isAdmin()) {
      throw Problems.forbidden("You need an admin role for this.");
    }
    return groups.list(p.tenantId());
  }

  @PostMapping
  ResponseEntity<Groups.Group> create(@RequestBody(required = false) @Nullable GroupRequest b) {
    GroupRequest r = b == null ? new GroupRequest(null, null, null) : b;
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(groups.create(CurrentMember.get(), r.name(), r.description(), r.memberIds()));
  }

  @GetMapping("/{id}")
  Groups.Group get(@PathVariable String id) {
    MemberPrincipal p = CurrentMember.get();
    if (!p.isAdmin()) {
      throw Problems.forbidden("You need an admin role for this.");
    }
    return groups
        .find(p.tenantId(), AdminMembersController.uuid(id))
        .orElseThrow(Problems::notFound);
  }

  @PatchMapping("/{id}")
  Groups.Group update(
      @PathVariable String id, @RequestBody(required = false) @Nullable GroupRequest b) {
    GroupRequest r = b == null ? new GroupRequest(null, null, null) : b;
    return groups.update(
        CurrentMember.get(),
        AdminMembersController.uuid(id),
        r.name(),
        r.description(),
        r.memberIds());
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable String id) {
    groups.delete(CurrentMember.get(), AdminMembersController.uuid(id));
    return ResponseEntity.noContent().build();
  }
}
