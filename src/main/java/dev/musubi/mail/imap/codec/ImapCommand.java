package dev.musubi.mail.imap.codec;

import java.util.List;
import java.util.Locale;

/**
 * A tagged command: its tag, its name in upper case ({@code UID FETCH} for UID commands) and its
 * arguments.
 */
public record ImapCommand(String tag, String name, List<ImapToken> args) {

  /** The argument at {@code i} as text, or a protocol error when it is missing or a list. */
  public String text(int i) throws ImapProtocolException {
    if (i >= args.size()) {
      throw new ImapProtocolException("Missing argument");
    }
    String t = ImapToken.text(args.get(i));
    if (t == null) {
      throw new ImapProtocolException("Expected a string");
    }
    return t;
  }

  /** Requires exactly {@code n} arguments. */
  public void arity(int n) throws ImapProtocolException {
    if (args.size() != n) {
      throw new ImapProtocolException(args.size() < n ? "Missing argument" : "Too many arguments");
    }
  }

  static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }
}
