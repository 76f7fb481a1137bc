package dev.musubi.admin.web;

import dev.musubi.identity.AdminAccess;
import dev.musubi.platform.security.CurrentMember;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/admin/roles}: built-in and custom roles, and per member the admin grants (custom
 * roles and department scope).
 */
@RestController
@RequestMapping("/api/v1/admin")
class AdminRolesController {

  record RoleRequest(
      @Nullable @Size(max = 200) String name, @Nullable @Size(max = 20) List<String> permissions) {}

  record ScopeRequest(@Nullable @Size(max = 200) List<UUID> departmentIds) {}

  record AssignRequest(@Nullable @Size(max = 100) List<UUID> roleIds) {}

  private final AdminAccess access;

  AdminRolesController(AdminAccess access) {
    this.access = access;
  }

  @GetMapping("/roles")
  List<AdminAccess.RoleView> roles() {
    return access.roles(CurrentMember.get());
  }

  @PostMapping("/roles")
  ResponseEntity<AdminAccess.RoleView> create(@Valid @RequestBody RoleRequest b) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(access.createRole(CurrentMember.get(), b.name(), orEmpty(b.permissions())));
  }

  @PutMapping("/roles/{id}")
  AdminAccess.RoleView update(@PathVariable String id, @Valid @RequestBody RoleRequest b) {
    return access.updateRole(
        CurrentMember.get(), AdminMembersController.uuid(id), b.name(), orEmpty(b.permissions()));
  }

  @DeleteMapping("/roles/{id}")
  ResponseEntity<Void> delete(@PathVariable String id) {
    access.deleteRole(CurrentMember.get(), AdminMembersController.uuid(id));
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/members/{id}/access")
  AdminAccess.MemberAccess memberAccess(@PathVariable String id) {
    return access.access(CurrentMember.get(), AdminMembersController.uuid(id));
  }

  @PutMapping("/members/{id}/admin-scope")
  AdminAccess.MemberAccess scope(@PathVariable String id, @Valid @RequestBody ScopeRequest b) {
    return access.setScope(
        CurrentMember.get(), AdminMembersController.uuid(id), orEmpty(b.departmentIds()));
  }

  @PutMapping("/members/{id}/custom-roles")
  AdminAccess.MemberAccess assign(@PathVariable String id, @Valid @RequestBody AssignRequest b) {
    return access.assignRoles(
        CurrentMember.get(), AdminMembersController.uuid(id), orEmpty(b.roleIds()));
  }

  private static <T> List<T> orEmpty(@Nullable List<T> list) {
    return list == null ? List.of() : list;
  }
}
