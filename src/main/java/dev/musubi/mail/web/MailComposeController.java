package dev.musubi.mail.web;

import static dev.musubi.mail.web.MailAdminController.id;

import dev.musubi.mail.Compose;
import dev.musubi.mail.MailSending;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.web.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Webmail: compose, drafts, uploads, sender identities and settings. */
@RestController
@RequestMapping("/api/v1/mail")
class MailComposeController {

  record SettingsRequest(@Nullable String displayName, @Nullable String signature) {}

  private final MailSending sending;

  MailComposeController(MailSending sending) {
    this.sending = sending;
  }

  @PostMapping("/messages")
  ResponseEntity<Map<String, UUID>> send(
      @RequestBody Compose body,
      @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String key)
      throws IOException {
    UUID id = sending.send(CurrentMember.get(), body, key);
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("id", id));
  }

  @PostMapping("/drafts")
  ResponseEntity<Map<String, UUID>> draft(@RequestBody Compose body) throws IOException {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(Map.of("id", sending.saveDraft(CurrentMember.get(), body, null)));
  }

  @PutMapping("/drafts/{id}")
  Map<String, UUID> replaceDraft(@PathVariable String id, @RequestBody Compose body)
      throws IOException {
    return Map.of("id", sending.saveDraft(CurrentMember.get(), body, id(id)));
  }

  @PostMapping("/attachments")
  ResponseEntity<MailSending.Upload> upload(@RequestParam("file") @Nullable MultipartFile file)
      throws IOException {
    if (file == null) {
      throw Problems.invalid("file", "required", "Required.");
    }
    try (InputStream in = file.getInputStream()) {
      return ResponseEntity.status(HttpStatus.CREATED)
          .body(
              sending.upload(
                  CurrentMember.get(), file.getOriginalFilename(), file.getContentType(), in));
    }
  }

  @GetMapping("/identities")
  List<MailSending.Identity> identities() {
    return sending.identities(CurrentMember.get());
  }

  @GetMapping("/settings")
  MailSending.Settings settings() {
    return sending.settings(CurrentMember.get());
  }

  @PutMapping("/settings")
  MailSending.Settings updateSettings(@RequestBody SettingsRequest body) {
    return sending.updateSettings(CurrentMember.get(), body.displayName(), body.signature());
  }
}
