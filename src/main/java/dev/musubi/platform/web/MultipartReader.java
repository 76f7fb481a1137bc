package dev.musubi.platform.web;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@code multipart/form-data} body part by part while it arrives, so that an upload of
 * several GiB goes straight to the blob store: the reader holds one 64 KiB buffer, never a part.
 */
public final class MultipartReader {

  /** The body was not well-formed multipart. */
  public static final class MalformedException extends IOException {
    MalformedException(String message) {
      super(message);
    }
  }

  /** One part: its form field name, file name (if any), content type and body. */
  public record Part(
      String name, @Nullable String filename, @Nullable String contentType, InputStream body) {}

  private static final int MAX_LINE = 16 * 1024;
  private static final int MAX_HEADERS = 32;

  private final InputStream in;
  private final byte[] delimiter;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int lim;
  private boolean eof;
  private boolean finished;
  private @Nullable Body current;

  public MultipartReader(InputStream in, String boundary) {
    // The first delimiter is not preceded by CRLF; pretend it is, so every delimiter looks alike.
    this.in = new SequenceInputStream(new ByteArrayInputStream(new byte[] {'\r', '\n'}), in);
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    this.current = new Body(); // the preamble
  }

  /** The boundary parameter of a multipart content type, or null. */
  public static @Nullable String boundary(@Nullable String contentType) {
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      return null;
    }
    for (String param : contentType.split(";")) {
      String p = param.strip();
      if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
        String b = p.substring(9).strip();
        if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
          b = b.substring(1, b.length() - 1);
        }
        return b.isEmpty() || b.length() > 200 ? null : b;
      }
    }
    return null;
  }

  /** The next part, or null after the last one. Reading it ends the previous part's body. */
  public @Nullable Part next() throws IOException {
    if (finished) {
      return null;
    }
    if (current != null) {
      current.drain();
      current = null;
    }
    if (!ensure(2)) {
      throw new MalformedException("truncated multipart body");
    }
    if (buf[pos] == '-' && buf[pos + 1] == '-') {
      finished = true;
      return null;
    }
    readLine(); // the rest of the delimiter line
    String name = null;
    String filename = null;
    String contentType = null;
    for (int i = 0; ; i++) {
      if (i > MAX_HEADERS) {
        throw new MalformedException("too many part headers");
      }
      String line = readLine();
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String header = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      if (header.equals("content-disposition")) {
        name = param(value, "name");
        String star = param(value, "filename*");
        filename = star != null ? decodeExtended(star) : param(value, "filename");
      } else if (header.equals("content-type")) {
        contentType = value;
      }
    }
    if (name == null) {
      throw new MalformedException("part without a name");
    }
    Body body = new Body();
    current = body;
    return new Part(name, filename, contentType, body);
  }

  private static @Nullable String param(String header, String key) {
    int i = 0;
    String lower = header.toLowerCase(Locale.ROOT);
    while (true) {
      int at = lower.indexOf(key + "=", i);
      if (at < 0) {
        return null;
      }
      boolean boundaryBefore =
          at == 0 || lower.charAt(at - 1) == ';' || lower.charAt(at - 1) == ' ';
      int start = at + key.length() + 1;
      if (!boundaryBefore) {
        i = start;
        continue;
      }
      if (start < header.length() && header.charAt(start) == '"') {
        StringBuilder sb = new StringBuilder();
        for (int j = start + 1; j < header.length(); j++) {
          char c = header.charAt(j);
          if (c == '"') {
            break;
          } else {
            sb.append(c);
          }
        }
        return sb.toString();
      }
      int end = header.indexOf(';', start);
      return header.substring(start, end < 0 ? header.length() : end).strip();
    }
  }

  private static @Nullable String decodeExtended(String value) {
    int q = value.indexOf("''");
    if (q < 0) {
      return null;
    }
    try {
      return URLDecoder.decode(value.substring(q + 2).replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      if (!ensure(1)) {
        throw new MalformedException("truncated part headers");
      }
      byte b = buf[pos++];
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int len =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
      }
      line.write(b);
      if (line.size() > MAX_LINE) {
        throw new MalformedException("part header line too long");
      }
    }
  }

  /** Makes at least {@code n} bytes available from {@code pos}; false at the end of input. */
  private boolean ensure(int n) throws IOException {
    while (lim - pos < n) {
      if (eof) {
        return false;
      }
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, lim - pos);
        lim -= pos;
        pos = 0;
      }
      int r = in.read(buf, lim, buf.length - lim);
      if (r < 0) {
        eof = true;
      } else {
        lim += r;
      }
    }
    return true;
  }

  private int indexOfDelimiter() {
    outer:
    for (int i = pos; i <= lim - delimiter.length; i++) {
      for (int j = 0; j < delimiter.length; j++) {
        if (buf[i + j] != delimiter[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** A part's body: ends just before the next delimiter, which it then consumes. */
  private final class Body extends InputStream {
    private boolean done;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int r = read(one, 0, 1);
      return r < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      while (true) {
        ensure(delimiter.length);
        int at = indexOfDelimiter();
        int safe;
        if (at >= 0) {
          safe = at - pos;
          if (safe == 0) {
            pos += delimiter.length;
            done = true;
            return -1;
          }
        } else {
          safe = lim - pos - (delimiter.length - 1);
          if (safe <= 0) {
            if (eof) {
              throw new MalformedException("multipart body ends without its closing delimiter");
            }
            // compact and read more
            ensure(lim - pos + 1);
            continue;
          }
        }
        int n = Math.min(len, safe);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
      }
    }

    void drain() throws IOException {
      byte[] skip = new byte[8192];
      while (read(skip, 0, skip.length) >= 0) {
        // discard
      }
    }
  }
}
