package dev.musubi.mail.imap.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a command as {@link ImapInput#readCommand} read it (RFC 3501 §9 grammar, leniently where
 * clients differ): tag, name, arguments. Bounded: nesting depth and the number of tokens.
 */
public final class ImapParser {

  /** Deepest parenthesised list accepted (SEARCH with nested OR/NOT is the deepest in practice). */
  public static final int MAX_DEPTH = 16;

  /** Most tokens in one command. */
  public static final int MAX_TOKENS = 10_000;

  private final byte[] in;
  private int pos;
  private int tokens;

  private ImapParser(byte[] in) {
    this.in = in;
  }

  /** Parses a command; never returns null. */
  public static ImapCommand parse(byte[] command) throws ImapProtocolException {
    var p = new ImapParser(command);
    String tag = p.tag();
    p.space();
    String name = ImapCommand.upper(p.plainAtom());
    if (name.equals("UID")) {
      p.space();
      name = "UID " + ImapCommand.upper(p.plainAtom());
    }
    List<ImapToken> args = new ArrayList<>();
    while (p.pos < p.in.length) {
      p.space();
      args.add(p.token(0));
    }
    return new ImapCommand(tag, name, args);
  }

  /** The tag of a command line, or {@code *} when there is none to read (for BAD replies). */
  public static String tagOf(byte[] command) {
    int end = 0;
    while (end < command.length && end < 64 && isTagChar(command[end] & 0xff)) {
      end++;
    }
    return end == 0 || end >= command.length || command[end] != ' '
        ? "*"
        : new String(command, 0, end, StandardCharsets.US_ASCII);
  }

  private String tag() throws ImapProtocolException {
    int start = pos;
    while (pos < in.length && isTagChar(in[pos] & 0xff)) {
      pos++;
    }
    if (pos == start || pos - start > 64) {
      throw new ImapProtocolException("Invalid tag");
    }
    return new String(in, start, pos - start, StandardCharsets.US_ASCII);
  }

  private void space() throws ImapProtocolException {
    if (pos >= in.length || in[pos] != ' ') {
      throw new ImapProtocolException("Expected a space");
    }
    pos++;
  }

  private String plainAtom() throws ImapProtocolException {
    int start = pos;
    while (pos < in.length && isAtomChar(in[pos] & 0xff)) {
      pos++;
    }
    if (pos == start) {
      throw new ImapProtocolException("Expected a command");
    }
    return new String(in, start, pos - start, StandardCharsets.US_ASCII);
  }

  private ImapToken token(int depth) throws ImapProtocolException {
    if (++tokens > MAX_TOKENS) {
      throw new ImapProtocolException("Too many arguments");
    }
    if (pos >= in.length) {
      throw new ImapProtocolException("Missing argument");
    }
    int c = in[pos] & 0xff;
    if (c == '(') {
      if (depth >= MAX_DEPTH) {
        throw new ImapProtocolException("Lists nested too deeply");
      }
      pos++;
      List<ImapToken> items = new ArrayList<>();
      if (pos < in.length && in[pos] == ')') {
        pos++;
        return new ImapToken.ListToken(items);
      }
      while (true) {
        items.add(token(depth + 1));
        if (pos >= in.length) {
          throw new ImapProtocolException("Unclosed list");
        }
        if (in[pos] == ')') {
          pos++;
          return new ImapToken.ListToken(items);
        }
        space();
      }
    }
    if (c == '"') {
      return quoted();
    }
    if (c == '{') {
      return literal();
    }
    if (c == '~' && pos + 1 < in.length && in[pos + 1] == '{') {
      // RFC 3516 literal8: may hold any octet, NUL included.
      pos++;
      return literal();
    }
    return atom(depth);
  }

  private ImapToken quoted() throws ImapProtocolException {
    pos++;
    var out = new java.io.ByteArrayOutputStream();
    while (pos < in.length) {
      int c = in[pos++] & 0xff;
      if (c == '"') {
        return new ImapToken.Str(out.toByteArray());
      }
      if (c == '\\') {
        if (pos >= in.length) {
          break;
        }
        int e = in[pos++] & 0xff;
        if (e != '"' && e != '\\') {
          throw new ImapProtocolException("Invalid escape in quoted string");
        }
        out.write(e);
      } else if (c == '\r' || c == '\n' || c == 0) {
        throw new ImapProtocolException("Invalid character in quoted string");
      } else {
        out.write(c);
      }
    }
    throw new ImapProtocolException("Unterminated quoted string");
  }

  private ImapToken literal() throws ImapProtocolException {
    int close = pos + 1;
    while (close < in.length && in[close] != '}' && close - pos < 16) {
      close++;
    }
    if (close >= in.length || in[close] != '}') {
      throw new ImapProtocolException("Invalid literal");
    }
    String size = new String(in, pos + 1, Math.max(0, close - pos - 1), StandardCharsets.US_ASCII);
    if (size.endsWith("+")) {
      size = size.substring(0, size.length() - 1);
    }
    if (!size.matches("[0-9]{1,12}")) {
      throw new ImapProtocolException("Invalid literal");
    }
    long n = Long.parseLong(size);
    int start = close + 3;
    if (close + 2 >= in.length
        || in[close + 1] != '\r'
        || in[close + 2] != '\n'
        || start + n > in.length) {
      throw new ImapProtocolException("Invalid literal");
    }
    byte[] value = java.util.Arrays.copyOfRange(in, start, (int) (start + n));
    pos = (int) (start + n);
    return new ImapToken.Str(value);
  }

  private ImapToken atom(int depth) throws ImapProtocolException {
    int start = pos;
    int brackets = 0;
    while (pos < in.length) {
      int c = in[pos] & 0xff;
      if (c == '[') {
        brackets++;
      } else if (c == ']') {
        if (brackets == 0) {
          throw new ImapProtocolException("Unbalanced ]");
        }
        brackets--;
      } else if (brackets > 0) {
        if (c == '\r' || c == '\n' || c == 0 || c == '{' || c == '"') {
          throw new ImapProtocolException("Invalid character in section");
        }
      } else if (c == '<') {
        // A partial <origin.octets> after a section.
        int close = pos;
        while (close < in.length && in[close] != '>' && close - pos < 30) {
          close++;
        }
        if (close >= in.length || in[close] != '>') {
          throw new ImapProtocolException("Invalid partial");
        }
        pos = close;
      } else if (!isAtomChar(c) && c != ']') {
        break;
      }
      pos++;
      if (pos - start > 8192) {
        throw new ImapProtocolException("Atom too long");
      }
    }
    if (brackets != 0) {
      throw new ImapProtocolException("Unclosed [");
    }
    if (pos == start) {
      throw new ImapProtocolException("Unexpected character");
    }
    return new ImapToken.Atom(new String(in, start, pos - start, StandardCharsets.UTF_8));
  }

  // RFC 3501 §9: ATOM-CHAR is any CHAR except atom-specials; leniently also "\", "%" and "*"
  // (flags, LIST patterns and sequence sets share this reader) and UTF-8 (mailbox names).
  static boolean isAtomChar(int c) {
    return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' && c != '"' && c != ']'
            && c != '[' && c != '<'
        || c >= 0x80;
  }

  private static boolean isTagChar(int c) {
    return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' && c != '%' && c != '*'
        && c != '"' && c != '\\' && c != '+' && c != ']';
  }
}
