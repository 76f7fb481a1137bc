package dev.musubi.mail.internal;

import dev.musubi.mail.MailAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.jspecify.annotations.Nullable;

/**
 * Parses messages with Apache mime4j within fixed bounds (nesting, parts, headers, line length),
 * decoding the charsets Japanese mail uses (ISO-2022-JP, Shift_JIS, EUC-JP, UTF-8) in bodies and in
 * RFC 2047 encoded words and RFC 2231 parameters. Never throws for the content of a message: what
 * cannot be parsed is reported in {@link ParsedMail#parseError()}.
 */
public final class MimeParser {

  static final int MAX_DEPTH = 20;
  static final int MAX_PARTS = 500;
  static final int MAX_TEXT_CHARS = 1_000_000;

  /** Common labels replaced by their supersets (the vendor extensions Japanese mail relies on). */
  private static final Map<String, String> CHARSET_ALIASES =
      Map.of(
          "shift_jis", "windows-31j",
          "shift-jis", "windows-31j",
          "sjis", "windows-31j",
          "x-sjis", "windows-31j",
          "iso-2022-jp", "x-windows-iso2022jp",
          "euc-jp", "EUC-JP",
          "ks_c_5601-1987", "x-windows-949",
          "gb2312", "GBK");

  private static final Map<Charset, Charset> HEADER_CHARSETS = headerCharsets();

  private MimeParser() {}

  static MimeConfig config() {
    return MimeConfig.custom()
        .setMaxLineLen(100_000)
        .setMaxHeaderCount(1_000)
        .setMaxHeaderLen(100_000)
        .setMaxTotalHeaderCount(5_000)
        .setMaxTotalHeaderLen(2_000_000)
        .setMaxNestingDepth(MAX_DEPTH)
        .setMaxPartCount(MAX_PARTS)
        .setMaxContentLen(-1)
        .setStrictParsing(false)
        .build();
  }

  static DefaultMessageBuilder builder() {
    DefaultMessageBuilder b = new DefaultMessageBuilder();
    b.setMimeEntityConfig(config());
    b.setDecodeMonitor(DecodeMonitor.SILENT);
    return b;
  }

  /** Parses a whole message; the stream is read to the end or to the first bound. */
  public static ParsedMail parse(InputStream raw) throws IOException {
    byte[] head = new byte[0];
    Message message;
    try {
      message = builder().parseMessage(raw);
    } catch (IOException | RuntimeException e) {
      return new ParsedMail(
          "",
          "",
          List.of(),
          "",
          null,
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          null,
          "",
          "",
          List.of(),
          problem(e));
    }
    try {
      return read(message);
    } catch (RuntimeException e) {
      return new ParsedMail(
          "",
          "",
          List.of(),
          "",
          null,
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          null,
          "",
          "",
          List.of(),
          problem(e));
    } finally {
      message.dispose();
    }
  }

  /**
   * Reads the top-level header of a message whose MIME structure is beyond the bounds: the first
   * fields, unfolded and decoded, so the message can still be listed.
   */
  public static ParsedMail headersOnly(byte[] head, String parseError) {
    String text = new String(head, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      end = text.indexOf("\n\n");
    }
    if (end >= 0) {
      text = text.substring(0, end);
    }
    String unfolded = text.replaceAll("\r?\n[ \t]+", " ");
    String subject = "";
    String messageId = "";
    MailAddress from = null;
    int n = 0;
    for (String line : unfolded.split("\r?\n")) {
      if (++n > 1_000) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      switch (name) {
        case "subject" -> subject = subject.isEmpty() ? header(value) : subject;
        case "message-id" -> messageId = messageId.isEmpty() ? angle(value) : messageId;
        case "from" -> {
          if (from == null) {
            AddressList list =
                org.apache.james.mime4j.field.address.LenientAddressParser.DEFAULT.parseAddressList(
                    value);
            List<MailAddress> a = addresses(list);
            from = a.isEmpty() ? null : a.get(0);
          }
        }
        default -> {}
      }
    }
    return new ParsedMail(
        messageId,
        "",
        List.of(),
        clip(subject, 2000),
        from,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        null,
        "",
        "",
        List.of(),
        parseError);
  }

  private static ParsedMail read(Message m) {
    String messageId = angle(Optional.ofNullable(field(m, "Message-ID")).orElse(""));
    String inReplyTo =
        ids(Optional.ofNullable(field(m, "In-Reply-To")).orElse("")).stream()
            .findFirst()
            .orElse("");
    List<String> refs = ids(Optional.ofNullable(field(m, "References")).orElse(""));
    String subject = header(Optional.ofNullable(field(m, "Subject")).orElse(""));
    MailboxList fromList = m.getFrom();
    MailAddress from = null;
    if (fromList != null && !fromList.isEmpty()) {
      from = mailbox(fromList.get(0));
    }
    Instant date = m.getDate() == null ? null : m.getDate().toInstant();

    StringBuilder text = new StringBuilder();
    StringBuilder html = new StringBuilder();
    List<ParsedMail.Attachment> attachments = new ArrayList<>();
    String error = "";
    record Node(Entity entity, String path, int depth) {}
    Deque<Node> stack = new ArrayDeque<>();
    stack.push(new Node(m, "", 0));
    int parts = 0;
    while (!stack.isEmpty()) {
      Node node = stack.pop();
      if (++parts > MAX_PARTS) {
        error = "too many parts";
        break;
      }
      Entity e = node.entity();
      Body body = e.getBody();
      if (body instanceof Multipart mp) {
        if (node.depth() >= MAX_DEPTH) {
          error = "nested too deeply";
          continue;
        }
        List<Entity> children = mp.getBodyParts();
        boolean alternative = "alternative".equalsIgnoreCase(mp.getSubType());
        for (int i = children.size() - 1; i >= 0; i--) {
          String p = node.path().isEmpty() ? Integer.toString(i + 1) : node.path() + "." + (i + 1);
          stack.push(new Node(children.get(i), p, node.depth() + 1));
        }
        if (alternative && children.isEmpty()) {
          continue;
        }
      } else if (body instanceof Message inner
          && node.depth() < MAX_DEPTH
          && !"attachment".equalsIgnoreCase(e.getDispositionType())) {
        // An attached message is offered as an attachment (.eml).
        attachments.add(
            new ParsedMail.Attachment(
                node.path().isEmpty() ? "1" : node.path(),
                clip(orEmpty(inner.getSubject()), 200) + ".eml",
                "message/rfc822",
                -1));
      } else if (body instanceof SingleBody single) {
        String type = orEmpty(e.getMimeType()).toLowerCase(Locale.ROOT);
        String filename = filename(e);
        boolean attachment =
            "attachment".equalsIgnoreCase(e.getDispositionType())
                || (filename != null && !filename.isEmpty())
                || !(type.equals("text/plain") || type.equals("text/html"));
        if (attachment) {
          long size = size(single);
          String name = filename == null || filename.isBlank() ? defaultName(type) : filename;
          attachments.add(
              new ParsedMail.Attachment(
                  node.path().isEmpty() ? "1" : node.path(), clip(name, 255), type, size));
        } else if (type.equals("text/html")) {
          if (html.length() < MAX_TEXT_CHARS) {
            html.append(decode(single, e.getCharset()));
          }
        } else if (text.length() < MAX_TEXT_CHARS) {
          if (!text.isEmpty()) {
            text.append("\n");
          }
          text.append(decode(single, e.getCharset()));
        }
      }
    }
    return new ParsedMail(
        clip(messageId, 1000),
        clip(inReplyTo, 1000),
        refs,
        clip(subject, 2000),
        from,
        addresses(m.getTo()),
        addresses(m.getCc()),
        addresses(m.getBcc()),
        addresses(m.getReplyTo()),
        date,
        clip(text.toString(), MAX_TEXT_CHARS),
        clip(html.toString(), MAX_TEXT_CHARS),
        List.copyOf(attachments),
        error);
  }

  /** The decoded content of a body part (transfer encoding removed), for attachment download. */
  public static Optional<Part> part(InputStream raw, String path) throws IOException {
    Message m;
    try {
      m = builder().parseMessage(raw);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    try {
      Entity e = m;
      for (String step : path.split("\\.")) {
        int index;
        try {
          index = Integer.parseInt(step) - 1;
        } catch (NumberFormatException ex) {
          return Optional.empty();
        }
        if (e.getBody() instanceof Multipart mp) {
          if (index < 0 || index >= mp.getBodyParts().size()) {
            return Optional.empty();
          }
          e = mp.getBodyParts().get(index);
        } else if (!(index == 0 && e == m)) {
          return Optional.empty();
        }
      }
      String type = orEmpty(e.getMimeType()).toLowerCase(Locale.ROOT);
      String name = filename(e);
      if (e.getBody() instanceof SingleBody single) {
        try (InputStream in = single.getInputStream()) {
          return Optional.of(
              new Part(name == null ? defaultName(type) : name, type, in.readAllBytes()));
        }
      }
      if (e.getBody() instanceof Message inner) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new org.apache.james.mime4j.message.DefaultMessageWriter().writeMessage(inner, out);
        return Optional.of(
            new Part(
                clip(orEmpty(inner.getSubject()), 200) + ".eml",
                "message/rfc822",
                out.toByteArray()));
      }
      return Optional.empty();
    } finally {
      m.dispose();
    }
  }

  /** A decoded attachment. */
  public record Part(String name, String contentType, byte[] content) {}

  // ---------------------------------------------------------------------------------------------

  /** Decodes RFC 2047 encoded words (and raw 8-bit header bytes as UTF-8 or ISO-2022-JP). */
  public static String header(String raw) {
    String value = raw;
    if (value.contains("\u001b$B") || value.contains("\u001b$@")) {
      value = new String(value.getBytes(StandardCharsets.ISO_8859_1), charset("iso-2022-jp"));
    }
    try {
      return DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT, null, HEADER_CHARSETS)
          .replaceAll("[\\r\\n]+", " ")
          .strip();
    } catch (RuntimeException e) {
      return value.replaceAll("[\\r\\n]+", " ").strip();
    }
  }

  static Charset charset(@Nullable String label) {
    if (label == null || label.isBlank()) {
      return StandardCharsets.US_ASCII;
    }
    String l = label.strip().replace("\"", "").toLowerCase(Locale.ROOT);
    String name = CHARSET_ALIASES.getOrDefault(l, l);
    try {
      return Charset.forName(name);
    } catch (RuntimeException e) {
      try {
        return Charset.forName(l);
      } catch (RuntimeException e2) {
        return StandardCharsets.UTF_8;
      }
    }
  }

  private static String decode(SingleBody body, @Nullable String charset) {
    try (InputStream in = body.getInputStream()) {
      byte[] bytes = in.readNBytes(MAX_TEXT_CHARS * 4);
      Charset cs = charset(charset);
      if (cs.equals(StandardCharsets.US_ASCII)) {
        cs = looksLikeUtf8(bytes) ? StandardCharsets.UTF_8 : charset("iso-2022-jp");
      }
      return new String(bytes, cs);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static boolean looksLikeUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
      for (byte b : bytes) {
        if (b == 0x1b) {
          return false;
        }
      }
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  private static long size(SingleBody body) {
    try (InputStream in = body.getInputStream()) {
      return in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static final Pattern RFC2231 =
      Pattern.compile("(?i)filename\\*(?:0\\*?)?=([^']*)'[^']*'([^;\\r\\n]*)");

  private static @Nullable String filename(Entity e) {
    Field disposition =
        e.getHeader() == null ? null : e.getHeader().getField("Content-Disposition");
    if (disposition != null) {
      String raw = disposition.getBody();
      Matcher m = RFC2231.matcher(raw);
      if (m.find()) {
        // RFC 2231 §4: charset'language'percent-encoded; continuations joined in order.
        StringBuilder all = new StringBuilder(m.group(2).strip());
        Matcher more =
            Pattern.compile("(?i)filename\\*([1-9][0-9]*)\\*?=([^;\\r\\n]*)").matcher(raw);
        while (more.find()) {
          all.append(more.group(2).strip().replace("\"", ""));
        }
        try {
          String encoded = all.toString().replace("+", "%2B");
          return URLDecoder.decode(encoded, charset(m.group(1).isBlank() ? "utf-8" : m.group(1)));
        } catch (IllegalArgumentException ex) {
          return all.toString();
        }
      }
    }
    String name = e.getFilename();
    if (name == null && e.getHeader() != null) {
      Field ct = e.getHeader().getField("Content-Type");
      if (ct != null) {
        Matcher m = Pattern.compile("(?i)name=\"?([^\";\\r\\n]*)").matcher(ct.getBody());
        if (m.find()) {
          name = m.group(1);
        }
      }
    }
    return name == null ? null : clip(header(name), 255).replaceAll("[\\\\/\\p{Cntrl}]", "_");
  }

  private static String defaultName(String type) {
    return switch (type) {
      case "text/plain" -> "attachment.txt";
      case "text/html" -> "attachment.html";
      case "message/rfc822" -> "message.eml";
      default -> "attachment";
    };
  }

  private static @Nullable String field(Message m, String name) {
    if (m.getHeader() == null) {
      return null;
    }
    Field f = m.getHeader().getField(name);
    return f == null ? null : f.getBody();
  }

  private static List<MailAddress> addresses(@Nullable AddressList list) {
    List<MailAddress> out = new ArrayList<>();
    if (list == null) {
      return out;
    }
    for (Address a : list) {
      if (out.size() >= 500) {
        break;
      }
      if (a instanceof Mailbox mb) {
        out.add(mailbox(mb));
      } else if (a instanceof Group g) {
        for (Mailbox mb : g.getMailboxes()) {
          out.add(mailbox(mb));
        }
      }
    }
    return out;
  }

  private static List<MailAddress> addresses(@Nullable MailboxList list) {
    List<MailAddress> out = new ArrayList<>();
    if (list != null) {
      for (Mailbox mb : list) {
        out.add(mailbox(mb));
      }
    }
    return out;
  }

  private static MailAddress mailbox(Mailbox mb) {
    String name = mb.getName();
    if (name != null) {
      name = clip(header(name), 200);
      if (name.isBlank()) {
        name = null;
      }
    }
    return new MailAddress(name, clip(mb.getAddress().strip(), 320));
  }

  private static final Pattern MSG_ID = Pattern.compile("<([^<>\\s]{1,998})>");

  static List<String> ids(String raw) {
    List<String> out = new ArrayList<>();
    Matcher m = MSG_ID.matcher(raw);
    while (m.find() && out.size() < 50) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String angle(String raw) {
    List<String> ids = ids(raw);
    return ids.isEmpty() ? raw.strip().replaceAll("[\\s<>]", "") : ids.get(0);
  }

  private static String problem(Exception e) {
    String name = e.getClass().getSimpleName();
    String msg = e.getMessage() == null ? "" : e.getMessage();
    return clip(name + ": " + msg, 400).replaceAll("\\p{Cntrl}", " ");
  }

  static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  private static Map<Charset, Charset> headerCharsets() {
    Map<Charset, Charset> m = new java.util.HashMap<>();
    m.put(Charset.forName("Shift_JIS"), charset("shift_jis"));
    m.put(Charset.forName("ISO-2022-JP"), charset("iso-2022-jp"));
    return Map.copyOf(m);
  }
}
