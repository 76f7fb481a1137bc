package dev.musubi.mail.imap.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A FETCH data item (RFC 3501 §6.4.5, RFC 7162 MODSEQ, RFC 3516 BINARY). */
public sealed interface FetchItem {

  /** FLAGS, UID, INTERNALDATE, RFC822.SIZE, ENVELOPE, BODYSTRUCTURE, BODY, MODSEQ. */
  record Simple(String name) implements FetchItem {}

  /** RFC822, RFC822.HEADER or RFC822.TEXT (RFC822 and RFC822.TEXT set \Seen). */
  record Rfc822(String name) implements FetchItem {}

  /**
   * BODY[section]<partial> or BODY.PEEK[…].
   *
   * @param part the part numbers, empty for the whole message
   * @param kind {@code ""}, {@code HEADER}, {@code HEADER.FIELDS}, {@code HEADER.FIELDS.NOT},
   *     {@code TEXT} or {@code MIME}
   * @param origin the partial's first octet, or -1
   * @param octets the partial's length, or -1
   */
  record Body(boolean peek, int[] part, String kind, List<String> fields, long origin, long octets)
      implements FetchItem {

    /** The section as the response names it, e.g. {@code BODY[1.HEADER.FIELDS (FROM)]<0>}. */
    public String label() {
      var b = new StringBuilder("BODY[");
      for (int i = 0; i < part.length; i++) {
        if (i > 0) {
          b.append('.');
        }
        b.append(part[i]);
      }
      if (!kind.isEmpty()) {
        if (part.length > 0) {
          b.append('.');
        }
        b.append(kind);
        if (kind.startsWith("HEADER.FIELDS")) {
          b.append(" (").append(String.join(" ", fields)).append(')');
        }
      }
      b.append(']');
      if (origin >= 0) {
        b.append('<').append(origin).append('>');
      }
      return b.toString();
    }
  }

  /**
   * BINARY[part]<partial> or BINARY.PEEK[…] (RFC 3516): the part's content with its transfer
   * encoding undone; the whole message for an empty part.
   */
  record Binary(boolean peek, int[] part, long origin, long octets) implements FetchItem {

    public String label() {
      return "BINARY[" + partText(part) + "]" + (origin >= 0 ? "<" + origin + ">" : "");
    }
  }

  /** BINARY.SIZE[part] (RFC 3516): the size BINARY[part] would have. */
  record BinarySize(int[] part) implements FetchItem {

    public String label() {
      return "BINARY.SIZE[" + partText(part) + "]";
    }
  }

  private static String partText(int[] part) {
    var b = new StringBuilder();
    for (int i = 0; i < part.length; i++) {
      if (i > 0) {
        b.append('.');
      }
      b.append(part[i]);
    }
    return b.toString();
  }

  /** Parses FETCH's item argument: one item, a macro, or a parenthesised list. */
  static List<FetchItem> parse(ImapToken token) throws ImapProtocolException {
    List<FetchItem> out = new ArrayList<>();
    if (token instanceof ImapToken.ListToken list) {
      if (list.items().isEmpty()) {
        throw new ImapProtocolException("Empty fetch list");
      }
      for (ImapToken t : list.items()) {
        if (!(t instanceof ImapToken.Atom a)) {
          throw new ImapProtocolException("Invalid fetch item");
        }
        out.add(item(a.value()));
      }
      return out;
    }
    if (!(token instanceof ImapToken.Atom a)) {
      throw new ImapProtocolException("Invalid fetch item");
    }
    switch (a.value().toUpperCase(Locale.ROOT)) {
      case "ALL" -> {
        return List.of(
            new Simple("FLAGS"),
            new Simple("INTERNALDATE"),
            new Simple("RFC822.SIZE"),
            new Simple("ENVELOPE"));
      }
      case "FAST" -> {
        return List.of(new Simple("FLAGS"), new Simple("INTERNALDATE"), new Simple("RFC822.SIZE"));
      }
      case "FULL" -> {
        return List.of(
            new Simple("FLAGS"),
            new Simple("INTERNALDATE"),
            new Simple("RFC822.SIZE"),
            new Simple("ENVELOPE"),
            new Simple("BODY"));
      }
      default -> {
        out.add(item(a.value()));
        return out;
      }
    }
  }

  private static FetchItem item(String text) throws ImapProtocolException {
    String upper = text.toUpperCase(Locale.ROOT);
    switch (upper) {
      case "FLAGS",
          "UID",
          "INTERNALDATE",
          "RFC822.SIZE",
          "ENVELOPE",
          "BODYSTRUCTURE",
          "BODY",
          "MODSEQ" -> {
        return new Simple(upper);
      }
      case "RFC822", "RFC822.HEADER", "RFC822.TEXT" -> {
        return new Rfc822(upper);
      }
      default -> {}
    }
    if (upper.startsWith("BINARY")) {
      return binary(upper);
    }
    boolean peek;
    String rest;
    if (upper.startsWith("BODY.PEEK[")) {
      peek = true;
      rest = text.substring(10);
    } else if (upper.startsWith("BODY[")) {
      peek = false;
      rest = text.substring(5);
    } else {
      throw new ImapProtocolException("Invalid fetch item");
    }
    int close = rest.lastIndexOf(']');
    if (close < 0) {
      throw new ImapProtocolException("Invalid section");
    }
    String section = rest.substring(0, close);
    long[] partial = partial(rest.substring(close + 1));
    long origin = partial[0];
    long octets = partial[1];
    List<Integer> parts = new ArrayList<>();
    String remainder = parts(section, parts);
    String kind;
    List<String> fields = List.of();
    String up = remainder.toUpperCase(Locale.ROOT);
    if (up.isEmpty() || up.equals("HEADER") || up.equals("TEXT")) {
      kind = up;
    } else if (up.equals("MIME")) {
      if (parts.isEmpty()) {
        throw new ImapProtocolException("MIME needs a part number");
      }
      kind = up;
    } else if (up.startsWith("HEADER.FIELDS.NOT (") || up.startsWith("HEADER.FIELDS (")) {
      kind = up.startsWith("HEADER.FIELDS.NOT") ? "HEADER.FIELDS.NOT" : "HEADER.FIELDS";
      int open = up.indexOf('(');
      if (!up.endsWith(")")) {
        throw new ImapProtocolException("Invalid section");
      }
      List<String> names = new ArrayList<>();
      for (String name : up.substring(open + 1, up.length() - 1).trim().split(" +")) {
        String n =
            name.startsWith("\"") && name.endsWith("\"") && name.length() >= 2
                ? name.substring(1, name.length() - 1)
                : name;
        if (!n.matches("[\\x21-\\x39\\x3b-\\x7e]{1,100}") || names.size() >= 100) {
          throw new ImapProtocolException("Invalid header field name");
        }
        names.add(n);
      }
      fields = names;
    } else {
      throw new ImapProtocolException("Invalid section");
    }
    int[] part = parts.stream().mapToInt(Integer::intValue).toArray();
    return new Body(peek, part, kind, fields, origin, octets);
  }

  /** {@code <origin.octets>} as {origin, octets}, or {-1, -1} for none. */
  private static long[] partial(String partial) throws ImapProtocolException {
    if (partial.isEmpty()) {
      return new long[] {-1, -1};
    }
    var m = java.util.regex.Pattern.compile("<([0-9]{1,10})\\.([0-9]{1,10})>").matcher(partial);
    if (!m.matches()) {
      throw new ImapProtocolException("Invalid partial");
    }
    long octets = Long.parseLong(m.group(2));
    if (octets == 0) {
      throw new ImapProtocolException("Invalid partial");
    }
    return new long[] {Long.parseLong(m.group(1)), octets};
  }

  /** Reads the part numbers at the start of a section into {@code into}; returns the rest. */
  private static String parts(String section, List<Integer> into) throws ImapProtocolException {
    String remainder = section;
    while (!remainder.isEmpty() && Character.isDigit(remainder.charAt(0))) {
      int dot = remainder.indexOf('.');
      String number = dot < 0 ? remainder : remainder.substring(0, dot);
      if (!number.matches("[1-9][0-9]{0,4}") || into.size() >= 32) {
        throw new ImapProtocolException("Invalid section");
      }
      into.add(Integer.parseInt(number));
      remainder = dot < 0 ? "" : remainder.substring(dot + 1);
    }
    return remainder;
  }

  /** BINARY[…], BINARY.PEEK[…] or BINARY.SIZE[…]: part numbers only (RFC 3516 section-binary). */
  private static FetchItem binary(String upper) throws ImapProtocolException {
    String kind;
    if (upper.startsWith("BINARY.PEEK[")) {
      kind = "PEEK";
    } else if (upper.startsWith("BINARY.SIZE[")) {
      kind = "SIZE";
    } else if (upper.startsWith("BINARY[")) {
      kind = "";
    } else {
      throw new ImapProtocolException("Invalid fetch item");
    }
    String rest = upper.substring(upper.indexOf('[') + 1);
    int close = rest.indexOf(']');
    if (close < 0) {
      throw new ImapProtocolException("Invalid section");
    }
    List<Integer> parts = new ArrayList<>();
    if (!parts(rest.substring(0, close), parts).isEmpty()) {
      throw new ImapProtocolException("BINARY takes part numbers only");
    }
    int[] part = parts.stream().mapToInt(Integer::intValue).toArray();
    long[] partial = partial(rest.substring(close + 1));
    if (kind.equals("SIZE")) {
      if (partial[0] >= 0) {
        throw new ImapProtocolException("Invalid partial");
      }
      return new BinarySize(part);
    }
    return new Binary(kind.equals("PEEK"), part, partial[0], partial[1]);
  }

  /** Whether any item needs the message's content (not only the stored metadata). */
  static boolean needsContent(List<FetchItem> items) {
    for (FetchItem i : items) {
      if (i instanceof Body
          || i instanceof Rfc822
          || i instanceof Binary
          || i instanceof BinarySize) {
        return true;
      }
      if (i instanceof Simple s
          && (s.name().equals("ENVELOPE")
              || s.name().equals("BODYSTRUCTURE")
              || s.name().equals("BODY"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the content the items need is only the message's header section (ENVELOPE, header
   * sections of the message itself), so that the body need not be read.
   */
  static boolean headerOnly(List<FetchItem> items) {
    for (FetchItem i : items) {
      switch (i) {
        case Simple s -> {
          if (s.name().equals("BODYSTRUCTURE") || s.name().equals("BODY")) {
            return false;
          }
        }
        case Rfc822 r -> {
          if (!r.name().equals("RFC822.HEADER")) {
            return false;
          }
        }
        case Body b -> {
          if (b.part().length > 0 || !b.kind().startsWith("HEADER")) {
            return false;
          }
        }
        case Binary b -> {
          return false;
        }
        case BinarySize b -> {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether fetching the items marks the message seen (RFC 3501 §6.4.5). */
  static boolean setsSeen(List<FetchItem> items) {
    for (FetchItem i : items) {
      if (i instanceof Body b && !b.peek() || i instanceof Binary x && !x.peek()) {
        return true;
      }
      if (i instanceof Rfc822 r && !r.name().equals("RFC822.HEADER")) {
        return true;
      }
    }
    return false;
  }
}
