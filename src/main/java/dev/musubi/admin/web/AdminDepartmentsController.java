package dev.musubi.admin.web;

import dev.musubi.identity.Department;
import dev.musubi.identity.Departments;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
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

/** {@code /api/v1/admin/departments}: the department tree. */
@RestController
@RequestMapping("/api/v1/admin/departments")
class AdminDepartmentsController {

  record DepartmentRequest(
      @Nullable @Size(max = 200) String name,
      @Nullable @Size(max = 200) String nameReading,
      @Nullable UUID parentId,
      @Nullable Integer sortOrder) {}

  private final Departments departments;

  AdminDepartmentsController(Departments departments) {
    this.departments = departments;
  }

  @GetMapping
  List<Department> list() {
    MemberPrincipal p = CurrentMember.get();
    if (!p.isAdmin()) {
      throw Problems.forbidden("You need an admin role for this.");
    }
    return departments.list(p.tenantId());
  }

  @PostMapping
  ResponseEntity<Department> create(@Valid @RequestBody DepartmentRequest b) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(
            departments.create(
                CurrentMember.get(),
                b.name() == null ? "" : b.name(),
                b.nameReading(),
                b.parentId(),
                b.sortOrder() == null ? 0 : b.sortOrder()));
  }

  @GetMapping("/{id}")
  Department get(@PathVariable String id) {
    MemberPrincipal p =
        CurrentMember.requireAny(
            Role.SUPER_ADMIN, Role.MEMBER_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR);
    return departments
        .find(p.tenantId(), AdminMembersController.uuid(id))
        .orElseThrow(Problems::notFound);
  }

  @PatchMapping("/{id}")
  Department update(@PathVariable String id, @Valid @RequestBody DepartmentRequest b) {
    return departments.update(
        CurrentMember.get(),
        AdminMembersController.uuid(id),
        b.name(),
        b.nameReading(),
        b.parentId(),
        b.sortOrder());
  }

  record MergeRequest(@Nullable UUID into) {}

  /** Merges the department into another (members, sub-departments and scopes move). */
  @PostMapping("/{id}/merge")
  Department merge(@PathVariable String id, @RequestBody MergeRequest b) {
    return departments.merge(CurrentMember.get(), AdminMembersController.uuid(id), b.into());
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable String id) {
    departments.delete(CurrentMember.get(), AdminMembersController.uuid(id));
    return ResponseEntity.noContent().build();
  }
}
