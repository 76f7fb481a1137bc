package dev.musubi.mail.imap.codec;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** One element of a parsed command (RFC 3501 §4): an atom, a string, or a parenthesised list. */
public sealed interface ImapToken {

  /**
   * An atom, with any {@code [...]} section and {@code <...>} partial kept in it (FETCH {@code
   * BODY.PEEK[HEADER.FIELDS (From)]<0.100>} is one atom here).
   */
  record Atom(String value) implements ImapToken {}

  /** A quoted string or a literal, as octets. */
  record Str(byte[] value) implements ImapToken {
    public String utf8() {
      return new String(value, StandardCharsets.UTF_8);
    }
  }

  /** A parenthesised list. */
  record ListToken(List<ImapToken> items) implements ImapToken {}

  /** The token as text: an atom's value or a string's UTF-8; null for a list. */
  static @org.jspecify.annotations.Nullable String text(ImapToken token) {
    return switch (token) {
      case Atom a -> a.value();
      case Str s -> s.utf8();
      case ListToken l -> null;
    };
  }
}
