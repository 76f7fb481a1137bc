package dev.musubi.identity.internal;

import com.ibm.icu.text.CollationKey;
import dev.musubi.identity.DirectoryText;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The active members of a company with their folded search keys, sorted in 五十音順 by reading. Kept in
 * memory per company and rebuilt when a cheap fingerprint of the member table changes (count,
 * latest update, total length of the searchable columns), so a search does not fold 50,000 names on
 * every keystroke.
 */
@Component
public class DirectoryIndex {

  /** One active member with the keys the search compares against. */
  public record Entry(
      UUID id,
      String loginId,
      String displayName,
      String familyName,
      String givenName,
      String familyNameReading,
      String givenNameReading,
      String nameRomaji,
      String email,
      String phone,
      String extension,
      String office,
      String title,
      @Nullable UUID managerId,
      String textKey,
      String romajiKey,
      String digitKey,
      CollationKey sortKey) {

    /** True when the query (already split into folded forms) matches this member. */
    public boolean matches(Query q) {
      if (!q.text().isEmpty() && textKey.contains(q.text())) {
        return true;
      }
      if (!q.romaji().isEmpty() && romajiKey.contains(q.romaji())) {
        return true;
      }
      return !q.digits().isEmpty() && digitKey.contains(q.digits());
    }
  }

  /** A search query in its folded forms; empty forms never match. */
  public record Query(String text, String romaji, String digits) {
    public static Query of(String raw) {
      String text = DirectoryText.fold(raw);
      boolean latin = text.chars().allMatch(c -> c < 0x80);
      String romaji =
          latin && text.chars().anyMatch(Character::isLetter) ? DirectoryText.foldRomaji(raw) : "";
      String digits = DirectoryText.isPhoneLike(raw) ? DirectoryText.digits(raw) : "";
      return new Query(text, romaji, digits);
    }
  }

  private record Stamp(long count, @Nullable OffsetDateTime latest, long length) {}

  private record Snapshot(Stamp stamp, List<Entry> entries) {}

  private static final int MAX_COMPANIES = 64;

  private final JdbcClient jdbc;
  private final Map<UUID, Snapshot> cache =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Snapshot> eldest) {
              return size() > MAX_COMPANIES;
            }
          });

  DirectoryIndex(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The company's active members in 五十音順; never null. */
  public List<Entry> members(UUID tenantId) {
    Stamp stamp = stamp(tenantId);
    Snapshot s = cache.get(tenantId);
    if (s != null && s.stamp().equals(stamp)) {
      return s.entries();
    }
    List<Entry> entries = load(tenantId);
    cache.put(tenantId, new Snapshot(stamp, entries));
    return entries;
  }

  private Stamp stamp(UUID tenantId) {
    return jdbc.sql(
            "SELECT COUNT(*) AS n, MAX(updated_at) AS latest, COALESCE(SUM(LENGTH(display_name)"
                + " + LENGTH(family_name) + LENGTH(given_name) + LENGTH(family_name_reading)"
                + " + LENGTH(given_name_reading) + LENGTH(email) + LENGTH(phone)"
                + " + LENGTH(extension) + LENGTH(office) + LENGTH(job_title)"
                + " + LENGTH(name_romaji)), 0) AS len"
                + " FROM member WHERE tenant_id = ? AND status = 'ACTIVE'")
        .param(tenantId)
        .query(
            (rs, n) ->
                new Stamp(
                    rs.getLong("n"),
                    rs.getObject("latest", OffsetDateTime.class),
                    rs.getLong("len")))
        .single();
  }

  private List<Entry> load(UUID tenantId) {
    List<Entry> list =
        new ArrayList<>(
            jdbc.sql(
                    "SELECT id, login_id, display_name, family_name, given_name,"
                        + " family_name_reading, given_name_reading, email, phone, extension,"
                        + " office, job_title, name_romaji, manager_id FROM member"
                        + " WHERE tenant_id = ? AND status = 'ACTIVE'")
                .param(tenantId)
                .query(
                    (rs, n) ->
                        entry(
                            rs.getObject("id", UUID.class),
                            rs.getString("login_id"),
                            rs.getString("display_name"),
                            rs.getString("family_name"),
                            rs.getString("given_name"),
                            rs.getString("family_name_reading"),
                            rs.getString("given_name_reading"),
                            rs.getString("email"),
                            rs.getString("phone"),
                            rs.getString("extension"),
                            rs.getString("office"),
                            rs.getString("job_title"),
                            rs.getString("name_romaji"),
                            rs.getObject("manager_id", UUID.class)))
                .list());
    list.sort(
        Comparator.comparing(Entry::sortKey)
            .thenComparing(Entry::displayName)
            .thenComparing(Entry::loginId));
    return List.copyOf(list);
  }

  static Entry entry(
      UUID id,
      String loginId,
      String displayName,
      String familyName,
      String givenName,
      String familyReading,
      String givenReading,
      String email,
      String phone,
      String extension,
      String office,
      String title,
      String romajiOverride,
      @Nullable UUID managerId) {
    String romaji =
        romajiOverride.isBlank()
            ? (DirectoryText.romaji(familyReading) + " " + DirectoryText.romaji(givenReading))
                .strip()
            : romajiOverride.strip();
    String textKey =
        String.join(
            "\u0000",
            DirectoryText.fold(displayName),
            DirectoryText.fold(familyName + givenName),
            DirectoryText.fold(givenName + familyName),
            DirectoryText.fold(familyReading + givenReading),
            DirectoryText.fold(givenReading + familyReading),
            DirectoryText.fold(email),
            DirectoryText.fold(loginId));
    String fr = DirectoryText.romaji(familyReading);
    String gr = DirectoryText.romaji(givenReading);
    String romajiKey =
        String.join(
            "\u0000",
            fr + gr,
            gr + fr,
            DirectoryText.foldRomaji(romajiOverride),
            DirectoryText.foldRomaji(displayName));
    String digitKey =
        String.join("\u0000", DirectoryText.digits(phone), DirectoryText.digits(extension));
    String reading = familyReading + givenReading;
    return new Entry(
        id,
        loginId,
        displayName,
        familyName,
        givenName,
        familyReading,
        givenReading,
        romajiDisplay(romaji),
        email,
        phone,
        extension,
        office,
        title,
        managerId,
        textKey,
        romajiKey,
        digitKey,
        DirectoryText.sortKey(reading.isBlank() ? displayName : reading));
  }

  /** The romaji to show: ICU output with macrons and apostrophes kept out, words capitalised. */
  private static String romajiDisplay(String romaji) {
    StringBuilder out = new StringBuilder();
    for (String word : romaji.split("\\s+")) {
      if (word.isEmpty()) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append(' ');
      }
      out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
    }
    return Objects.requireNonNull(out.toString());
  }
}
