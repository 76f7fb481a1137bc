package dev.musubi.identity.web;

import dev.musubi.identity.Department;
import dev.musubi.identity.Departments;
import dev.musubi.identity.Member;
import dev.musubi.identity.Members;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.security.CurrentMember;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The company directory as colleagues see it: no status, roles or security data. */
@RestController
@RequestMapping("/api/v1/directory")
class DirectoryController {

  record Colleague(
      UUID id,
      String loginId,
      String displayName,
      String familyName,
      String givenName,
      String familyNameReading,
      String givenNameReading,
      String email,
      String phone,
      List<Member.DepartmentMembership> departments) {

    static Colleague of(Member m) {
      return new Colleague(
          m.id(),
          m.loginId(),
          m.displayName(),
          m.familyName(),
          m.givenName(),
          m.familyNameReading(),
          m.givenNameReading(),
          m.email(),
          m.phone(),
          m.departments());
    }
  }

  private final Members members;
  private final Departments departments;

  DirectoryController(Members members, Departments departments) {
    this.members = members;
    this.departments = departments;
  }

  @GetMapping("/members")
  PageResult<Colleague> members(
      @RequestParam(required = false) @Nullable String q,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    return members.directory(CurrentMember.get(), q, page, size).map(Colleague::of);
  }

  @GetMapping("/departments")
  List<Department> departments() {
    return departments.list(CurrentMember.get().tenantId());
  }
}
