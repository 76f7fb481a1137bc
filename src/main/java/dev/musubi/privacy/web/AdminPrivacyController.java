package dev.musubi.privacy.web;

import dev.musubi.platform.Ids;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import dev.musubi.privacy.ExportJob;
import dev.musubi.privacy.LegalHold;
import dev.musubi.privacy.PersonalDataExports;
import dev.musubi.privacy.PrivacyNotice;
import dev.musubi.privacy.PrivacyNotices;
import dev.musubi.privacy.Retention;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin's privacy tools: a member's personal-data export (audited as admin access to personal
 * data), the retention policy, legal holds and the privacy notice. Every call acts in the caller's
 * company and checks their admin permissions.
 */
@RestController
class AdminPrivacyController {

  record RetentionView(Map<String, Integer> days, Set<String> services, int auditMinimumDays) {}

  record RetentionUpdate(@Nullable Map<String, Integer> days) {}

  record HoldRequest(
      @Nullable String scopeType, @Nullable String scopeId, @Nullable String reason) {}

  record NoticeUpdate(@Nullable String body) {}

  private final PersonalDataExports exports;
  private final Retention retention;
  private final PrivacyNotices notices;

  AdminPrivacyController(PersonalDataExports exports, Retention retention, PrivacyNotices notices) {
    this.exports = exports;
    this.retention = retention;
    this.notices = notices;
  }

  // ---- a member's export ---------------------------------------------------------------------

  @PostMapping("/api/v1/admin/members/{id}/export")
  ResponseEntity<ExportJob> requestExport(@PathVariable String id) {
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(exports.requestFor(CurrentMember.get(), uuid(id)));
  }

  @GetMapping("/api/v1/admin/members/{id}/export")
  ExportJob exportStatus(@PathVariable String id) {
    return exports.forMember(CurrentMember.get(), uuid(id));
  }

  @GetMapping("/api/v1/admin/members/{id}/export/download")
  void download(@PathVariable String id, HttpServletResponse response) throws IOException {
    MemberPrincipal admin = CurrentMember.get();
    ExportDownloads.send(exports, admin, exports.openFor(admin, uuid(id)), response);
  }

  // ---- retention -----------------------------------------------------------------------------

  @GetMapping("/api/v1/admin/privacy/retention")
  RetentionView retention() {
    return view(retention.policy(CurrentMember.get()));
  }

  @PutMapping("/api/v1/admin/privacy/retention")
  RetentionView updateRetention(@RequestBody RetentionUpdate body) {
    return view(retention.update(CurrentMember.get(), body.days()));
  }

  /** Runs the company's policy now instead of waiting for the daily run. */
  @PostMapping("/api/v1/admin/privacy/retention/run")
  Retention.RunReport runRetention() {
    return retention.runNow(CurrentMember.get());
  }

  private RetentionView view(Map<String, Integer> days) {
    return new RetentionView(days, retention.services(), Retention.AUDIT_MINIMUM_DAYS);
  }

  // ---- holds ---------------------------------------------------------------------------------

  @GetMapping("/api/v1/admin/privacy/holds")
  List<LegalHold> holds() {
    return retention.holds(CurrentMember.get());
  }

  @PostMapping("/api/v1/admin/privacy/holds")
  ResponseEntity<LegalHold> placeHold(@RequestBody HoldRequest body) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(
            retention.place(CurrentMember.get(), body.scopeType(), body.scopeId(), body.reason()));
  }

  @DeleteMapping("/api/v1/admin/privacy/holds/{id}")
  ResponseEntity<Void> releaseHold(@PathVariable String id) {
    retention.release(CurrentMember.get(), uuid(id));
    return ResponseEntity.noContent().build();
  }

  // ---- notice --------------------------------------------------------------------------------

  @GetMapping("/api/v1/admin/privacy/notice")
  PrivacyNotice notice() {
    MemberPrincipal admin = CurrentMember.get();
    if (!admin.isAdmin()) {
      throw Problems.forbidden("This needs an admin role.");
    }
    return notices.get(admin);
  }

  @PutMapping("/api/v1/admin/privacy/notice")
  PrivacyNotice updateNotice(@RequestBody NoticeUpdate body) {
    return notices.update(CurrentMember.get(), body.body());
  }

  private static UUID uuid(String id) {
    UUID u = Ids.parseOrNull(id);
    if (u == null) {
      throw Problems.notFound();
    }
    return u;
  }
}
