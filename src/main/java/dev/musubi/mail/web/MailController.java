package dev.musubi.mail.web;

import static dev.musubi.mail.web.MailAdminController.id;

import dev.musubi.mail.MailFolder;
import dev.musubi.mail.Mailboxes;
import dev.musubi.mail.MessageItem;
import dev.musubi.mail.MessagePage;
import dev.musubi.mail.MessageView;
import dev.musubi.mail.internal.MimeParser;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.web.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
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

/** Webmail: the signed-in member's folders and messages. */
@RestController
@RequestMapping("/api/v1/mail")
class MailController {

  record FolderRequest(@Nullable String name) {}

  record RuleRequest(
      @Nullable String field,
      @Nullable String contains,
      @Nullable String action,
      @Nullable String folderId) {}

  record MessageChange(
      @Nullable Boolean seen, @Nullable Boolean flagged, @Nullable String folderId) {}

  /** A search hit: the list item with its folder. */
  private final Mailboxes mailboxes;

  MailController(Mailboxes mailboxes) {
    this.mailboxes = mailboxes;
  }

  @GetMapping("/folders")
  List<MailFolder> folders() {
    return mailboxes.folders(CurrentMember.get());
  }

  @PostMapping("/folders")
  ResponseEntity<MailFolder> createFolder(@RequestBody FolderRequest body) {
    return ResponseEntity.status(201)
        .body(mailboxes.createFolder(CurrentMember.get(), body.name()));
  }

  @PatchMapping("/folders/{id}")
  MailFolder renameFolder(@PathVariable String id, @RequestBody FolderRequest body) {
    return mailboxes.renameFolder(CurrentMember.get(), id(id), body.name());
  }

  @DeleteMapping("/folders/{id}")
  ResponseEntity<Void> deleteFolder(@PathVariable String id) {
    mailboxes.deleteFolder(CurrentMember.get(), id(id));
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/folders/{id}/empty")
  Map<String, Integer> empty(@PathVariable String id) {
    return Map.of("deleted", mailboxes.empty(CurrentMember.get(), id(id)));
  }

  @GetMapping("/rules")
  List<dev.musubi.mail.MailRule> rules() {
    return mailboxes.rules(CurrentMember.get());
  }

  @PostMapping("/rules")
  ResponseEntity<dev.musubi.mail.MailRule> addRule(@RequestBody RuleRequest body) {
    UUID folder = body.folderId() == null ? null : Ids.parseOrNull(body.folderId());
    return ResponseEntity.status(201)
        .body(
            mailboxes.addRule(
                CurrentMember.get(), body.field(), body.contains(), body.action(), folder));
  }

  @DeleteMapping("/rules/{id}")
  ResponseEntity<Void> deleteRule(@PathVariable String id) {
    mailboxes.deleteRule(CurrentMember.get(), id(id));
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/folders/{id}/messages")
  MessagePage messages(
      @PathVariable String id,
      @RequestParam(required = false) @Nullable String q,
      @RequestParam(required = false) @Nullable String sort,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size,
      @RequestParam(required = false) @Nullable String after) {
    return mailboxes.list(CurrentMember.get(), id(id), q, sort, page, size, after);
  }

  @GetMapping("/search")
  MessagePage search(
      @RequestParam(required = false) @Nullable String q,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    return mailboxes.search(CurrentMember.get(), null, q, page, size);
  }

  @GetMapping("/messages/{id}")
  ResponseEntity<MessageView> message(
      @PathVariable String id, @RequestParam(required = false) @Nullable String images) {
    return ResponseEntity.ok()
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .body(mailboxes.get(CurrentMember.get(), id(id), "show".equals(images)));
  }

  @GetMapping("/messages/{id}/thread")
  List<MessageItem> thread(@PathVariable String id) {
    return mailboxes.thread(CurrentMember.get(), id(id));
  }

  @GetMapping("/messages/{id}/attachments/{part}")
  ResponseEntity<byte[]> attachment(@PathVariable String id, @PathVariable String part)
      throws IOException {
    MimeParser.Part p = mailboxes.attachment(CurrentMember.get(), id(id), part);
    String type =
        p.contentType().matches("[a-z0-9.+-]+/[a-z0-9.+-]+")
            ? p.contentType()
            : "application/octet-stream";
    return ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_TYPE, type)
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment()
                .filename(p.name(), java.nio.charset.StandardCharsets.UTF_8)
                .build()
                .toString())
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", "sandbox; default-src 'none'")
        .header(HttpHeaders.CACHE_CONTROL, "private, no-store")
        .body(p.content());
  }

  @GetMapping("/messages/{id}/raw")
  ResponseEntity<InputStreamResource> raw(@PathVariable String id) throws IOException {
    InputStream in = mailboxes.raw(CurrentMember.get(), id(id));
    return ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_TYPE, "message/rfc822")
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment().filename("message.eml").build().toString())
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", "sandbox; default-src 'none'")
        .body(new InputStreamResource(in));
  }

  @PatchMapping("/messages/{id}")
  MessageItem update(@PathVariable String id, @RequestBody MessageChange body) {
    UUID folder = null;
    if (body.folderId() != null) {
      folder = Ids.parseOrNull(body.folderId());
      if (folder == null) {
        throw Problems.invalid("folderId", "unknown_folder", "No such folder.");
      }
    }
    return mailboxes.update(CurrentMember.get(), id(id), body.seen(), body.flagged(), folder);
  }

  @DeleteMapping("/messages/{id}")
  ResponseEntity<Void> delete(@PathVariable String id) {
    mailboxes.delete(CurrentMember.get(), id(id));
    return ResponseEntity.noContent().build();
  }
}
