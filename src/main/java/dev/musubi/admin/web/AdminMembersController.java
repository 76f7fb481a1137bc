package dev.musubi.admin.web;

import dev.musubi.identity.Member;
import dev.musubi.identity.MemberChanges;
import dev.musubi.identity.MemberImport;
import dev.musubi.identity.MemberLifecycle;
import dev.musubi.identity.Members;
import dev.musubi.identity.NewMember;
import dev.musubi.platform.Ids;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.io.IOException;
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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/admin/members}: member administration within the admin's company. */
@RestController
@RequestMapping("/api/v1/admin/members")
class AdminMembersController {

  record CreateMember(
      @Size(max = 320) String loginId,
      @Size(max = 1024) String password,
      @Size(max = 200) String displayName,
      @Nullable @Size(max = 100) String familyName,
      @Nullable @Size(max = 100) String givenName,
      @Nullable @Size(max = 100) String familyNameReading,
      @Nullable @Size(max = 100) String givenNameReading,
      @Nullable @Size(max = 320) String email,
      @Nullable @Size(max = 40) String phone,
      @Nullable @Size(max = 20) String locale,
      @Nullable @Size(max = 60) String timeZone,
      @Nullable @Size(max = 10) List<String> roles,
      @Nullable @Size(max = 50) List<NewMember.Placement> departments,
      @Nullable @Size(max = 100) List<UUID> adminScope) {}

  private final Members members;
  private final MemberLifecycle lifecycle;
  private final MemberImport imports;

  AdminMembersController(Members members, MemberLifecycle lifecycle, MemberImport imports) {
    this.members = members;
    this.lifecycle = lifecycle;
    this.imports = imports;
  }

  /**
   * Validates a CSV of members (the request body) and, with {@code dryRun=false}, creates them all
   * or none. 200 with a per-row report; 422 with the report when a commit was refused.
   */
  @PostMapping("/import")
  ResponseEntity<MemberImport.Report> importCsv(
      @RequestParam(defaultValue = "true") boolean dryRun,
      @RequestParam(required = false) @Nullable String encoding,
      HttpServletRequest request)
      throws IOException {
    MemberImport.Report report =
        imports.importCsv(CurrentMember.get(), request.getInputStream(), encoding, dryRun);
    int status = report.committed() ? 201 : (dryRun ? 200 : 422);
    return ResponseEntity.status(status).body(report);
  }

  /** Members as CSV: UTF-8 with a byte order mark (default) or Shift_JIS. */
  @GetMapping("/export")
  void exportCsv(
      @RequestParam(required = false) @Nullable String encoding, HttpServletResponse response)
      throws IOException {
    boolean sjis = encoding != null && encoding.toLowerCase().startsWith("s");
    response.setContentType("text/csv; charset=" + (sjis ? "Shift_JIS" : "UTF-8"));
    response.setHeader(
        "Content-Disposition", "attachment; filename=\"members" + (sjis ? "-sjis" : "") + ".csv\"");
    response.setHeader("Cache-Control", "no-store");
    imports.exportCsv(CurrentMember.get(), encoding, response.getOutputStream());
  }

  /** Deleted members that can still be restored. */
  @GetMapping("/deleted")
  List<MemberLifecycle.DeletedMember> deleted() {
    return lifecycle.deleted(CurrentMember.get());
  }

  record HandOverRequest(@Nullable UUID handTo) {}

  /** Hands a deleted member's drive, calendars and room ownership to a colleague (grace period). */
  @PostMapping("/{id}/hand-over")
  ResponseEntity<Void> handOver(
      @PathVariable String id, @RequestBody(required = false) @Nullable HandOverRequest b) {
    lifecycle.handOver(CurrentMember.get(), uuid(id), b == null ? null : b.handTo());
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/{id}/restore")
  MemberLifecycle.DeletedMember restore(@PathVariable String id) {
    return lifecycle.restore(CurrentMember.get(), uuid(id));
  }

  /** A one-time password reset link for the admin to pass on (shown once). */
  @PostMapping("/{id}/password-reset-link")
  ResponseEntity<MemberLifecycle.ResetLink> resetLink(@PathVariable String id) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .header("Cache-Control", "no-store")
        .body(lifecycle.createResetLink(CurrentMember.get(), uuid(id)));
  }

  @PostMapping("/{id}/mfa-reset")
  ResponseEntity<Void> mfaReset(@PathVariable String id) {
    lifecycle.resetTwoStep(CurrentMember.get(), uuid(id));
    return ResponseEntity.noContent().build();
  }

  @GetMapping
  PageResult<Member> list(
      @RequestParam(required = false) @Nullable String q,
      @RequestParam(required = false) @Nullable String status,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    return members.list(CurrentMember.get(), q, status, page, size);
  }

  @PostMapping
  ResponseEntity<Member> create(@Valid @RequestBody CreateMember b) {
    Member created =
        members.create(
            CurrentMember.get(),
            new NewMember(
                b.loginId(),
                b.password(),
                b.displayName(),
                b.familyName(),
                b.givenName(),
                b.familyNameReading(),
                b.givenNameReading(),
                b.email(),
                b.phone(),
                b.locale(),
                b.timeZone(),
                b.roles(),
                b.departments()),
            b.adminScope());
    return ResponseEntity.status(HttpStatus.CREATED).body(created);
  }

  @GetMapping("/{id}")
  Member get(@PathVariable String id) {
    return members.get(CurrentMember.get(), uuid(id));
  }

  @PatchMapping("/{id}")
  Member update(@PathVariable String id, @Valid @RequestBody MemberChanges changes) {
    return members.update(CurrentMember.get(), uuid(id), changes);
  }

  @PostMapping("/{id}/suspend")
  Member suspend(@PathVariable String id) {
    return members.suspend(CurrentMember.get(), uuid(id));
  }

  @PostMapping("/{id}/resume")
  Member resume(@PathVariable String id) {
    return members.resume(CurrentMember.get(), uuid(id));
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(
      @PathVariable String id, @RequestParam(required = false) @Nullable String handTo) {
    UUID heir = null;
    if (handTo != null && !handTo.isBlank()) {
      heir = Ids.parseOrNull(handTo);
      if (heir == null) {
        throw Problems.invalid("handTo", "invalid", "Not a member ID.");
      }
    }
    members.delete(CurrentMember.get(), uuid(id), heir);
    return ResponseEntity.noContent().build();
  }

  static UUID uuid(String id) {
    UUID u = Ids.parseOrNull(id);
    if (u == null) {
      throw Problems.notFound();
    }
    return u;
  }
}
