package dev.musubi.mail.imap.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Builds response text with IMAP strings (RFC 3501 §4.3): a quoted string where that is exact, a
 * literal otherwise (8-bit text, CR, LF, long values), {@code NIL} for absent ones.
 */
public final class ResponseWriter {

  private final ByteArrayOutputStream out;

  public ResponseWriter() {
    this(new ByteArrayOutputStream(256));
  }

  /** A writer that appends to {@code into} (a batch of responses), not to a buffer of its own. */
  public ResponseWriter(ByteArrayOutputStream into) {
    this.out = into;
  }

  public ResponseWriter ascii(String text) {
    out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  public ResponseWriter nstring(@Nullable String value) {
    if (value == null) {
      return ascii("NIL");
    }
    return string(value);
  }

  public ResponseWriter string(String value) {
    if (quotable(value)) {
      out.write('"');
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '"' || c == '\\') {
          out.write('\\');
        }
        out.write(c);
      }
      out.write('"');
      return this;
    }
    return literal(value.getBytes(StandardCharsets.UTF_8));
  }

  public ResponseWriter literal(byte[] value) {
    return literal(value, 0, value.length);
  }

  public ResponseWriter literal(byte[] value, int offset, int length) {
    ascii("{" + length + "}\r\n");
    out.write(value, offset, length);
    return this;
  }

  /**
   * Octets for BINARY (RFC 3516): a {@code literal8} ({@code ~{n}}) when they hold a NUL, which no
   * plain literal may, a literal otherwise.
   */
  public ResponseWriter binary(byte[] value, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (value[i] == 0) {
        ascii("~");
        break;
      }
    }
    return literal(value, offset, length);
  }

  /** Response text made earlier by a writer (a stored {@link ImapSummary} part), as is. */
  public ResponseWriter raw(byte[] text) {
    out.writeBytes(text);
    return this;
  }

  public ResponseWriter crlf() {
    return ascii("\r\n");
  }

  public int size() {
    return out.size();
  }

  public byte[] bytes() {
    return out.toByteArray();
  }

  static boolean quotable(String value) {
    if (value.length() > 1000) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
