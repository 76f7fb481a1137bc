package dev.musubi.mail.smtp.codec;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Parses one command line (without its CRLF) into an {@link SmtpCommand}. Every malformed line is
 * an {@link SmtpProtocolException} carrying the reply to send; the parser never throws anything
 * else.
 */
public final class SmtpCommandParser {

  /** RFC 5321 §4.5.3.1.1: a local part is at most 64 octets. */
  static final int MAX_LOCAL_PART = 64;

  /** RFC 5321 §4.5.3.1.2: a domain is at most 255 octets. */
  static final int MAX_DOMAIN = 255;

  /** RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets. */
  static final int MAX_PATH = 256;

  private SmtpCommandParser() {}

  public static SmtpCommand parse(String line) throws SmtpProtocolException {
    int space = line.indexOf(' ');
    String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    String rest = space < 0 ? "" : line.substring(space + 1);
    return switch (verb) {
      case "EHLO" -> new SmtpCommand.Hello(helloDomain(rest, "EHLO"), true);
      case "HELO" -> new SmtpCommand.Hello(helloDomain(rest, "HELO"), false);
      case "MAIL" -> mailFrom(rest);
      case "RCPT" -> rcptTo(rest);
      case "DATA" -> noArguments(new SmtpCommand.Data(), rest);
      case "RSET" -> noArguments(new SmtpCommand.Reset(), rest);
      // RFC 5321 §4.1.1.9: NOOP may carry a string, which is ignored.
      case "NOOP" -> new SmtpCommand.Noop();
      case "QUIT" -> noArguments(new SmtpCommand.Quit(), rest);
      case "VRFY" -> new SmtpCommand.Verify(required(rest, "VRFY"));
      case "EXPN" -> new SmtpCommand.Expand(required(rest, "EXPN"));
      case "HELP" -> new SmtpCommand.Help(rest.isBlank() ? null : rest.strip());
      case "STARTTLS" -> noArguments(new SmtpCommand.StartTls(), rest);
      case "AUTH" -> auth(rest);
      case "" -> throw syntax(500, "5.5.2", "Empty command");
      // An HTTP request sent to the SMTP port (cross-protocol attacks): answer once and close.
      case "GET", "POST", "HEAD", "PUT", "CONNECT", "OPTIONS", "DELETE" ->
          throw new SmtpProtocolException(
              SmtpReply.of(500, "5.5.2", "Not an SMTP command, closing"), true);
      default -> {
        if (!verb.chars().allMatch(c -> c >= 'A' && c <= 'Z') || verb.length() > 16) {
          throw syntax(500, "5.5.2", "Command unrecognized");
        }
        yield new SmtpCommand.Unsupported(verb);
      }
    };
  }

  private static SmtpCommand noArguments(SmtpCommand command, String rest)
      throws SmtpProtocolException {
    if (!rest.isBlank()) {
      throw syntax(501, "5.5.4", "No parameters allowed");
    }
    return command;
  }

  private static String required(String rest, String verb) throws SmtpProtocolException {
    if (rest.isBlank()) {
      throw syntax(501, "5.5.4", "Syntax: " + verb + " argument");
    }
    return rest.strip();
  }

  /** RFC 5321 §4.1.1.1: {@code EHLO domain / address-literal}. */
  private static String helloDomain(String rest, String verb) throws SmtpProtocolException {
    String domain = rest.strip();
    int space = domain.indexOf(' ');
    if (space >= 0) {
      // Some clients add text after the name; the name is all RFC 5321 needs.
      domain = domain.substring(0, space);
    }
    if (domain.isEmpty() || domain.length() > MAX_DOMAIN || !isHelloName(domain)) {
      throw syntax(501, "5.5.4", "Syntax: " + verb + " hostname");
    }
    return domain;
  }

  private static boolean isHelloName(String name) {
    if (name.startsWith("[") && name.endsWith("]")) {
      return name.length() > 2
          && name.substring(1, name.length() - 1)
              .chars()
              .allMatch(c -> isAsciiLetterOrDigit(c) || c == '.' || c == ':');
    }
    return name.codePoints()
        .allMatch(
            c -> isAsciiLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || isUtf8NonAscii(c));
  }

  /** RFC 5321 §4.1.1.2: {@code MAIL FROM:<reverse-path> [SP mail-parameters]}. */
  private static SmtpCommand mailFrom(String rest) throws SmtpProtocolException {
    String afterKeyword = keyword(rest, "FROM:", "Syntax: MAIL FROM:<address>");
    var pathAndParameters = splitPath(afterKeyword);
    long size = -1;
    boolean eightBit = false;
    boolean utf8 = false;
    for (String parameter : pathAndParameters.parameters()) {
      String upper = parameter.toUpperCase(Locale.ROOT);
      if (upper.startsWith("SIZE=")) {
        size = sizeValue(parameter.substring(5));
      } else if (upper.equals("BODY=8BITMIME")) {
        eightBit = true;
      } else if (upper.equals("BODY=7BIT")) {
        eightBit = false;
      } else if (upper.equals("SMTPUTF8")) {
        utf8 = true;
      } else {
        // RFC 5321 §4.1.1.11: an unrecognised parameter is 555.
        throw syntax(555, "5.5.4", "Unsupported MAIL parameter");
      }
    }
    String path = pathAndParameters.path();
    if (!path.isEmpty()) {
      path = mailbox(path, utf8);
    }
    return new SmtpCommand.MailFrom(path, size, eightBit, utf8);
  }

  /**
   * RFC 4954 §4: {@code AUTH SP sasl-mech [SP initial-response]}; the mechanism is 1 to 20 of
   * upper-case letters, digits, hyphen and underscore (RFC 4422 §3.1), the response base64 or
   * {@code =}.
   */
  private static SmtpCommand auth(String rest) throws SmtpProtocolException {
    String[] parts = rest.strip().split(" ", -1);
    String mechanism = parts[0].toUpperCase(Locale.ROOT);
    if (mechanism.isEmpty()
        || mechanism.length() > 20
        || !mechanism.chars().allMatch(c -> isAsciiLetterOrDigit(c) || c == '-' || c == '_')
        || parts.length > 2) {
      throw syntax(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
    }
    String initial = parts.length == 2 ? parts[1] : null;
    if (initial != null && !initial.equals("=") && !isBase64(initial)) {
      throw syntax(501, "5.5.2", "Cannot decode the initial response");
    }
    return new SmtpCommand.Auth(mechanism, initial);
  }

  /** Whether {@code text} is non-empty base64 (RFC 4648 §4) with its padding. */
  public static boolean isBase64(String text) {
    return !text.isEmpty() && text.length() % 4 == 0 && text.matches("[A-Za-z0-9+/]+={0,2}");
  }

  /** RFC 5321 §4.1.1.3: {@code RCPT TO:<forward-path> [SP rcpt-parameters]}. */
  private static SmtpCommand rcptTo(String rest) throws SmtpProtocolException {
    String afterKeyword = keyword(rest, "TO:", "Syntax: RCPT TO:<address>");
    var pathAndParameters = splitPath(afterKeyword);
    if (!pathAndParameters.parameters().isEmpty()) {
      throw syntax(555, "5.5.4", "Unsupported RCPT parameter");
    }
    if (pathAndParameters.path().isEmpty()) {
      throw syntax(501, "5.1.3", "Recipient address required");
    }
    // Whether non-ASCII is allowed depends on the transaction's MAIL FROM (RFC 6531 §3.4); the
    // server checks that, the parser accepts both.
    return new SmtpCommand.RcptTo(mailbox(pathAndParameters.path(), true));
  }

  private static String keyword(String rest, String keyword, String usage)
      throws SmtpProtocolException {
    if (!rest.regionMatches(true, 0, keyword, 0, keyword.length())) {
      throw syntax(501, "5.5.4", usage);
    }
    // Tolerate "MAIL FROM: <a@b>" (a space after the colon), which many clients send.
    return rest.substring(keyword.length()).stripLeading();
  }

  private record PathAndParameters(String path, java.util.List<String> parameters) {}

  private static PathAndParameters splitPath(String text) throws SmtpProtocolException {
    if (!text.startsWith("<")) {
      throw syntax(501, "5.1.7", "Address must be in angle brackets");
    }
    int close = text.indexOf('>');
    if (close < 0) {
      throw syntax(501, "5.1.7", "Unterminated address");
    }
    if (close + 1 > MAX_PATH) {
      throw syntax(501, "5.1.7", "Address too long");
    }
    String path = text.substring(1, close);
    String tail = text.substring(close + 1);
    if (!tail.isEmpty() && !tail.startsWith(" ")) {
      throw syntax(501, "5.5.4", "Space expected after the address");
    }
    var parameters =
        tail.isBlank()
            ? java.util.List.<String>of()
            : java.util.Arrays.stream(tail.strip().split(" +")).toList();
    // RFC 5321 §4.1.2: a source route "@a,@b:user@c" is accepted and its route ignored.
    if (path.startsWith("@")) {
      int colon = path.indexOf(':');
      if (colon < 0) {
        throw syntax(501, "5.1.7", "Bad source route");
      }
      path = path.substring(colon + 1);
    }
    return new PathAndParameters(path, parameters);
  }

  /**
   * Validates {@code local-part@domain} (RFC 5321 §4.1.2) and returns it with the domain in lower
   * case. Non-ASCII needs SMTPUTF8 (RFC 6531 §3.3).
   */
  static String mailbox(String address, boolean utf8Allowed) throws SmtpProtocolException {
    int at = address.lastIndexOf('@');
    if (at <= 0 || at == address.length() - 1) {
      throw syntax(501, "5.1.3", "Address must be local-part@domain");
    }
    String local = address.substring(0, at);
    String domain = address.substring(at + 1);
    if (!utf8Allowed && !address.chars().allMatch(c -> c < 0x80)) {
      // RFC 6531 §3.5: non-ASCII address without SMTPUTF8.
      throw syntax(553, "5.6.7", "Non-ASCII address needs SMTPUTF8");
    }
    if (utf8Length(local) > MAX_LOCAL_PART || utf8Length(domain) > MAX_DOMAIN) {
      throw syntax(501, "5.1.3", "Address too long");
    }
    if (!validLocalPart(local) || !validDomain(domain)) {
      throw syntax(501, "5.1.3", "Bad address syntax");
    }
    return local + "@" + domain.toLowerCase(Locale.ROOT);
  }

  private static boolean validLocalPart(String local) {
    if (local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")) {
      // RFC 5321 §4.1.2 Quoted-string: printable characters, backslash escapes.
      String inner = local.substring(1, local.length() - 1);
      for (int i = 0; i < inner.length(); i++) {
        char c = inner.charAt(i);
        if (c == '\\') {
          i++;
          if (i >= inner.length()) {
            return false;
          }
        } else if (c == '"' || (c < 0x20) || c == 0x7f) {
          return false;
        }
      }
      return true;
    }
    if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
      return false;
    }
    // RFC 5321 Dot-string atext; RFC 6531 §3.3 adds UTF-8 non-ASCII.
    return local
        .codePoints()
        .allMatch(
            c ->
                isAsciiLetterOrDigit(c)
                    || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0
                    || isUtf8NonAscii(c));
  }

  /** Whether {@code domain} is a domain name or address literal as RFC 5321 §4.1.2 allows. */
  public static boolean validDomain(String domain) {
    if (domain.startsWith("[") && domain.endsWith("]")) {
      String literal = domain.substring(1, domain.length() - 1);
      return !literal.isEmpty()
          && literal.chars().allMatch(c -> isAsciiLetterOrDigit(c) || c == '.' || c == ':');
    }
    if (domain.startsWith(".") || domain.endsWith(".") || domain.contains("..")) {
      return false;
    }
    for (String label : domain.split("\\.")) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
      if (!label
          .codePoints()
          .allMatch(c -> isAsciiLetterOrDigit(c) || c == '-' || isUtf8NonAscii(c))) {
        return false;
      }
    }
    return true;
  }

  private static long sizeValue(String value) throws SmtpProtocolException {
    // RFC 1870 §3: size-value ::= 1*20DIGIT
    if (value.isEmpty() || value.length() > 20 || !value.chars().allMatch(Character::isDigit)) {
      throw syntax(501, "5.5.4", "Bad SIZE value");
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException tooLarge) {
      return Long.MAX_VALUE;
    }
  }

  private static int utf8Length(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  /**
   * RFC 6531 §3.3 UTF-8 beyond ASCII, without C1 controls and the Unicode line and paragraph
   * separators, which some software treats as line ends in trace headers.
   */
  private static boolean isUtf8NonAscii(int c) {
    return c > 0x7f && !Character.isISOControl(c) && c != 0x2028 && c != 0x2029;
  }

  private static boolean isAsciiLetterOrDigit(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** The domain part of a mailbox the parser returned, or {@code null} for the null path. */
  public static @Nullable String domainOf(String mailbox) {
    int at = mailbox.lastIndexOf('@');
    return at < 0 ? null : mailbox.substring(at + 1);
  }

  private static SmtpProtocolException syntax(int code, String enhanced, String text) {
    return new SmtpProtocolException(SmtpReply.of(code, enhanced, text));
  }
}
