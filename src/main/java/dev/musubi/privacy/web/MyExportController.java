package dev.musubi.privacy.web;

import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.privacy.ExportJob;
import dev.musubi.privacy.PersonalDataExports;
import dev.musubi.privacy.PrivacyNotice;
import dev.musubi.privacy.PrivacyNotices;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The signed-in member's own personal-data export and their company's privacy notice. */
@RestController
class MyExportController {

  private final PersonalDataExports exports;
  private final PrivacyNotices notices;

  MyExportController(PersonalDataExports exports, PrivacyNotices notices) {
    this.exports = exports;
    this.notices = notices;
  }

  /** Starts preparing the archive (or returns the one being prepared): 202 with its status. */
  @PostMapping("/api/v1/me/export")
  ResponseEntity<ExportJob> request() {
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(exports.requestOwn(CurrentMember.get()));
  }

  /** The latest export's status; 404 when none was asked for. */
  @GetMapping("/api/v1/me/export")
  ExportJob status() {
    return exports.own(CurrentMember.get());
  }

  /** The ready archive (zip); it is deleted after a complete download. */
  @GetMapping("/api/v1/me/export/download")
  void download(HttpServletResponse response) throws IOException {
    MemberPrincipal me = CurrentMember.get();
    ExportDownloads.send(exports, me, exports.openOwn(me), response);
  }

  @GetMapping("/api/v1/privacy-notice")
  PrivacyNotice notice() {
    return notices.get(CurrentMember.get());
  }
}
