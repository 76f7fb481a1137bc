package dev.musubi.mail.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Signs a message with DKIM (RFC 6376): {@code rsa-sha256}, relaxed/relaxed canonicalisation, over
 * the headers that identify the message. Plain Java, no Spring.
 */
public final class DkimSigner {

  private static final Set<String> SIGNED =
      Set.of(
          "from",
          "to",
          "cc",
          "subject",
          "date",
          "message-id",
          "mime-version",
          "content-type",
          "in-reply-to",
          "references",
          "reply-to");

  private DkimSigner() {}

  /** The message with a {@code DKIM-Signature} header prepended. */
  public static byte[] sign(
      byte[] message, String domain, String selector, PrivateKey key, java.time.Instant now) {
    String text = new String(message, StandardCharsets.ISO_8859_1);
    int split = text.indexOf("\r\n\r\n");
    String head = split < 0 ? text : text.substring(0, split + 2);
    String body = split < 0 ? "" : text.substring(split + 4);
    List<String[]> fields = fields(head);
    List<String> names = new ArrayList<>();
    StringBuilder canonical = new StringBuilder();
    // RFC 6376 §5.4.2: with several instances, sign from the bottom up; we sign the last one.
    for (String name :
        List.of(
            "from",
            "to",
            "cc",
            "subject",
            "date",
            "message-id",
            "mime-version",
            "content-type",
            "in-reply-to",
            "references",
            "reply-to")) {
      for (int i = fields.size() - 1; i >= 0; i--) {
        if (fields.get(i)[0].equalsIgnoreCase(name)) {
          canonical.append(relaxedHeader(fields.get(i)[0], fields.get(i)[1])).append("\r\n");
          names.add(name);
          break;
        }
      }
    }
    String bh = Base64.getEncoder().encodeToString(sha256(relaxedBody(body)));
    String dkim =
        "v=1; a=rsa-sha256; c=relaxed/relaxed; d="
            + domain
            + "; s="
            + selector
            + "; t="
            + now.getEpochSecond()
            + "; h="
            + String.join(":", names)
            + "; bh="
            + bh
            + "; b=";
    canonical.append(relaxedHeader("DKIM-Signature", " " + dkim));
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key);
      s.update(canonical.toString().getBytes(StandardCharsets.ISO_8859_1));
      String b = Base64.getEncoder().encodeToString(s.sign());
      String header = "DKIM-Signature: " + dkim + fold(b) + "\r\n";
      return (header + text).getBytes(StandardCharsets.ISO_8859_1);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("DKIM signing failed", e);
    }
  }

  private static String fold(String b) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < b.length(); i += 72) {
      if (i > 0) {
        out.append("\r\n\t");
      }
      out.append(b, i, Math.min(b.length(), i + 72));
    }
    return out.toString();
  }

  /** Header fields as (name, raw value with folding) pairs. */
  static List<String[]> fields(String head) {
    List<String[]> out = new ArrayList<>();
    StringBuilder current = null;
    for (String line : head.split("\r\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
        current.append("\r\n").append(line);
      } else {
        if (current != null) {
          add(out, current.toString());
        }
        current = new StringBuilder(line);
      }
    }
    if (current != null) {
      add(out, current.toString());
    }
    return out;
  }

  private static void add(List<String[]> out, String field) {
    int colon = field.indexOf(':');
    if (colon > 0) {
      out.add(new String[] {field.substring(0, colon), field.substring(colon + 1)});
    }
  }

  // RFC 6376 §3.4.2
  static String relaxedHeader(String name, String value) {
    String v = value.replace("\r\n", "").replaceAll("[ \t]+", " ").strip();
    return name.strip().toLowerCase(Locale.ROOT) + ":" + v;
  }

  // RFC 6376 §3.4.4
  static byte[] relaxedBody(String body) {
    String[] lines = body.split("\r\n", -1);
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      out.add(l.replaceAll("[ \t]+", " ").replaceAll(" +$", ""));
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    if (out.isEmpty()) {
      return new byte[0];
    }
    return (String.join("\r\n", out) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean signs(String name) {
    return SIGNED.contains(name.toLowerCase(Locale.ROOT));
  }
}
