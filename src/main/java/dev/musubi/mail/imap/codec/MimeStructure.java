package dev.musubi.mail.imap.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The MIME tree of a raw message as byte ranges (RFC 2045, RFC 2046), for FETCH BODY[section],
 * BODYSTRUCTURE and ENVELOPE (RFC 3501 §6.4.5, §7.4.2). Never copies the message; bounded in depth
 * and parts.
 */
public final class MimeStructure {

  static final int MAX_DEPTH = 20;
  static final int MAX_PARTS = 2000;

  /** A part: its header {@code [start, bodyStart)} and body {@code [bodyStart, end)}. */
  public static final class Part {
    final int start;
    final int bodyStart;
    final int end;
    final List<String[]> headers;
    final String type;
    final String subtype;
    final Map<String, String> params;
    final List<Part> children = new ArrayList<>();
    @Nullable Part embedded;

    Part(int start, int bodyStart, int end, List<String[]> headers, String defaultType) {
      this.start = start;
      this.bodyStart = bodyStart;
      this.end = end;
      this.headers = headers;
      String ct = header(headers, "content-type");
      String[] typeAndParams = parseContentType(ct == null ? defaultType : ct);
      String[] ts = typeAndParams[0].split("/", 2);
      if (ts.length == 2 && !ts[0].isBlank() && !ts[1].isBlank()) {
        this.type = ts[0].strip().toLowerCase(Locale.ROOT);
        this.subtype = ts[1].strip().toLowerCase(Locale.ROOT);
      } else {
        this.type = "text";
        this.subtype = "plain";
      }
      this.params = params(typeAndParams[1]);
      if (type.equals("text") && !params.containsKey("charset")) {
        params.put("charset", "us-ascii");
      }
    }

    boolean multipart() {
      return type.equals("multipart");
    }
  }

  private final byte[] raw;
  private final Part root;
  private int parts;

  private MimeStructure(byte[] raw) {
    this.raw = raw;
    this.root = parse(0, raw.length, "text/plain", 0);
  }

  public static MimeStructure of(byte[] raw) {
    return new MimeStructure(raw);
  }

  private Part parse(int start, int end, String defaultType, int depth) {
    int bodyStart = headerEnd(start, end);
    List<String[]> headers = headers(start, bodyStart);
    Part p = new Part(start, bodyStart, end, headers, defaultType);
    if (depth >= MAX_DEPTH || ++parts > MAX_PARTS) {
      return p;
    }
    if (p.multipart()) {
      String boundary = p.params.get("boundary");
      if (boundary != null && !boundary.isEmpty()) {
        String childDefault = p.subtype.equals("digest") ? "message/rfc822" : "text/plain";
        for (int[] range : bodyParts(bodyStart, end, boundary)) {
          p.children.add(parse(range[0], range[1], childDefault, depth + 1));
        }
      }
    } else if (p.type.equals("message") && p.subtype.equals("rfc822")) {
      p.embedded = parse(bodyStart, end, "text/plain", depth + 1);
    }
    return p;
  }

  /** The index after the blank line that ends the header, or {@code end} without one. */
  private int headerEnd(int start, int end) {
    int i = start;
    while (i < end) {
      int lineEnd = i;
      while (lineEnd < end && raw[lineEnd] != '\n') {
        lineEnd++;
      }
      int length = lineEnd - i;
      if (length == 0 || (length == 1 && raw[i] == '\r')) {
        return Math.min(end, lineEnd + 1);
      }
      i = lineEnd + 1;
    }
    return end;
  }

  private List<String[]> headers(int start, int end) {
    List<String[]> out = new ArrayList<>();
    String text = new String(raw, start, end - start, StandardCharsets.UTF_8);
    String name = null;
    StringBuilder value = new StringBuilder();
    for (String line : text.split("\r?\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
        value.append(line);
        continue;
      }
      if (name != null) {
        out.add(new String[] {name, value.toString().strip()});
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        name = null;
        continue;
      }
      name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      value = new StringBuilder(line.substring(colon + 1));
      if (out.size() > 1000) {
        break;
      }
    }
    if (name != null) {
      out.add(new String[] {name, value.toString().strip()});
    }
    return out;
  }

  private List<int[]> bodyParts(int start, int end, String boundary) {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    List<int[]> out = new ArrayList<>();
    int partStart = -1;
    int i = start;
    while (i < end) {
      int lineEnd = i;
      while (lineEnd < end && raw[lineEnd] != '\n') {
        lineEnd++;
      }
      if (startsWith(i, lineEnd, delimiter)) {
        int after = i + delimiter.length;
        boolean last = after + 1 < lineEnd && raw[after] == '-' && raw[after + 1] == '-';
        if (partStart >= 0) {
          // RFC 2046 §5.1.1: the CRLF before a delimiter belongs to the delimiter.
          int partEnd = i;
          if (partEnd > partStart && raw[partEnd - 1] == '\n') {
            partEnd--;
            if (partEnd > partStart && raw[partEnd - 1] == '\r') {
              partEnd--;
            }
          }
          out.add(new int[] {partStart, Math.max(partStart, partEnd)});
        }
        if (last) {
          return out;
        }
        partStart = Math.min(end, lineEnd + 1);
      }
      i = lineEnd + 1;
    }
    if (partStart >= 0 && partStart < end) {
      out.add(new int[] {partStart, end});
    }
    return out;
  }

  private boolean startsWith(int from, int lineEnd, byte[] prefix) {
    if (lineEnd - from < prefix.length) {
      return false;
    }
    for (int k = 0; k < prefix.length; k++) {
      if (raw[from + k] != prefix[k]) {
        return false;
      }
    }
    return true;
  }

  // --- sections ------------------------------------------------------------------------------

  /** The part a section path names, or null when it does not exist; the root for an empty path. */
  private @Nullable Part locate(int[] path) {
    Part target = root;
    for (int depth = 0; depth < path.length; depth++) {
      int n = path[depth];
      Part container = target == root || target.embedded == null ? target : target.embedded;
      if (container.multipart()) {
        if (n < 1 || n > container.children.size()) {
          return null;
        }
        target = container.children.get(n - 1);
      } else if (n == 1) {
        target = container;
      } else {
        return null;
      }
    }
    return target;
  }

  /**
   * The octets of BINARY[section] (RFC 3516): the whole message for an empty path, else the part's
   * body with its Content-Transfer-Encoding (base64, quoted-printable) undone; null when the part
   * does not exist.
   *
   * @throws ImapProtocolException {@code [UNKNOWN-CTE]} for an encoding the server cannot undo
   */
  public byte @Nullable [] decoded(int[] path) throws ImapProtocolException {
    Part target = locate(path);
    if (target == null) {
      return null;
    }
    if (path.length == 0) {
      return copy(root.start, root.end);
    }
    String cte = header(target.headers, "content-transfer-encoding");
    String encoding = cte == null ? "7bit" : cte.strip().toLowerCase(Locale.ROOT);
    byte[] body = copy(target.bodyStart, target.end);
    java.io.InputStream in =
        switch (encoding) {
          case "7bit", "8bit", "binary" -> null;
          case "base64" ->
              new org.apache.james.mime4j.codec.Base64InputStream(
                  new java.io.ByteArrayInputStream(body),
                  org.apache.james.mime4j.codec.DecodeMonitor.SILENT);
          case "quoted-printable" ->
              new org.apache.james.mime4j.codec.QuotedPrintableInputStream(
                  new java.io.ByteArrayInputStream(body),
                  org.apache.james.mime4j.codec.DecodeMonitor.SILENT);
          default -> throw new ImapProtocolException("[UNKNOWN-CTE] Unknown transfer encoding");
        };
    if (in == null || target.multipart() || target.embedded != null) {
      return body;
    }
    try (in) {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      // A broken encoding: the octets as they are, as webmail shows them.
      return body;
    }
  }

  /** The octets of a BODY[section], or null when the section does not exist. */
  public byte @Nullable [] section(int[] path, String kind, List<String> fields) {
    Part target = locate(path);
    if (target == null) {
      return null;
    }
    // The message whose HEADER/TEXT the kind means.
    Part message = path.length == 0 ? root : target.embedded;
    return switch (kind) {
      case "" -> path.length == 0 ? copy(root.start, root.end) : copy(target.bodyStart, target.end);
      case "MIME" -> copy(target.start, target.bodyStart);
      case "HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT" -> {
        Part m = path.length == 0 ? root : message;
        if (m == null) {
          yield null;
        }
        if (kind.equals("TEXT")) {
          yield copy(m.bodyStart, m.end);
        }
        if (kind.equals("HEADER")) {
          yield copy(m.start, m.bodyStart);
        }
        yield headerFields(m, fields, kind.endsWith(".NOT"));
      }
      default -> null;
    };
  }

  private byte[] headerFields(Part m, List<String> names, boolean not) {
    var lower = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    var out = new java.io.ByteArrayOutputStream();
    int i = m.start;
    boolean keep = false;
    while (i < m.bodyStart) {
      int lineEnd = i;
      while (lineEnd < m.bodyStart && raw[lineEnd] != '\n') {
        lineEnd++;
      }
      int next = Math.min(m.bodyStart, lineEnd + 1);
      boolean blank = lineEnd - i == 0 || (lineEnd - i == 1 && raw[i] == '\r');
      if (blank) {
        break;
      }
      if (raw[i] != ' ' && raw[i] != '\t') {
        int colon = i;
        while (colon < lineEnd && raw[colon] != ':') {
          colon++;
        }
        String name =
            new String(raw, i, colon - i, StandardCharsets.ISO_8859_1)
                .strip()
                .toLowerCase(Locale.ROOT);
        keep = lower.contains(name) != not;
      }
      if (keep) {
        out.write(raw, i, lineEnd - i);
        if (lineEnd == i || raw[lineEnd - 1] != '\r') {
          out.write('\r');
        }
        out.write('\n');
      }
      i = next;
    }
    out.write('\r');
    out.write('\n');
    return out.toByteArray();
  }

  private byte[] copy(int from, int to) {
    return java.util.Arrays.copyOfRange(raw, from, Math.max(from, to));
  }

  // --- BODYSTRUCTURE and ENVELOPE --------------------------------------------------------------

  /** BODYSTRUCTURE ({@code extended}) or BODY of the message. */
  public void bodyStructure(ResponseWriter w, boolean extended) {
    structure(w, root, extended);
  }

  private void structure(ResponseWriter w, Part p, boolean extended) {
    if (p.multipart() && !p.children.isEmpty()) {
      w.ascii("(");
      for (Part c : p.children) {
        structure(w, c, extended);
      }
      w.ascii(" ").string(p.subtype.toUpperCase(Locale.ROOT));
      if (extended) {
        w.ascii(" ");
        params(w, p.params);
        w.ascii(" ");
        disposition(w, p);
        w.ascii(" NIL NIL");
      }
      w.ascii(")");
      return;
    }
    String type = p.multipart() ? "text" : p.type;
    String subtype = p.multipart() ? "plain" : p.subtype;
    w.ascii("(")
        .string(type.toUpperCase(Locale.ROOT))
        .ascii(" ")
        .string(subtype.toUpperCase(Locale.ROOT));
    w.ascii(" ");
    params(w, p.params);
    w.ascii(" ").nstring(header(p.headers, "content-id"));
    w.ascii(" ").nstring(header(p.headers, "content-description"));
    String encoding = header(p.headers, "content-transfer-encoding");
    w.ascii(" ").string(encoding == null ? "7BIT" : encoding.strip().toUpperCase(Locale.ROOT));
    w.ascii(" " + (p.end - p.bodyStart));
    if (type.equals("message") && subtype.equals("rfc822") && p.embedded != null) {
      w.ascii(" ");
      envelope(w, p.embedded);
      w.ascii(" ");
      structure(w, p.embedded, extended);
      w.ascii(" " + lines(p.bodyStart, p.end));
    } else if (type.equals("text")) {
      w.ascii(" " + lines(p.bodyStart, p.end));
    }
    if (extended) {
      w.ascii(" ").nstring(header(p.headers, "content-md5")).ascii(" ");
      disposition(w, p);
      w.ascii(" ").nstring(header(p.headers, "content-language")).ascii(" ");
      w.nstring(header(p.headers, "content-location"));
    }
    w.ascii(")");
  }

  private void disposition(ResponseWriter w, Part p) {
    String d = header(p.headers, "content-disposition");
    if (d == null) {
      w.ascii("NIL");
      return;
    }
    String[] tp = parseContentType(d);
    if (tp[0].isBlank()) {
      w.ascii("NIL");
      return;
    }
    w.ascii("(").string(tp[0].strip().toUpperCase(Locale.ROOT)).ascii(" ");
    params(w, params(tp[1]));
    w.ascii(")");
  }

  private static void params(ResponseWriter w, Map<String, String> params) {
    if (params.isEmpty()) {
      w.ascii("NIL");
      return;
    }
    w.ascii("(");
    boolean first = true;
    for (var e : params.entrySet()) {
      if (!first) {
        w.ascii(" ");
      }
      first = false;
      w.string(e.getKey().toUpperCase(Locale.ROOT)).ascii(" ").string(e.getValue());
    }
    w.ascii(")");
  }

  private long lines(int from, int to) {
    long n = 0;
    for (int i = from; i < to; i++) {
      if (raw[i] == '\n') {
        n++;
      }
    }
    return n;
  }

  /** ENVELOPE of the message (RFC 3501 §7.4.2). */
  public void envelope(ResponseWriter w) {
    envelope(w, root);
  }

  private static void envelope(ResponseWriter w, Part m) {
    List<String[]> h = m.headers;
    String from = header(h, "from");
    String sender = header(h, "sender");
    String replyTo = header(h, "reply-to");
    w.ascii("(").nstring(header(h, "date"));
    w.ascii(" ").nstring(header(h, "subject"));
    w.ascii(" ");
    addresses(w, from);
    w.ascii(" ");
    addresses(w, sender == null ? from : sender);
    w.ascii(" ");
    addresses(w, replyTo == null ? from : replyTo);
    w.ascii(" ");
    addresses(w, header(h, "to"));
    w.ascii(" ");
    addresses(w, header(h, "cc"));
    w.ascii(" ");
    addresses(w, header(h, "bcc"));
    w.ascii(" ").nstring(header(h, "in-reply-to"));
    w.ascii(" ").nstring(header(h, "message-id"));
    w.ascii(")");
  }

  private static void addresses(ResponseWriter w, @Nullable String value) {
    if (value == null || value.isBlank()) {
      w.ascii("NIL");
      return;
    }
    List<String[]> list = parseAddresses(value);
    if (list.isEmpty()) {
      w.ascii("NIL");
      return;
    }
    w.ascii("(");
    for (String[] a : list) {
      w.ascii("(").nstring(a[0]).ascii(" NIL ").nstring(a[1]).ascii(" ").nstring(a[2]).ascii(")");
    }
    w.ascii(")");
  }

  /** {@code [name or null, mailbox, host or null]} for each address, at most 1000. */
  static List<String[]> parseAddresses(String value) {
    List<String> items = new ArrayList<>();
    var current = new StringBuilder();
    boolean quoted = false;
    int angle = 0;
    int comment = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && quoted && i + 1 < value.length()) {
        current.append(c).append(value.charAt(++i));
        continue;
      }
      if (c == '"' && comment == 0) {
        quoted = !quoted;
      } else if (!quoted && c == '<') {
        angle++;
      } else if (!quoted && c == '>') {
        angle = Math.max(0, angle - 1);
      } else if (!quoted && c == '(') {
        comment++;
      } else if (!quoted && c == ')') {
        comment = Math.max(0, comment - 1);
      } else if (!quoted && angle == 0 && comment == 0 && (c == ',' || c == ';')) {
        items.add(current.toString());
        current.setLength(0);
        continue;
      }
      current.append(c);
    }
    items.add(current.toString());
    List<String[]> out = new ArrayList<>();
    for (String item : items) {
      String s = item.strip();
      int colon = s.indexOf(':');
      if (colon >= 0 && s.indexOf('<') < 0
          || colon >= 0 && colon < s.indexOf('<') && !s.startsWith("\"")) {
        s = s.substring(colon + 1).strip(); // a group's display name
      }
      if (s.isEmpty() || out.size() >= 1000) {
        continue;
      }
      String name = null;
      String address = s;
      int open = s.lastIndexOf('<');
      int close = s.lastIndexOf('>');
      if (open >= 0 && close > open) {
        address = s.substring(open + 1, close).strip();
        String n = s.substring(0, open).strip();
        if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) {
          n = n.substring(1, n.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        name = n.isEmpty() ? null : n;
      } else {
        address = s.replaceAll("\\([^)]*\\)", "").strip();
      }
      int at = address.lastIndexOf('@');
      if (at < 0) {
        out.add(new String[] {name, address, null});
      } else {
        out.add(new String[] {name, address.substring(0, at), address.substring(at + 1)});
      }
    }
    return out;
  }

  /** The first value of a header field of the message (unfolded, not decoded), or null. */
  public static @Nullable String headerValue(byte[] raw, String name) {
    return header(of(raw).root.headers, name.toLowerCase(Locale.ROOT));
  }

  /** The message's header section as text (8-bit octets read as UTF-8). */
  public static String headerText(byte[] raw) {
    MimeStructure m = of(raw);
    return new String(raw, 0, m.root.bodyStart, StandardCharsets.UTF_8);
  }

  static @Nullable String header(List<String[]> headers, String name) {
    for (String[] h : headers) {
      if (h[0].equals(name)) {
        return h[1];
      }
    }
    return null;
  }

  /** {@code [value before the first ';', the rest]}. */
  static String[] parseContentType(String value) {
    int semi = value.indexOf(';');
    return semi < 0
        ? new String[] {value.strip(), ""}
        : new String[] {value.substring(0, semi).strip(), value.substring(semi + 1)};
  }

  static Map<String, String> params(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    while (i < text.length() && out.size() < 50) {
      while (i < text.length()
          && (text.charAt(i) == ';' || Character.isWhitespace(text.charAt(i)))) {
        i++;
      }
      int eq = text.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String name = text.substring(i, eq).strip().toLowerCase(Locale.ROOT);
      i = eq + 1;
      while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      var value = new StringBuilder();
      if (i < text.length() && text.charAt(i) == '"') {
        i++;
        while (i < text.length() && text.charAt(i) != '"') {
          if (text.charAt(i) == '\\' && i + 1 < text.length()) {
            i++;
          }
          value.append(text.charAt(i++));
        }
        i++;
      } else {
        while (i < text.length() && text.charAt(i) != ';') {
          value.append(text.charAt(i++));
        }
      }
      if (!name.isEmpty()) {
        out.put(name, value.toString().strip());
      }
    }
    return out;
  }
}
