package dev.musubi.contacts.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.contacts.Book;
import dev.musubi.contacts.Contact;
import dev.musubi.identity.DirectoryText;
import dev.musubi.platform.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Contact rows. A book is (tenant, owner): owner NULL is the company's shared book. Every query
 * names the tenant and the book; nothing here decides who may do what.
 */
@Component
public class ContactStore {

  private static final int UID_CHUNK = 500;

  /** A stored contact with what sync needs besides the public view. */
  public record Row(
      Contact contact, @Nullable UUID ownerId, long changeSeq, byte @Nullable [] photo) {}

  /** A change since a sync point: the contact, or a tombstone with only uid and sequence. */
  public record Change(String uid, long changeSeq, boolean deleted, @Nullable Row row) {}

  private static final TypeReference<List<Contact.Email>> EMAILS = new TypeReference<>() {};
  private static final TypeReference<List<Contact.Phone>> PHONES = new TypeReference<>() {};
  private static final TypeReference<List<String>> TAGS = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;

  ContactStore(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** The next value of the change sequence (sync tokens). */
  public long nextChange() {
    return jdbc.sql("SELECT nextval('contact_change_seq')").query(Long.class).single();
  }

  /** The latest change in a book (including deletions), or 0. */
  public long latestChange(UUID tenant, @Nullable UUID owner) {
    return jdbc.sql(
            "SELECT COALESCE(MAX(change_seq), 0) FROM contact WHERE tenant_id = ? AND "
                + ownerClause(owner))
        .params(params(tenant, owner))
        .query(Long.class)
        .single();
  }

  public void insert(
      UUID tenant, UUID id, @Nullable UUID owner, ContactDraft d, @Nullable UUID by, Instant now) {
    long seq = nextChange();
    jdbc.sql(
            "INSERT INTO contact (id, tenant_id, owner_id, uid, display_name, family_name,"
                + " given_name, family_name_reading, given_name_reading, company, company_reading,"
                + " department, title, emails, phones, postal_code, region, locality, street,"
                + " country, notes, tags, photo, text_key, romaji_key, digit_key, email_key,"
                + " name_key, version, change_seq, created_by, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)")
        .params(
            concat(
                List.of(id, tenant),
                nullable(owner),
                List.of(d.uid()),
                fields(d),
                nullable(d.photo()),
                keys(d),
                List.of(seq),
                nullable(by),
                List.of(ts(now), ts(now))))
        .update();
  }

  /** Replaces a contact if it is still at {@code expectedVersion}; false if it was not. */
  public boolean update(UUID tenant, UUID id, long expectedVersion, ContactDraft d, Instant now) {
    long seq = nextChange();
    List<Object> p = new ArrayList<>(fields(d));
    p.addAll(nullable(d.photo()));
    p.addAll(keys(d));
    p.add(seq);
    p.add(ts(now));
    p.add(tenant);
    p.add(id);
    p.add(expectedVersion);
    return jdbc.sql(
                "UPDATE contact SET display_name = ?, family_name = ?, given_name = ?,"
                    + " family_name_reading = ?, given_name_reading = ?, company = ?,"
                    + " company_reading = ?, department = ?, title = ?, emails = ?, phones = ?,"
                    + " postal_code = ?, region = ?, locality = ?, street = ?, country = ?,"
                    + " notes = ?, tags = ?, photo = ?, text_key = ?, romaji_key = ?,"
                    + " digit_key = ?, email_key = ?, name_key = ?, version = version + 1,"
                    + " change_seq = ?, updated_at = ? WHERE tenant_id = ? AND id = ?"
                    + " AND version = ? AND deleted_at IS NULL")
            .params(p)
            .update()
        == 1;
  }

  /** Marks a contact deleted (a tombstone for sync) if still at the version; false otherwise. */
  public boolean delete(UUID tenant, UUID id, @Nullable Long expectedVersion, Instant now) {
    long seq = nextChange();
    List<Object> p = new ArrayList<>(List.of(ts(now), seq, ts(now), tenant, id));
    String versionClause = "";
    if (expectedVersion != null) {
      versionClause = " AND version = ?";
      p.add(expectedVersion);
    }
    return jdbc.sql(
                "UPDATE contact SET deleted_at = ?, change_seq = ?, updated_at = ?, photo = NULL,"
                    + " emails = '[]', phones = '[]', notes = '', text_key = '', romaji_key = '',"
                    + " digit_key = '', email_key = '', name_key = ''"
                    + " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL"
                    + versionClause)
            .params(p)
            .update()
        == 1;
  }

  /** A live contact in the caller's reach: the shared book or the caller's own. */
  public Optional<Row> find(UUID tenant, UUID id, UUID caller) {
    return jdbc.sql(
            "SELECT * FROM contact WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL"
                + " AND (owner_id IS NULL OR owner_id = ?)")
        .params(tenant, id, caller)
        .query(this::row)
        .optional();
  }

  /** A live contact in a book by its vCard UID. */
  public Optional<Row> findByUid(UUID tenant, @Nullable UUID owner, String uid) {
    return jdbc.sql(
            "SELECT * FROM contact WHERE tenant_id = ? AND "
                + ownerClause(owner)
                + " AND uid = ? AND deleted_at IS NULL")
        .params(concat(params(tenant, owner), List.of(uid)))
        .query(this::row)
        .optional();
  }

  /**
   * Live contacts of a book by their vCard UIDs (unknown ones are left out), read in chunks of a
   * few hundred so that a CardDAV multiget costs a handful of queries instead of one per card.
   */
  public List<Row> findByUids(UUID tenant, @Nullable UUID owner, Collection<String> uids) {
    List<String> all = List.copyOf(new LinkedHashSet<>(uids));
    List<Row> out = new ArrayList<>();
    for (int from = 0; from < all.size(); from += UID_CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + UID_CHUNK));
      out.addAll(
          jdbc.sql(
                  "SELECT * FROM contact WHERE tenant_id = ? AND "
                      + ownerClause(owner)
                      + " AND uid IN ("
                      + String.join(", ", Collections.nCopies(chunk.size(), "?"))
                      + ") AND deleted_at IS NULL")
              .params(concat(params(tenant, owner), chunk))
              .query(this::row)
              .list());
    }
    return out;
  }

  /**
   * Live contacts of a book matching the folded query forms (any may be empty; all empty means
   * everything) and a tag.
   */
  public List<Row> search(
      UUID tenant,
      @Nullable UUID owner,
      String text,
      String romaji,
      String digits,
      @Nullable String tag) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT * FROM contact WHERE tenant_id = ? AND "
                + ownerClause(owner)
                + " AND deleted_at IS NULL");
    List<Object> p = new ArrayList<>(params(tenant, owner));
    List<String> ors = new ArrayList<>();
    if (!text.isEmpty()) {
      ors.add("text_key LIKE ? ESCAPE '\\'");
      p.add(Jdbc.likeContains(text));
    }
    if (!romaji.isEmpty()) {
      ors.add("romaji_key LIKE ? ESCAPE '\\'");
      p.add(Jdbc.likeContains(romaji));
    }
    if (!digits.isEmpty()) {
      ors.add("digit_key LIKE ? ESCAPE '\\'");
      p.add(Jdbc.likeContains(digits));
    }
    if (!ors.isEmpty()) {
      sql.append(" AND (").append(String.join(" OR ", ors)).append(")");
    }
    if (tag != null) {
      sql.append(" AND tags LIKE ? ESCAPE '\\'");
      p.add(Jdbc.likeContains(json.writeValueAsString(tag)));
    }
    List<Row> rows = jdbc.sql(sql.toString()).params(p).query(this::row).list();
    if (tag == null) {
      return rows;
    }
    return rows.stream().filter(r -> r.contact().tags().contains(tag)).toList();
  }

  /** True when a live contact in the member's personal book or the shared book has the email. */
  public boolean seenEmail(UUID tenant, UUID member, String email) {
    return jdbc.sql(
                "SELECT COUNT(*) FROM contact WHERE tenant_id = ?"
                    + " AND (owner_id = ? OR owner_id IS NULL) AND deleted_at IS NULL"
                    + " AND email_key LIKE ? ESCAPE '\\'")
            .params(tenant, member, Jdbc.likeContains("," + email.toLowerCase(Locale.ROOT) + ","))
            .query(Long.class)
            .single()
        > 0;
  }

  /** Live contacts in the same book sharing an email, or the same name and company. */
  public List<Row> duplicatesOf(
      UUID tenant, @Nullable UUID owner, @Nullable UUID except, ContactDraft d) {
    List<String> ors = new ArrayList<>();
    List<Object> p = new ArrayList<>(params(tenant, owner));
    for (Contact.Email e : d.emails()) {
      ors.add("email_key LIKE ? ESCAPE '\\'");
      p.add(Jdbc.likeContains("," + e.value().toLowerCase(Locale.ROOT) + ","));
    }
    String nameKey = nameKey(d);
    if (!nameKey.isEmpty()) {
      ors.add("name_key = ?");
      p.add(nameKey);
    }
    if (ors.isEmpty()) {
      return List.of();
    }
    String not = "";
    if (except != null) {
      not = " AND id <> ?";
      p.add(except);
    }
    return jdbc.sql(
            "SELECT * FROM contact WHERE tenant_id = ? AND "
                + ownerClause(owner)
                + " AND deleted_at IS NULL AND ("
                + String.join(" OR ", ors)
                + ")"
                + not
                + " ORDER BY created_at LIMIT 20")
        .params(p)
        .query(this::row)
        .list();
  }

  /** Changes in a book after a sequence number, tombstones included, oldest first. */
  public List<Change> changesSince(UUID tenant, @Nullable UUID owner, long after) {
    return jdbc.sql(
            "SELECT * FROM contact WHERE tenant_id = ? AND "
                + ownerClause(owner)
                + " AND change_seq > ? ORDER BY change_seq")
        .params(concat(params(tenant, owner), List.of(after)))
        .query(
            (rs, n) -> {
              boolean deleted = rs.getObject("deleted_at") != null;
              return new Change(
                  rs.getString("uid"),
                  rs.getLong("change_seq"),
                  deleted,
                  deleted ? null : row(rs, n));
            })
        .list();
  }

  // ------------------------------------------------------------------------------------------

  private Row row(ResultSet rs, int n) throws SQLException {
    UUID owner = rs.getObject("owner_id", UUID.class);
    byte[] photo = rs.getBytes("photo");
    Contact c =
        new Contact(
            rs.getObject("id", UUID.class),
            (owner == null ? Book.SHARED : Book.PERSONAL).code(),
            rs.getString("uid"),
            rs.getString("display_name"),
            rs.getString("family_name"),
            rs.getString("given_name"),
            rs.getString("family_name_reading"),
            rs.getString("given_name_reading"),
            rs.getString("company"),
            rs.getString("company_reading"),
            rs.getString("department"),
            rs.getString("title"),
            json.readValue(rs.getString("emails"), EMAILS),
            json.readValue(rs.getString("phones"), PHONES),
            new Contact.Address(
                rs.getString("postal_code"),
                rs.getString("region"),
                rs.getString("locality"),
                rs.getString("street"),
                rs.getString("country")),
            rs.getString("notes"),
            json.readValue(rs.getString("tags"), TAGS),
            photo != null,
            rs.getLong("version"),
            Jdbc.requiredInstant(rs, "created_at"),
            Jdbc.requiredInstant(rs, "updated_at"));
    return new Row(c, owner, rs.getLong("change_seq"), photo);
  }

  private List<Object> fields(ContactDraft d) {
    return List.of(
        d.displayName(),
        d.familyName(),
        d.givenName(),
        d.familyNameReading(),
        d.givenNameReading(),
        d.company(),
        d.companyReading(),
        d.department(),
        d.title(),
        json.writeValueAsString(d.emails()),
        json.writeValueAsString(d.phones()),
        d.address().postalCode(),
        d.address().region(),
        d.address().locality(),
        d.address().street(),
        d.address().country(),
        d.notes(),
        json.writeValueAsString(d.tags()));
  }

  /** Folded search keys, as the directory folds them (see {@link DirectoryText}). */
  static List<Object> keys(ContactDraft d) {
    Set<String> text = new LinkedHashSet<>();
    text.add(DirectoryText.fold(d.displayName()));
    text.add(DirectoryText.fold(d.familyName() + d.givenName()));
    text.add(DirectoryText.fold(d.givenName() + d.familyName()));
    text.add(DirectoryText.fold(d.familyNameReading() + d.givenNameReading()));
    text.add(DirectoryText.fold(d.givenNameReading() + d.familyNameReading()));
    text.add(DirectoryText.fold(d.company()));
    text.add(DirectoryText.fold(d.companyReading()));
    text.add(DirectoryText.fold(d.department()));
    text.add(DirectoryText.fold(d.title()));
    d.emails().forEach(e -> text.add(DirectoryText.fold(e.value())));
    d.tags().forEach(t -> text.add(DirectoryText.fold(t)));
    String fr = DirectoryText.romaji(d.familyNameReading());
    String gr = DirectoryText.romaji(d.givenNameReading());
    Set<String> romaji = new LinkedHashSet<>();
    romaji.add(fr + gr);
    romaji.add(gr + fr);
    romaji.add(DirectoryText.romaji(d.companyReading()));
    romaji.add(DirectoryText.foldRomaji(d.displayName()));
    romaji.add(DirectoryText.foldRomaji(d.company()));
    Set<String> digits = new LinkedHashSet<>();
    d.phones().forEach(ph -> digits.add(DirectoryText.digits(ph.value())));
    StringBuilder emails = new StringBuilder(",");
    d.emails().forEach(e -> emails.append(e.value().toLowerCase(Locale.ROOT)).append(','));
    return List.of(
        clip(String.join("\u0001", text), 8000),
        clip(String.join("\u0001", romaji), 2000),
        clip(String.join("\u0001", digits), 1000),
        clip(emails.toString(), 4000),
        nameKey(d));
  }

  /** Same person: folded name plus folded company; empty when the contact has no person name. */
  static String nameKey(ContactDraft d) {
    String name = DirectoryText.fold(d.familyName() + d.givenName());
    if (name.isEmpty()) {
      return "";
    }
    return clip(name + "|" + DirectoryText.fold(d.company()), 600);
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static String ownerClause(@Nullable UUID owner) {
    return owner == null ? "owner_id IS NULL" : "owner_id = ?";
  }

  private static List<Object> params(UUID tenant, @Nullable UUID owner) {
    return owner == null ? List.of(tenant) : List.of(tenant, owner);
  }

  private static List<Object> nullable(@Nullable Object value) {
    List<Object> l = new ArrayList<>(1);
    l.add(value);
    return l;
  }

  @SafeVarargs
  private static List<Object> concat(List<? extends Object>... parts) {
    List<Object> out = new ArrayList<>();
    for (List<? extends Object> p : parts) {
      out.addAll(p);
    }
    return out;
  }
}
