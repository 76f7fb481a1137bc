package dev.musubi.mail.web;

import dev.musubi.mail.MailAlias;
import dev.musubi.mail.MailDomain;
import dev.musubi.mail.MailDomains;
import dev.musubi.mail.MailList;
import dev.musubi.mail.MailPolicy;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.web.Problems;
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

/** Mail administration: domains and their DNS records, aliases, distribution lists, policy. */
@RestController
@RequestMapping("/api/v1/admin/mail")
class MailAdminController {

  record DomainRequest(@Nullable String name) {}

  record AliasRequest(@Nullable String address, @Nullable String memberId) {}

  record ListRequest(
      @Nullable String address, @Nullable String departmentId, @Nullable String groupId) {}

  record PolicyRequest(
      @Nullable String spfFail,
      @Nullable String dkimFail,
      @Nullable String dmarcFail,
      @Nullable Long maxMessageBytes,
      @Nullable Long mailboxQuotaBytes,
      @Nullable Integer logRetentionDays) {}

  private final MailDomains domains;

  MailAdminController(MailDomains domains) {
    this.domains = domains;
  }

  @GetMapping("/domains")
  List<MailDomain> domains() {
    return domains.list(CurrentMember.get());
  }

  @PostMapping("/domains")
  ResponseEntity<MailDomain> addDomain(@RequestBody DomainRequest body) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(domains.add(CurrentMember.get(), body.name()));
  }

  @GetMapping("/domains/{id}")
  MailDomain domain(@PathVariable String id) {
    return domains.get(CurrentMember.get(), id(id));
  }

  @PostMapping("/domains/{id}/dkim/rotate")
  MailDomain rotate(@PathVariable String id) {
    return domains.rotateDkim(CurrentMember.get(), id(id));
  }

  @DeleteMapping("/domains/{id}")
  ResponseEntity<Void> removeDomain(@PathVariable String id) {
    domains.remove(CurrentMember.get(), id(id));
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/aliases")
  List<MailAlias> aliases() {
    return domains.aliases(CurrentMember.get());
  }

  @PostMapping("/aliases")
  ResponseEntity<MailAlias> addAlias(@RequestBody AliasRequest body) {
    UUID member = body.memberId() == null ? null : Ids.parseOrNull(body.memberId());
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(domains.addAlias(CurrentMember.get(), body.address(), member));
  }

  @DeleteMapping("/aliases/{id}")
  ResponseEntity<Void> removeAlias(@PathVariable String id) {
    domains.removeAlias(CurrentMember.get(), id(id));
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/lists")
  List<MailList> lists() {
    return domains.lists(CurrentMember.get());
  }

  @PostMapping("/lists")
  ResponseEntity<MailList> addList(@RequestBody ListRequest body) {
    UUID dep =
        optionalId(
            body.departmentId(), "departmentId", "unknown_department", "No such department.");
    UUID group = optionalId(body.groupId(), "groupId", "unknown_group", "No such group.");
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(domains.addList(CurrentMember.get(), body.address(), dep, group));
  }

  @DeleteMapping("/lists/{id}")
  ResponseEntity<Void> removeList(@PathVariable String id) {
    domains.removeList(CurrentMember.get(), id(id));
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/policy")
  MailPolicy policy() {
    return domains.policy(CurrentMember.get());
  }

  @PutMapping("/policy")
  MailPolicy updatePolicy(@RequestBody PolicyRequest body) {
    var actor = CurrentMember.get();
    MailPolicy now = domains.policy(actor);
    return domains.updatePolicy(
        actor,
        new MailPolicy(
            body.spfFail() == null ? now.spfFail() : body.spfFail(),
            body.dkimFail() == null ? now.dkimFail() : body.dkimFail(),
            body.dmarcFail() == null ? now.dmarcFail() : body.dmarcFail(),
            body.maxMessageBytes() == null ? now.maxMessageBytes() : body.maxMessageBytes(),
            body.mailboxQuotaBytes() == null ? now.mailboxQuotaBytes() : body.mailboxQuotaBytes(),
            body.logRetentionDays() == null ? now.logRetentionDays() : body.logRetentionDays()));
  }

  /** Absent when missing or blank (a form's empty choice); 422 on the field when not an ID. */
  private static @Nullable UUID optionalId(
      @Nullable String text, String field, String code, String message) {
    if (text == null || text.isBlank()) {
      return null;
    }
    UUID id = Ids.parseOrNull(text.strip());
    if (id == null) {
      throw Problems.invalid(field, code, message);
    }
    return id;
  }

  static UUID id(String text) {
    UUID id = Ids.parseOrNull(text);
    if (id == null) {
      throw Problems.notFound();
    }
    return id;
  }
}
