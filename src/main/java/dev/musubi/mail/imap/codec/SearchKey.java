package dev.musubi.mail.imap.codec;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A SEARCH criterion (RFC 3501 §6.4.4), with RFC 7162 MODSEQ and RFC 5182 {@code $}. */
public sealed interface SearchKey {

  record All() implements SearchKey {}

  /** A system flag ({@code seen}, {@code answered}, …) set or not; {@code recent} is never set. */
  record Flag(String flag, boolean set) implements SearchKey {}

  /** KEYWORD and UNKEYWORD: whether the message carries the keyword (any case). */
  record Keyword(String keyword, boolean set) implements SearchKey {}

  /** FROM, TO, CC, BCC, SUBJECT or HEADER name: the field contains the text. */
  record Header(String field, String text) implements SearchKey {}

  /** BODY (body only) or TEXT (header and body) contains the text. */
  record Text(boolean includeHeader, String text) implements SearchKey {}

  /** BEFORE/ON/SINCE on the internal date, or SENTBEFORE/SENTON/SENTSINCE on the Date header. */
  record Date(String relation, boolean sent, LocalDate date) implements SearchKey {}

  record Size(boolean larger, long octets) implements SearchKey {}

  record Uid(SequenceSet set) implements SearchKey {}

  record Seq(SequenceSet set) implements SearchKey {}

  record ModSeq(long modseq) implements SearchKey {}

  /** {@code $}: the messages of the last SEARCH with RETURN (SAVE) (RFC 5182). */
  record Saved() implements SearchKey {}

  record Not(SearchKey key) implements SearchKey {}

  record Or(SearchKey left, SearchKey right) implements SearchKey {}

  record And(List<SearchKey> keys) implements SearchKey {}

  DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d-MMM-yyyy", Locale.ENGLISH);

  /**
   * Parses the arguments of SEARCH (after {@code CHARSET x} when given).
   *
   * @throws ImapProtocolException for an unknown key or a missing argument; {@code [BADCHARSET]}
   *     for a charset other than UTF-8 or US-ASCII
   */
  static SearchKey parse(List<ImapToken> args) throws ImapProtocolException {
    int[] pos = {0};
    if (!args.isEmpty()
        && args.get(0) instanceof ImapToken.Atom a
        && a.value().equalsIgnoreCase("CHARSET")) {
      if (args.size() < 2) {
        throw new ImapProtocolException("Missing charset");
      }
      String charset = ImapToken.text(args.get(1));
      if (charset == null
          || !(charset.equalsIgnoreCase("UTF-8") || charset.equalsIgnoreCase("US-ASCII"))) {
        throw new ImapProtocolException("[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset");
      }
      pos[0] = 2;
    }
    List<SearchKey> keys = new ArrayList<>();
    while (pos[0] < args.size()) {
      keys.add(key(args, pos, 0));
    }
    if (keys.isEmpty()) {
      throw new ImapProtocolException("Missing search criteria");
    }
    return keys.size() == 1 ? keys.get(0) : new And(keys);
  }

  private static SearchKey key(List<ImapToken> args, int[] pos, int depth)
      throws ImapProtocolException {
    if (depth > ImapParser.MAX_DEPTH) {
      throw new ImapProtocolException("Search nested too deeply");
    }
    if (pos[0] >= args.size()) {
      throw new ImapProtocolException("Missing search criteria");
    }
    ImapToken token = args.get(pos[0]++);
    if (token instanceof ImapToken.ListToken list) {
      List<SearchKey> keys = new ArrayList<>();
      int[] inner = {0};
      while (inner[0] < list.items().size()) {
        keys.add(key(list.items(), inner, depth + 1));
      }
      if (keys.isEmpty()) {
        throw new ImapProtocolException("Empty search list");
      }
      return keys.size() == 1 ? keys.get(0) : new And(keys);
    }
    if (!(token instanceof ImapToken.Atom atom)) {
      throw new ImapProtocolException("Unknown search key");
    }
    String name = atom.value().toUpperCase(Locale.ROOT);
    return switch (name) {
      case "ALL" -> new All();
      case "SEEN", "ANSWERED", "FLAGGED", "DELETED", "DRAFT", "RECENT" ->
          new Flag(name.toLowerCase(Locale.ROOT), true);
      case "UNSEEN", "UNANSWERED", "UNFLAGGED", "UNDELETED", "UNDRAFT" ->
          new Flag(name.substring(2).toLowerCase(Locale.ROOT), false);
      case "OLD" -> new Flag("recent", false);
      case "NEW" -> new And(List.of(new Flag("recent", true), new Flag("seen", false)));
      case "FROM", "TO", "CC", "BCC", "SUBJECT" ->
          new Header(name.toLowerCase(Locale.ROOT), string(args, pos));
      case "HEADER" -> new Header(string(args, pos).toLowerCase(Locale.ROOT), string(args, pos));
      case "BODY" -> new Text(false, string(args, pos));
      case "TEXT" -> new Text(true, string(args, pos));
      case "BEFORE", "ON", "SINCE" -> new Date(name, false, date(string(args, pos)));
      case "SENTBEFORE", "SENTON", "SENTSINCE" ->
          new Date(name.substring(4), true, date(string(args, pos)));
      case "LARGER", "SMALLER" -> new Size(name.equals("LARGER"), number(string(args, pos)));
      case "UID" -> new Uid(SequenceSet.parse(string(args, pos)));
      case "MODSEQ" -> {
        // RFC 7162 §3.1.5: MODSEQ [entry-name entry-type] mod-sequence-valzer
        String first = string(args, pos);
        if (!first.matches("[0-9]+") && pos[0] + 1 < args.size() + 1) {
          string(args, pos);
          first = string(args, pos);
        }
        yield new ModSeq(number(first));
      }
      case "NOT" -> new Not(key(args, pos, depth + 1));
      case "OR" -> new Or(key(args, pos, depth + 1), key(args, pos, depth + 1));
      case "$" -> new Saved();
      case "KEYWORD" -> new Keyword(string(args, pos), true);
      case "UNKEYWORD" -> new Keyword(string(args, pos), false);
      default -> {
        if (name.matches("[0-9*][0-9*:,]*")) {
          yield new Seq(SequenceSet.parse(name));
        }
        throw new ImapProtocolException("Unknown search key");
      }
    };
  }

  private static String string(List<ImapToken> args, int[] pos) throws ImapProtocolException {
    if (pos[0] >= args.size()) {
      throw new ImapProtocolException("Missing search argument");
    }
    ImapToken t = args.get(pos[0]++);
    return switch (t) {
      case ImapToken.Atom a -> a.value();
      case ImapToken.Str s -> new String(s.value(), StandardCharsets.UTF_8);
      case ImapToken.ListToken l -> throw new ImapProtocolException("Expected a string");
    };
  }

  private static LocalDate date(String text) throws ImapProtocolException {
    try {
      return LocalDate.parse(text, DATE);
    } catch (DateTimeParseException e) {
      throw new ImapProtocolException("Invalid date");
    }
  }

  private static long number(String text) throws ImapProtocolException {
    if (!text.matches("[0-9]{1,19}")) {
      throw new ImapProtocolException("Invalid number");
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new ImapProtocolException("Invalid number");
    }
  }
}
