package dev.musubi.mail.smtp.codec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One SMTP reply: the three-digit code, the RFC 3463 enhanced status code (absent on the greeting,
 * {@code 354} and the EHLO lines, RFC 2034 §3) and one or more text lines.
 */
public record SmtpReply(int code, @Nullable String enhancedCode, List<String> lines) {

  public SmtpReply {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("reply code out of range: " + code);
    }
    lines = lines.stream().map(SmtpReply::clean).toList();
    if (lines.isEmpty()) {
      lines = List.of("");
    }
  }

  public static SmtpReply of(int code, @Nullable String enhancedCode, String text) {
    return new SmtpReply(code, enhancedCode, List.of(text));
  }

  /** Whether the client should not retry ({@code 5xx}). */
  public boolean permanent() {
    return code >= 500;
  }

  /** The reply as sent: every line but the last with {@code code-}, RFC 5321 §4.2.1. */
  public byte[] toWire() {
    var out = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      out.append(code).append(i == lines.size() - 1 ? ' ' : '-');
      if (enhancedCode != null) {
        out.append(enhancedCode).append(' ');
      }
      out.append(lines.get(i)).append("\r\n");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return new String(toWire(), StandardCharsets.UTF_8).strip();
  }

  /** Text in a reply never carries CR, LF or other controls (they would end or forge a reply). */
  private static String clean(String text) {
    var out = new StringBuilder(Math.min(text.length(), 400));
    text.codePoints()
        .limit(400)
        .forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
    return out.toString();
  }
}
