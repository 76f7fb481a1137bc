package dev.musubi.mail.imap;

import dev.musubi.mail.Mailboxes;
import dev.musubi.mail.Mailboxes.ImapMessage;
import dev.musubi.mail.imap.codec.MimeStructure;
import dev.musubi.mail.imap.codec.SearchKey;
import dev.musubi.mail.internal.HtmlSanitizer;
import dev.musubi.mail.internal.MimeParser;
import dev.musubi.mail.internal.ParsedMail;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates a SEARCH key against one message at a time (RFC 3501 §6.4.4): flags, sizes and dates
 * from the stored row, FROM/TO/CC/BCC/SUBJECT from the stored decoded headers, and HEADER, BODY and
 * TEXT from the decoded message, read only when a key needs it. Text matches after NFKC and case
 * folding, so full-width and half-width Japanese and Latin match each other.
 */
final class SearchMatcher {

  private final SearchKey key;
  private final long[] uids;
  private final long[] saved;
  private final ZoneId zone;
  private final Function<ImapMessage, byte[]> content;
  private final boolean usesModseq;

  private @Nullable UUID cachedId;
  private byte @Nullable [] cachedRaw;
  private @Nullable ParsedMail cachedParsed;

  /**
   * @param uids the mailbox's UIDs, ascending (sequence numbers and {@code *})
   * @param saved the UIDs {@code $} names (RFC 5182), ascending
   */
  SearchMatcher(
      SearchKey key,
      long[] uids,
      long[] saved,
      ZoneId zone,
      Function<ImapMessage, byte[]> content) {
    this.key = key;
    this.uids = uids;
    this.saved = saved;
    this.zone = zone;
    this.content = content;
    this.usesModseq = uses(key);
  }

  boolean usesModseq() {
    return usesModseq;
  }

  boolean matches(ImapMessage m, int seq) {
    cachedId = null;
    cachedRaw = null;
    cachedParsed = null;
    return matches(key, m, seq);
  }

  private boolean matches(SearchKey k, ImapMessage m, int seq) {
    return switch (k) {
      case SearchKey.All a -> true;
      case SearchKey.Flag f -> flag(m, f.flag()) == f.set();
      case SearchKey.Keyword w -> m.hasKeyword(w.keyword()) == w.set();
      case SearchKey.Header h -> header(m, h.field(), h.text());
      case SearchKey.Text t -> text(m, t.includeHeader(), t.text());
      case SearchKey.Date d -> date(m, d);
      case SearchKey.Size s -> s.larger() ? m.size() > s.octets() : m.size() < s.octets();
      case SearchKey.Uid u ->
          u.set().contains(m.uid(), uids.length == 0 ? 0 : uids[uids.length - 1]);
      case SearchKey.Seq s -> s.set().contains(seq, uids.length);
      case SearchKey.ModSeq s -> m.modseq() >= s.modseq();
      case SearchKey.Saved s -> java.util.Arrays.binarySearch(saved, m.uid()) >= 0;
      case SearchKey.Not n -> !matches(n.key(), m, seq);
      case SearchKey.Or o -> matches(o.left(), m, seq) || matches(o.right(), m, seq);
      case SearchKey.And a -> {
        for (SearchKey x : a.keys()) {
          if (!matches(x, m, seq)) {
            yield false;
          }
        }
        yield true;
      }
    };
  }

  private static boolean flag(ImapMessage m, String flag) {
    return switch (flag) {
      case "seen" -> m.seen();
      case "answered" -> m.answered();
      case "flagged" -> m.flagged();
      case "deleted" -> m.deleted();
      case "draft" -> m.draft();
      default -> false; // \Recent is never set: no session is the first to see a message.
    };
  }

  private boolean header(ImapMessage m, String field, String text) {
    String needle = fold(text);
    String haystack =
        switch (field) {
          case "from" -> m.from();
          case "to" -> m.to();
          case "cc" -> m.cc();
          case "bcc" -> m.bcc();
          case "subject" -> m.subject();
          default -> {
            String value = MimeStructure.headerValue(raw(m), field);
            if (value == null) {
              yield null;
            }
            yield MimeParser.header(value);
          }
        };
    // RFC 3501 §6.4.4: HEADER with an empty string matches every message with the field.
    return haystack != null && fold(haystack).contains(needle);
  }

  private boolean text(ImapMessage m, boolean includeHeader, String text) {
    String needle = fold(text);
    ParsedMail p = parsed(m);
    String body = p.text().isEmpty() ? HtmlSanitizer.text(p.html()) : p.text();
    if (fold(body).contains(needle)) {
      return true;
    }
    for (ParsedMail.Attachment a : p.attachments()) {
      if (fold(a.name()).contains(needle)) {
        return true;
      }
    }
    if (!includeHeader) {
      return false;
    }
    byte[] raw = raw(m);
    String headers = MimeStructure.headerText(raw);
    return fold(MimeParser.header(headers)).contains(needle)
        || fold(m.subject() + " " + m.from() + " " + m.to() + " " + m.cc()).contains(needle);
  }

  private boolean date(ImapMessage m, SearchKey.Date d) {
    LocalDate day = (d.sent() ? m.sentDate() : m.internalDate()).atZone(zone).toLocalDate();
    return switch (d.relation()) {
      case "BEFORE" -> day.isBefore(d.date());
      case "ON" -> day.isEqual(d.date());
      default -> !day.isBefore(d.date());
    };
  }

  private byte[] raw(ImapMessage m) {
    if (cachedRaw == null || !m.id().equals(cachedId)) {
      cachedRaw = content.apply(m);
      cachedId = m.id();
      cachedParsed = null;
    }
    return cachedRaw;
  }

  private ParsedMail parsed(ImapMessage m) {
    byte[] raw = raw(m);
    if (cachedParsed == null) {
      try {
        cachedParsed = MimeParser.parse(new ByteArrayInputStream(raw));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return cachedParsed;
  }

  /**
   * What the database can check before this matcher does: the SUBJECT texts and flags that every
   * match must have (top-level keys of the search; OR and NOT are left to the matcher). A superset
   * of the matches, never fewer.
   */
  static Mailboxes.ImapFilter filter(SearchKey key) {
    List<SearchKey> all = key instanceof SearchKey.And a ? a.keys() : List.of(key);
    List<String> subjects = new ArrayList<>();
    Set<String> set = new HashSet<>();
    Set<String> unset = new HashSet<>();
    for (SearchKey k : all) {
      switch (k) {
        case SearchKey.Header h when h.field().equals("subject") -> subjects.add(fold(h.text()));
        case SearchKey.Flag f when Mailboxes.IMAP_FLAGS.contains(f.flag()) ->
            (f.set() ? set : unset).add(f.flag());
        default -> {}
      }
    }
    return new Mailboxes.ImapFilter(subjects, set, unset);
  }

  /**
   * Whether {@link #filter} says all of the search: every top-level key is a SUBJECT text, a system
   * flag or ALL. Its matches are then the filter's, with nothing left for the matcher.
   */
  static boolean filterIsWhole(SearchKey key) {
    List<SearchKey> all = key instanceof SearchKey.And a ? a.keys() : List.of(key);
    for (SearchKey k : all) {
      boolean covered =
          switch (k) {
            case SearchKey.Header h -> h.field().equals("subject");
            case SearchKey.Flag f -> Mailboxes.IMAP_FLAGS.contains(f.flag());
            case SearchKey.All a -> true;
            default -> false;
          };
      if (!covered) {
        return false;
      }
    }
    return true;
  }

  static String fold(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
  }

  private static boolean uses(SearchKey k) {
    return switch (k) {
      case SearchKey.ModSeq m -> true;
      case SearchKey.Not n -> uses(n.key());
      case SearchKey.Or o -> uses(o.left()) || uses(o.right());
      case SearchKey.And a -> a.keys().stream().anyMatch(SearchMatcher::uses);
      default -> false;
    };
  }
}
