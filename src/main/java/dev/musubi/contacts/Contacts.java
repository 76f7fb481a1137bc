package dev.musubi.contacts;

import static dev.musubi.platform.Jdbc.ts;

import com.ibm.icu.text.CollationKey;
import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.contacts.internal.ContactDraft;
import dev.musubi.contacts.internal.ContactRules;
import dev.musubi.contacts.internal.ContactStore;
import dev.musubi.identity.DirectoryText;
import dev.musubi.platform.Ids;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Address books: the company's shared book and each member's personal book. Everyone in the company
 * reads the shared book; admins always edit it, members when the company allows it. A personal book
 * is its owner's alone: anyone else, and anyone from another company, gets 404.
 */
@Service
public class Contacts {

  /** A new contact and the existing contacts it may duplicate (offered for merge). */
  public record Created(Contact contact, List<Contact> duplicates) {}

  private static final int MAX_QUERY = 200;

  private final ContactStore store;
  private final JdbcClient jdbc;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;

  Contacts(ContactStore store, JdbcClient jdbc, AuditTrail audit, Ids ids, Clock clock) {
    this.store = store;
    this.jdbc = jdbc;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  // --- settings --------------------------------------------------------------------------------

  public ContactSettings settings(MemberPrincipal actor) {
    UUID tenant = actor.tenantId();
    return new ContactSettings(
        membersMayEditShared(tenant),
        membersMayCollect(tenant),
        jdbc.sql(
                "SELECT collect_from_mail FROM contact_member_setting"
                    + " WHERE tenant_id = ? AND member_id = ?")
            .params(tenant, actor.memberId())
            .query(Boolean.class)
            .optional()
            .orElse(false));
  }

  /**
   * Changes the company's settings (admins only); a null value stays as it is, and at least one
   * must be given (422).
   */
  @Transactional
  public ContactSettings updateSettings(
      MemberPrincipal actor,
      @Nullable Boolean membersMayEditShared,
      @Nullable Boolean membersMayCollectFromMail) {
    requireAdmin(actor);
    if (membersMayEditShared == null && membersMayCollectFromMail == null) {
      throw Problems.invalid("membersMayEditShared", "required", "Required.");
    }
    UUID tenant = actor.tenantId();
    boolean edit =
        membersMayEditShared == null ? membersMayEditShared(tenant) : membersMayEditShared;
    boolean collect =
        membersMayCollectFromMail == null ? membersMayCollect(tenant) : membersMayCollectFromMail;
    int n =
        jdbc.sql(
                "UPDATE contact_setting SET members_edit_shared = ?, members_collect_mail = ?,"
                    + " updated_at = ? WHERE tenant_id = ?")
            .params(edit, collect, ts(clock.instant()), tenant)
            .update();
    if (n == 0) {
      jdbc.sql(
              "INSERT INTO contact_setting (tenant_id, members_edit_shared, members_collect_mail,"
                  + " updated_at) VALUES (?, ?, ?, ?)")
          .params(tenant, edit, collect, ts(clock.instant()))
          .update();
    }
    audit.record(
        AuditRecord.of(tenant, AuditAction.CONTACTS_SETTINGS_CHANGED)
            .actor(actor.memberId(), actor.loginId())
            .with("membersMayEditShared", Boolean.toString(edit))
            .with("membersMayCollectFromMail", Boolean.toString(collect)));
    return settings(actor);
  }

  /**
   * Turns collecting outside mail correspondents into the caller's personal book on or off. Turning
   * it on while the company forbids it answers 403.
   */
  @Transactional
  public ContactSettings updateOwnSettings(MemberPrincipal actor, boolean collectFromMail) {
    UUID tenant = actor.tenantId();
    if (collectFromMail && !membersMayCollect(tenant)) {
      throw Problems.forbidden(
          "collect-forbidden", "Your company does not allow collecting contacts from mail.");
    }
    int n =
        jdbc.sql(
                "UPDATE contact_member_setting SET collect_from_mail = ?, updated_at = ?"
                    + " WHERE tenant_id = ? AND member_id = ?")
            .params(collectFromMail, ts(clock.instant()), tenant, actor.memberId())
            .update();
    if (n == 0) {
      jdbc.sql(
              "INSERT INTO contact_member_setting (tenant_id, member_id, collect_from_mail,"
                  + " updated_at) VALUES (?, ?, ?, ?)")
          .params(tenant, actor.memberId(), collectFromMail, ts(clock.instant()))
          .update();
    }
    audit.record(
        AuditRecord.of(tenant, AuditAction.CONTACTS_COLLECTING_CHANGED)
            .actor(actor.memberId(), actor.loginId())
            .target("member", actor.memberId())
            .with("collectFromMail", Boolean.toString(collectFromMail)));
    return settings(actor);
  }

  /** True when the caller may add, change and delete contacts in the book. */
  public boolean mayWrite(MemberPrincipal actor, Book book) {
    return book == Book.PERSONAL || isAdmin(actor) || membersMayEditShared(actor.tenantId());
  }

  // --- reading ---------------------------------------------------------------------------------

  /** A page of a book, optionally searched (names, readings, romaji, company, email, phone). */
  public PageResult<Contact> list(
      MemberPrincipal actor,
      Book book,
      @Nullable String query,
      @Nullable String tag,
      int page,
      int size) {
    PageResult.check(page, size, 500);
    if (query != null && query.length() > MAX_QUERY) {
      throw Problems.invalid("q", "too_long", "At most " + MAX_QUERY + " characters.");
    }
    List<Contact> all = search(actor, book, query, tag);
    int from = (int) Math.min((long) page * size, all.size());
    int to = Math.min(from + size, all.size());
    return new PageResult<>(all.subList(from, to), page, size, all.size());
  }

  /** Every live contact of a book, in 五十音順. */
  public List<Contact> all(MemberPrincipal actor, Book book) {
    return search(actor, book, null, null);
  }

  /** Tags used in a book with how many contacts carry each, most used first. */
  public Map<String, Integer> tags(MemberPrincipal actor, Book book) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Contact c : all(actor, book)) {
      c.tags().forEach(t -> counts.merge(t, 1, Integer::sum));
    }
    Map<String, Integer> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  public Contact get(MemberPrincipal actor, UUID id) {
    return load(actor, id).contact();
  }

  /** The contact's photo (JPEG or PNG bytes), or 404. */
  public byte[] photo(MemberPrincipal actor, UUID id) {
    byte[] photo = load(actor, id).photo();
    if (photo == null) {
      throw Problems.notFound();
    }
    return photo;
  }

  /** Other contacts in the same book that look like the same person. */
  public List<Contact> duplicates(MemberPrincipal actor, UUID id) {
    ContactStore.Row row = load(actor, id);
    return store.duplicatesOf(actor.tenantId(), row.ownerId(), id, draftOf(row)).stream()
        .map(ContactStore.Row::contact)
        .toList();
  }

  // --- writing ---------------------------------------------------------------------------------

  /** Creates a contact; 422 with field errors; the answer lists likely duplicates. */
  @Transactional
  public Created create(MemberPrincipal actor, Book book, ContactInput input) {
    requireWrite(actor, book);
    ContactDraft draft = valid(input, newUid(), null);
    UUID owner = owner(actor, book);
    List<Contact> duplicates =
        store.duplicatesOf(actor.tenantId(), owner, null, draft).stream()
            .map(ContactStore.Row::contact)
            .toList();
    UUID id = ids.next();
    store.insert(actor.tenantId(), id, owner, draft, actor.memberId(), clock.instant());
    audited(actor, AuditAction.CONTACT_CREATED, id, book, null);
    return new Created(load(actor, id).contact(), duplicates);
  }

  /**
   * Replaces a contact if it is still at {@code expectedVersion} (412 otherwise, 428 when none is
   * given).
   */
  @Transactional
  public Contact replace(
      MemberPrincipal actor, UUID id, ContactInput input, @Nullable Long expectedVersion) {
    ContactStore.Row row = load(actor, id);
    requireWrite(actor, bookOf(row));
    if (expectedVersion == null) {
      throw new ProblemException(
          HttpStatus.PRECONDITION_REQUIRED,
          "precondition-required",
          "Send If-Match with the contact's ETag (or its version) to change it.",
          List.of());
    }
    ContactDraft draft = valid(input, row.contact().uid(), row.photo());
    if (!store.update(actor.tenantId(), id, expectedVersion, draft, clock.instant())) {
      throw stale();
    }
    audited(actor, AuditAction.CONTACT_UPDATED, id, bookOf(row), null);
    return load(actor, id).contact();
  }

  /** Deletes a contact; with an expected version, only if it is still at that version (412). */
  @Transactional
  public void delete(MemberPrincipal actor, UUID id, @Nullable Long expectedVersion) {
    ContactStore.Row row = load(actor, id);
    requireWrite(actor, bookOf(row));
    if (!store.delete(actor.tenantId(), id, expectedVersion, clock.instant())) {
      throw stale();
    }
    audited(actor, AuditAction.CONTACT_DELETED, id, bookOf(row), null);
  }

  /**
   * Merges other contacts of the same book into this one: empty fields are filled, emails, phones
   * and tags united, notes appended; the others are deleted.
   */
  @Transactional
  public Contact merge(
      MemberPrincipal actor, UUID id, List<UUID> from, @Nullable Long expectedVersion) {
    ContactStore.Row target = load(actor, id);
    requireWrite(actor, bookOf(target));
    if (from.isEmpty() || from.size() > 50) {
      throw Problems.invalid("from", "size", "Name 1 to 50 contacts to merge.");
    }
    List<ContactStore.Row> others = new ArrayList<>();
    for (UUID other : new LinkedHashSet<>(from)) {
      if (other.equals(id)) {
        throw Problems.invalid("from", "self", "A contact cannot merge with itself.");
      }
      ContactStore.Row row = load(actor, other);
      if (!sameBook(row, target)) {
        throw Problems.invalid("from", "other_book", "Only contacts of the same book merge.");
      }
      others.add(row);
    }
    ContactDraft merged = draftOf(target);
    for (ContactStore.Row o : others) {
      merged = merge(merged, draftOf(o));
    }
    List<FieldError> errors = new ArrayList<>();
    ContactDraft checked = ContactRules.check(input(merged), merged.uid(), merged.photo(), errors);
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    long version = expectedVersion == null ? target.contact().version() : expectedVersion;
    if (!store.update(actor.tenantId(), id, version, checked, clock.instant())) {
      throw stale();
    }
    for (ContactStore.Row o : others) {
      store.delete(actor.tenantId(), o.contact().id(), null, clock.instant());
    }
    audited(actor, AuditAction.CONTACTS_MERGED, id, bookOf(target), others.size());
    return load(actor, id).contact();
  }

  /**
   * Adds every draft to the book in one transaction: all or nothing. Used by import once every row
   * has been checked.
   */
  @Transactional
  public List<UUID> addAll(MemberPrincipal actor, Book book, List<ContactDraft> drafts) {
    requireWrite(actor, book);
    UUID owner = owner(actor, book);
    Instant now = clock.instant();
    List<UUID> created = new ArrayList<>();
    for (ContactDraft d : drafts) {
      UUID id = ids.next();
      String uid = d.uid().isBlank() ? newUid() : d.uid();
      if (store.findByUid(actor.tenantId(), owner, uid).isPresent()) {
        uid = newUid();
      }
      store.insert(actor.tenantId(), id, owner, d.withUid(uid), actor.memberId(), now);
      created.add(id);
    }
    audited(actor, AuditAction.CONTACTS_IMPORTED, null, book, drafts.size());
    return created;
  }

  /** Records an export of a book (the caller already read it). */
  public void exported(MemberPrincipal actor, Book book, String format, int count) {
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.CONTACTS_EXPORTED)
            .actor(actor.memberId(), actor.loginId())
            .with("book", book.code())
            .with("format", format)
            .with("count", Integer.toString(count)));
  }

  /** Checks a contact as a client sent it; field errors go to {@code errors}. */
  public ContactDraft check(ContactInput input, byte @Nullable [] photo, List<FieldError> errors) {
    return ContactRules.check(input, newUid(), photo, errors);
  }

  /** Existing contacts in the book that a draft would duplicate. */
  public List<Contact> duplicatesOf(MemberPrincipal actor, Book book, ContactDraft draft) {
    return store.duplicatesOf(actor.tenantId(), owner(actor, book), null, draft).stream()
        .map(ContactStore.Row::contact)
        .toList();
  }

  // --- CardDAV (by resource name in a book) ---------------------------------------------------

  /** A contact with its photo, for protocol clients. */
  public record Stored(Contact contact, byte @Nullable [] photo, long changeSeq) {}

  /** A change in a book since a sync point: the contact, or the UID of a deleted one. */
  public record Change(String uid, boolean deleted, @Nullable Stored stored) {}

  /** Every live contact of a book with photos. */
  public List<Stored> stored(MemberPrincipal actor, Book book) {
    return store.search(actor.tenantId(), owner(actor, book), "", "", "", null).stream()
        .map(r -> new Stored(r.contact(), r.photo(), r.changeSeq()))
        .toList();
  }

  public java.util.Optional<Stored> byUid(MemberPrincipal actor, Book book, String uid) {
    return store
        .findByUid(actor.tenantId(), owner(actor, book), uid)
        .map(r -> new Stored(r.contact(), r.photo(), r.changeSeq()));
  }

  /** Live contacts of a book by vCard UID (unknown UIDs are absent); never null. */
  public java.util.Map<String, Stored> byUids(
      MemberPrincipal actor, Book book, java.util.Collection<String> uids) {
    java.util.Map<String, Stored> out = new java.util.HashMap<>();
    for (ContactStore.Row r : store.findByUids(actor.tenantId(), owner(actor, book), uids)) {
      out.put(r.contact().uid(), new Stored(r.contact(), r.photo(), r.changeSeq()));
    }
    return out;
  }

  /** The book's latest change number (its sync token). */
  public long latestChange(MemberPrincipal actor, Book book) {
    return store.latestChange(actor.tenantId(), owner(actor, book));
  }

  /** Changes in a book after a change number, oldest first, deletions included. */
  public List<Change> changesSince(MemberPrincipal actor, Book book, long after) {
    return store.changesSince(actor.tenantId(), owner(actor, book), after).stream()
        .map(
            c ->
                new Change(
                    c.uid(),
                    c.deleted(),
                    c.row() == null
                        ? null
                        : new Stored(c.row().contact(), c.row().photo(), c.row().changeSeq())))
        .toList();
  }

  /**
   * Creates or replaces the contact named {@code uid} in the book. {@code ifMatch} (a version) must
   * match an existing contact; {@code createOnly} refuses to replace one (412 either way).
   */
  @Transactional
  public Stored putByUid(
      MemberPrincipal actor,
      Book book,
      String uid,
      ContactInput input,
      byte @Nullable [] photo,
      @Nullable Long ifMatch,
      boolean createOnly) {
    requireWrite(actor, book);
    UUID owner = owner(actor, book);
    var existing = store.findByUid(actor.tenantId(), owner, uid);
    if ((createOnly && existing.isPresent()) || (ifMatch != null && existing.isEmpty())) {
      throw stale();
    }
    ContactDraft draft = valid(input, uid, photo);
    UUID id;
    if (existing.isPresent()) {
      id = existing.get().contact().id();
      long version = ifMatch == null ? existing.get().contact().version() : ifMatch;
      if (!store.update(actor.tenantId(), id, version, draft, clock.instant())) {
        throw stale();
      }
      audited(actor, AuditAction.CONTACT_UPDATED, id, book, null);
    } else {
      id = ids.next();
      store.insert(actor.tenantId(), id, owner, draft, actor.memberId(), clock.instant());
      audited(actor, AuditAction.CONTACT_CREATED, id, book, null);
    }
    ContactStore.Row row = load(actor, id);
    return new Stored(row.contact(), row.photo(), row.changeSeq());
  }

  /** Deletes the contact named {@code uid}; 404 when there is none, 412 on a version mismatch. */
  @Transactional
  public void deleteByUid(MemberPrincipal actor, Book book, String uid, @Nullable Long ifMatch) {
    requireWrite(actor, book);
    ContactStore.Row row =
        store.findByUid(actor.tenantId(), owner(actor, book), uid).orElseThrow(Problems::notFound);
    if (!store.delete(actor.tenantId(), row.contact().id(), ifMatch, clock.instant())) {
      throw stale();
    }
    audited(actor, AuditAction.CONTACT_DELETED, row.contact().id(), book, null);
  }

  // --- helpers ---------------------------------------------------------------------------------

  private List<Contact> search(
      MemberPrincipal actor, Book book, @Nullable String query, @Nullable String tag) {
    String text = "";
    String romaji = "";
    String digits = "";
    if (query != null && !query.isBlank()) {
      text = DirectoryText.fold(query);
      if (text.chars().allMatch(c -> c < 0x80) && text.chars().anyMatch(Character::isLetter)) {
        romaji = DirectoryText.foldRomaji(query);
      }
      if (DirectoryText.isPhoneLike(query)) {
        digits = DirectoryText.digits(query);
      }
    }
    String t = tag == null || tag.isBlank() ? null : tag.strip();
    List<ContactStore.Row> rows =
        store.search(actor.tenantId(), owner(actor, book), text, romaji, digits, t);
    record Keyed(CollationKey key, Contact c) {}
    return rows.stream()
        .map(r -> new Keyed(DirectoryText.sortKey(r.contact().sortReading()), r.contact()))
        .sorted(
            Comparator.comparing(Keyed::key)
                .thenComparing(k -> k.c().displayName())
                .thenComparing(k -> k.c().id()))
        .map(Keyed::c)
        .toList();
  }

  private ContactStore.Row load(MemberPrincipal actor, UUID id) {
    return store.find(actor.tenantId(), id, actor.memberId()).orElseThrow(Problems::notFound);
  }

  private ContactDraft valid(ContactInput input, String uid, byte @Nullable [] photo) {
    List<FieldError> errors = new ArrayList<>();
    ContactDraft d = ContactRules.check(input, uid, photo, errors);
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return d;
  }

  private void requireWrite(MemberPrincipal actor, Book book) {
    if (!mayWrite(actor, book)) {
      throw Problems.forbidden("Only admins may change the shared address book.");
    }
  }

  private static void requireAdmin(MemberPrincipal actor) {
    if (!isAdmin(actor)) {
      throw Problems.forbidden("You need an admin role for this.");
    }
  }

  private static boolean isAdmin(MemberPrincipal actor) {
    return actor.hasAny(Role.SUPER_ADMIN, Role.MEMBER_ADMIN);
  }

  private boolean membersMayEditShared(UUID tenant) {
    return jdbc.sql("SELECT members_edit_shared FROM contact_setting WHERE tenant_id = ?")
        .param(tenant)
        .query(Boolean.class)
        .optional()
        .orElse(false);
  }

  private boolean membersMayCollect(UUID tenant) {
    return jdbc.sql("SELECT members_collect_mail FROM contact_setting WHERE tenant_id = ?")
        .param(tenant)
        .query(Boolean.class)
        .optional()
        .orElse(true);
  }

  private static @Nullable UUID owner(MemberPrincipal actor, Book book) {
    return book == Book.SHARED ? null : actor.memberId();
  }

  private static Book bookOf(ContactStore.Row row) {
    return row.ownerId() == null ? Book.SHARED : Book.PERSONAL;
  }

  private static boolean sameBook(ContactStore.Row a, ContactStore.Row b) {
    return a.ownerId() == null ? b.ownerId() == null : a.ownerId().equals(b.ownerId());
  }

  private static ProblemException stale() {
    return new ProblemException(
        HttpStatus.PRECONDITION_FAILED,
        "stale",
        "The contact changed since you read it; reload and try again.",
        List.of());
  }

  private String newUid() {
    return ids.next().toString();
  }

  private void audited(
      MemberPrincipal actor,
      AuditAction action,
      @Nullable UUID id,
      Book book,
      @Nullable Integer count) {
    AuditRecord r =
        AuditRecord.of(actor.tenantId(), action)
            .actor(actor.memberId(), actor.loginId())
            .with("book", book.code());
    if (id != null) {
      r = r.target("contact", id);
    }
    if (count != null) {
      r = r.with("count", Integer.toString(count));
    }
    audit.record(r);
  }

  static ContactDraft draftOf(ContactStore.Row row) {
    Contact c = row.contact();
    return new ContactDraft(
        c.uid(),
        c.displayName(),
        c.familyName(),
        c.givenName(),
        c.familyNameReading(),
        c.givenNameReading(),
        c.company(),
        c.companyReading(),
        c.department(),
        c.title(),
        c.emails(),
        c.phones(),
        c.address(),
        c.notes(),
        c.tags(),
        row.photo());
  }

  private static ContactInput input(ContactDraft d) {
    return new ContactInput(
        d.displayName(),
        d.familyName(),
        d.givenName(),
        d.familyNameReading(),
        d.givenNameReading(),
        d.company(),
        d.companyReading(),
        d.department(),
        d.title(),
        d.emails(),
        d.phones(),
        d.address(),
        d.notes(),
        d.tags(),
        null);
  }

  private static ContactDraft merge(ContactDraft a, ContactDraft b) {
    Map<String, Contact.Email> emails = new LinkedHashMap<>();
    for (Contact.Email e : concat(a.emails(), b.emails())) {
      emails.putIfAbsent(e.value().toLowerCase(Locale.ROOT), e);
    }
    Map<String, Contact.Phone> phones = new LinkedHashMap<>();
    for (Contact.Phone p : concat(a.phones(), b.phones())) {
      phones.putIfAbsent(DirectoryText.digits(p.value()), p);
    }
    Set<String> tags = new LinkedHashSet<>(a.tags());
    tags.addAll(b.tags());
    String notes =
        b.notes().isBlank() || a.notes().contains(b.notes())
            ? a.notes()
            : a.notes().isBlank() ? b.notes() : a.notes() + "\n\n" + b.notes();
    return new ContactDraft(
        a.uid(),
        or(a.displayName(), b.displayName()),
        or(a.familyName(), b.familyName()),
        or(a.givenName(), b.givenName()),
        or(a.familyNameReading(), b.familyNameReading()),
        or(a.givenNameReading(), b.givenNameReading()),
        or(a.company(), b.company()),
        or(a.companyReading(), b.companyReading()),
        or(a.department(), b.department()),
        or(a.title(), b.title()),
        limit(new ArrayList<>(emails.values()), ContactRules.MAX_EMAILS),
        limit(new ArrayList<>(phones.values()), ContactRules.MAX_PHONES),
        a.address().isEmpty() ? b.address() : a.address(),
        notes.length() > 10000 ? notes.substring(0, 10000) : notes,
        limit(new ArrayList<>(tags), ContactRules.MAX_TAGS),
        a.photo() != null ? a.photo() : b.photo());
  }

  private static <T> List<T> limit(List<T> list, int max) {
    return list.size() <= max ? list : list.subList(0, max);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static String or(String a, String b) {
    return a.isBlank() ? b : a;
  }
}
