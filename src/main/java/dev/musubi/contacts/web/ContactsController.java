package dev.musubi.contacts.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.musubi.contacts.Book;
import dev.musubi.contacts.Contact;
import dev.musubi.contacts.ContactInput;
import dev.musubi.contacts.ContactSettings;
import dev.musubi.contacts.ContactTransfer;
import dev.musubi.contacts.Contacts;
import dev.musubi.platform.Ids;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Shared and personal address books. */
@RestController
@RequestMapping("/api/v1/contacts")
class ContactsController {

  /** A contact with, after create, the existing contacts it may duplicate. */
  record ContactView(
      @JsonUnwrapped Contact contact,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<Contact> duplicates) {}

  record MergeRequest(@Nullable List<String> from, @Nullable Long version) {}

  record SettingsRequest(
      @Nullable Boolean membersMayEditShared, @Nullable Boolean membersMayCollectFromMail) {}

  record OwnSettingsRequest(@Nullable Boolean collectFromMail) {}

  record BookInfo(String book, boolean writable) {}

  /** Largest import file accepted (a vCard with a large photo still fits, to be refused). */
  static final int MAX_IMPORT_BYTES = 16 * 1024 * 1024;

  private final Contacts contacts;
  private final ContactTransfer transfer;

  ContactsController(Contacts contacts, ContactTransfer transfer) {
    this.contacts = contacts;
    this.transfer = transfer;
  }

  /**
   * Imports a vCard or CSV file sent as the request body. {@code dryRun=true} (the default) only
   * previews.
   */
  @PostMapping("/import")
  ContactTransfer.ImportReport importFile(
      @RequestParam(required = false) @Nullable String book,
      @RequestParam(required = false) @Nullable String format,
      @RequestParam(defaultValue = "true") boolean dryRun,
      HttpServletRequest request)
      throws IOException {
    var actor = CurrentMember.get();
    Book b = Book.parse(book);
    byte[] data;
    try (InputStream in = request.getInputStream()) {
      data = in.readNBytes(MAX_IMPORT_BYTES + 1);
    }
    if (data.length > MAX_IMPORT_BYTES) {
      throw new ProblemException(
          HttpStatus.CONTENT_TOO_LARGE,
          "too-large",
          "The file is larger than " + MAX_IMPORT_BYTES / (1024 * 1024) + " MB.",
          List.of());
    }
    return transfer.importFile(actor, b, data, format, dryRun);
  }

  @GetMapping("/export")
  ResponseEntity<byte[]> export(
      @RequestParam(required = false) @Nullable String book,
      @RequestParam(defaultValue = "vcf") String format,
      @RequestParam(required = false) @Nullable String version,
      @RequestParam(required = false) @Nullable String encoding) {
    ContactTransfer.Export e =
        transfer.export(CurrentMember.get(), Book.parse(book), format, version, encoding);
    return ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_TYPE, e.contentType())
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment().filename(e.filename()).build().toString())
        .header("X-Content-Type-Options", "nosniff")
        .body(e.body());
  }

  @GetMapping
  PageResult<Contact> list(
      @RequestParam(required = false) @Nullable String book,
      @RequestParam(required = false) @Nullable String q,
      @RequestParam(required = false) @Nullable String tag,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    return contacts.list(CurrentMember.get(), Book.parse(book), q, tag, page, size);
  }

  /** The books the caller can see and whether they may write to each. */
  @GetMapping("/books")
  List<BookInfo> books() {
    var actor = CurrentMember.get();
    List<BookInfo> out = new ArrayList<>();
    for (Book b : Book.values()) {
      out.add(new BookInfo(b.code(), contacts.mayWrite(actor, b)));
    }
    return out;
  }

  @GetMapping("/tags")
  Map<String, Integer> tags(@RequestParam(required = false) @Nullable String book) {
    return contacts.tags(CurrentMember.get(), Book.parse(book));
  }

  @PostMapping
  ResponseEntity<ContactView> create(
      @RequestParam(required = false) @Nullable String book, @RequestBody ContactInput body) {
    Contacts.Created c = contacts.create(CurrentMember.get(), Book.parse(book), body);
    return ResponseEntity.status(HttpStatus.CREATED)
        .header(HttpHeaders.ETAG, c.contact().etag())
        .header(HttpHeaders.LOCATION, "/api/v1/contacts/" + c.contact().id())
        .body(new ContactView(c.contact(), c.duplicates()));
  }

  @GetMapping("/settings")
  ContactSettings settings() {
    return contacts.settings(CurrentMember.get());
  }

  @PutMapping("/settings")
  ContactSettings updateSettings(@RequestBody SettingsRequest body) {
    return contacts.updateSettings(
        CurrentMember.get(), body.membersMayEditShared(), body.membersMayCollectFromMail());
  }

  /** The caller's own settings: {@code collectFromMail}. */
  @PutMapping("/settings/me")
  ContactSettings updateOwnSettings(@RequestBody OwnSettingsRequest body) {
    if (body.collectFromMail() == null) {
      throw Problems.invalid("collectFromMail", "required", "Required.");
    }
    return contacts.updateOwnSettings(CurrentMember.get(), body.collectFromMail());
  }

  @GetMapping("/{id}")
  ResponseEntity<Contact> get(@PathVariable String id) {
    Contact c = contacts.get(CurrentMember.get(), id(id));
    return ResponseEntity.ok().header(HttpHeaders.ETAG, c.etag()).body(c);
  }

  @GetMapping("/{id}/photo")
  ResponseEntity<byte[]> photo(@PathVariable String id) {
    byte[] photo = contacts.photo(CurrentMember.get(), id(id));
    return ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_TYPE, "image/jpeg")
        .header("X-Content-Type-Options", "nosniff")
        .body(photo);
  }

  @GetMapping("/{id}/duplicates")
  List<Contact> duplicates(@PathVariable String id) {
    return contacts.duplicates(CurrentMember.get(), id(id));
  }

  @PutMapping("/{id}")
  ResponseEntity<Contact> replace(
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
      @RequestBody ContactInput body) {
    UUID contact = id(id);
    Long expected = ifMatch != null ? version(ifMatch) : body.version();
    if (ifMatch != null && expected == null) {
      expected = contacts.get(CurrentMember.get(), contact).version(); // If-Match: *
    }
    Contact c = contacts.replace(CurrentMember.get(), contact, body, expected);
    return ResponseEntity.ok().header(HttpHeaders.ETAG, c.etag()).body(c);
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
    contacts.delete(CurrentMember.get(), id(id), ifMatch == null ? null : version(ifMatch));
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/{id}/merge")
  ResponseEntity<Contact> merge(
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
      @RequestBody MergeRequest body) {
    UUID target = id(id);
    List<UUID> from = new ArrayList<>();
    for (String f : body.from() == null ? List.<String>of() : body.from()) {
      UUID u = f == null ? null : Ids.parseOrNull(f);
      if (u == null) {
        contacts.get(CurrentMember.get(), target);
        throw Problems.notFound();
      }
      from.add(u);
    }
    Long expected = ifMatch != null ? version(ifMatch) : body.version();
    Contact c = contacts.merge(CurrentMember.get(), target, from, expected);
    return ResponseEntity.ok().header(HttpHeaders.ETAG, c.etag()).body(c);
  }

  static UUID id(String text) {
    UUID id = Ids.parseOrNull(text);
    if (id == null) {
      throw Problems.notFound();
    }
    return id;
  }

  /** The version in an If-Match ETag ({@code "3"} or {@code W/"3"}); 412 for anything else. */
  static @Nullable Long version(String ifMatch) {
    String v = ifMatch.strip();
    if (v.equals("*")) {
      return null;
    }
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new ProblemException(
          HttpStatus.PRECONDITION_FAILED,
          "stale",
          "The contact changed since you read it; reload and try again.",
          List.of());
    }
  }
}
