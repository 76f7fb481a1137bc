package dev.musubi.mail.smtp.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the header section of a received message far enough to learn the {@code From:} domains, the
 * ones DMARC aligns with (RFC 7489 §3.1). Bounded: at most {@code maxOctets} of the header section
 * are read.
 */
public final class MessageHeaders {

  private MessageHeaders() {}

  /**
   * The domains of every address in every {@code From:} field, lower case, in order. Empty when
   * there is no {@code From:} or no address in it can be read.
   */
  public static List<String> fromDomains(InputStream message, int maxOctets) throws IOException {
    var fields = new ArrayList<String>();
    var current = new StringBuilder();
    var line = new StringBuilder();
    int total = 0;
    int b;
    while (total < maxOctets && (b = message.read()) >= 0) {
      total++;
      if (b != '\n') {
        if (b != '\r') {
          line.append((char) b);
        }
        continue;
      }
      if (line.isEmpty()) {
        break; // end of the header section
      }
      // RFC 5322 §2.2.3: a line starting with white space continues the field.
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        current.append(line);
      } else {
        if (!current.isEmpty()) {
          fields.add(current.toString());
        }
        current.setLength(0);
        current.append(line);
      }
      line.setLength(0);
    }
    if (!current.isEmpty()) {
      fields.add(current.toString());
    }
    var domains = new ArrayList<String>();
    for (String field : fields) {
      int colon = field.indexOf(':');
      if (colon > 0 && field.substring(0, colon).strip().equalsIgnoreCase("From")) {
        // Header bytes were read as ISO-8859-1; re-read them as UTF-8 (RFC 6532).
        String value =
            new String(
                field.substring(colon + 1).getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8);
        for (String address : addresses(value)) {
          int at = address.lastIndexOf('@');
          if (at > 0) {
            String domain = address.substring(at + 1).strip().toLowerCase(Locale.ROOT);
            if (SmtpCommandParser.validDomain(domain)) {
              domains.add(domain);
            }
          }
        }
      }
    }
    return domains;
  }

  /**
   * Whether the header section may have a field named {@code name} (compared without regard to
   * case): false only when the whole header section was read within {@code maxOctets} and no field
   * line starts with that name and a colon.
   */
  public static boolean mayHaveField(InputStream message, String name, int maxOctets)
      throws IOException {
    var start = new StringBuilder();
    boolean empty = true;
    boolean named = false;
    int total = 0;
    int b;
    while (total < maxOctets && (b = message.read()) >= 0) {
      total++;
      if (b == '\n') {
        if (empty) {
          return false; // the empty line ends the header section
        }
        start.setLength(0);
        empty = true;
        named = false;
        continue;
      }
      if (b == '\r') {
        continue;
      }
      empty = false;
      if (named || start.length() > name.length() + 16) {
        continue;
      }
      if (b == ':') {
        named = true;
        // RFC 5322 §4.5.3 (obsolete syntax): white space may precede the colon.
        if (start.toString().stripTrailing().equalsIgnoreCase(name)) {
          return true;
        }
      } else {
        start.append((char) b);
      }
    }
    return true;
  }

  /** A message with some header fields removed, and how many octets were removed. */
  public record Filtered(InputStream message, long removed) {}

  /**
   * Removes every {@code Authentication-Results:} field whose authserv-id is {@code authServId}:
   * RFC 8601 §5 says a receiver must delete such fields coming from outside, or a sender could
   * forge this server's verdict. The header section is read up to {@code maxOctets}; past that the
   * message is passed on unchanged.
   */
  public static Filtered withoutAuthenticationResults(
      InputStream message, String authServId, int maxOctets) throws IOException {
    var header = new ByteArrayOutputStream();
    var fields = new ArrayList<byte[]>();
    var field = new ByteArrayOutputStream();
    var line = new ByteArrayOutputStream();
    boolean complete = false;
    int b;
    while (header.size() < maxOctets && (b = message.read()) >= 0) {
      header.write(b);
      line.write(b);
      if (b != '\n') {
        continue;
      }
      byte[] bytes = line.toByteArray();
      line.reset();
      boolean blank = bytes.length == 1 || (bytes.length == 2 && bytes[0] == '\r');
      boolean continuation = bytes[0] == ' ' || bytes[0] == '\t';
      if (!continuation && field.size() > 0) {
        fields.add(field.toByteArray());
        field.reset();
      }
      if (blank) {
        fields.add(bytes);
        complete = true;
        break;
      }
      field.write(bytes);
    }
    if (!complete) {
      return new Filtered(
          new SequenceInputStream(new ByteArrayInputStream(header.toByteArray()), message), 0);
    }
    var kept = new ByteArrayOutputStream(header.size());
    long removed = 0;
    for (byte[] f : fields) {
      if (isAuthenticationResultsOf(f, authServId)) {
        removed += f.length;
      } else {
        kept.write(f);
      }
    }
    return new Filtered(
        new SequenceInputStream(new ByteArrayInputStream(kept.toByteArray()), message), removed);
  }

  private static boolean isAuthenticationResultsOf(byte[] field, String authServId) {
    String text = new String(field, StandardCharsets.ISO_8859_1);
    int colon = text.indexOf(':');
    if (colon < 0 || !text.substring(0, colon).strip().equalsIgnoreCase("Authentication-Results")) {
      return false;
    }
    // RFC 8601 §2.2: the field starts with the authserv-id, comments (CFWS) allowed around it.
    String value = text.substring(colon + 1).replaceAll("\\([^)]*\\)", " ").strip();
    int end = 0;
    while (end < value.length()
        && value.charAt(end) != ';'
        && !Character.isWhitespace(value.charAt(end))) {
      end++;
    }
    return value.substring(0, end).equalsIgnoreCase(authServId);
  }

  /**
   * The addr-specs of an RFC 5322 §3.4 address list, ignoring quoted display names and comments.
   */
  static List<String> addresses(String value) {
    var result = new ArrayList<String>();
    var plain = new StringBuilder();
    var angle = new StringBuilder();
    boolean quoted = false;
    boolean inAngle = false;
    boolean sawAngle = false;
    int comment = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
        continue;
      }
      if (comment > 0) {
        if (c == '\\') {
          i++;
        } else if (c == '(') {
          comment++;
        } else if (c == ')') {
          comment--;
        }
        continue;
      }
      switch (c) {
        case '"' -> quoted = true;
        case '(' -> comment = 1;
        case '<' -> {
          inAngle = true;
          sawAngle = true;
          angle.setLength(0);
        }
        case '>' -> inAngle = false;
        case ',', ';' -> {
          add(result, sawAngle ? angle : plain);
          plain.setLength(0);
          angle.setLength(0);
          sawAngle = false;
          inAngle = false;
        }
        case ':' -> plain.setLength(0); // a group name ends here
        default -> (inAngle ? angle : plain).append(c);
      }
    }
    add(result, sawAngle ? angle : plain);
    return result;
  }

  private static void add(List<String> result, StringBuilder address) {
    String text = address.toString().strip();
    if (!text.isEmpty()) {
      result.add(text);
    }
  }
}
