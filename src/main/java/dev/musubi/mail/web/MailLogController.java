package dev.musubi.mail.web;

import dev.musubi.mail.MailLog;
import dev.musubi.mail.MailLogEntry;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.security.CurrentMember;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The admin mail log and its CSV export. */
@RestController
@RequestMapping("/api/v1/admin/mail")
class MailLogController {

  private final MailLog log;

  MailLogController(MailLog log) {
    this.log = log;
  }

  @GetMapping("/log")
  PageResult<MailLogEntry> log(
      @RequestParam(required = false) @Nullable String direction,
      @RequestParam(required = false) @Nullable String q,
      @RequestParam(required = false) @Nullable String status,
      @RequestParam(required = false) @Nullable String from,
      @RequestParam(required = false) @Nullable String to,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    return log.list(CurrentMember.get(), direction, q, status, from, to, page, size);
  }

  @GetMapping("/log.csv")
  ResponseEntity<byte[]> csv(
      @RequestParam(required = false) @Nullable String direction,
      @RequestParam(required = false) @Nullable String q,
      @RequestParam(required = false) @Nullable String status,
      @RequestParam(required = false) @Nullable String from,
      @RequestParam(required = false) @Nullable String to) {
    return ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_TYPE, "text/csv; charset=UTF-8")
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment().filename("mail-log.csv").build().toString())
        .header("X-Content-Type-Options", "nosniff")
        .body(log.csv(CurrentMember.get(), direction, q, status, from, to));
  }
}
