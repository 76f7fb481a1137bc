package dev.musubi.mail.imap.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Mailbox names in modified UTF-7 (RFC 3501 §5.1.3), e.g. {@code 取引先} is {@code &U9ZfFVFI-}. */
public final class ModifiedUtf7 {

  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getDecoder();

  private ModifiedUtf7() {}

  public static String encode(String name) {
    var out = new StringBuilder();
    int i = 0;
    while (i < name.length()) {
      char c = name.charAt(i);
      if (c == '&') {
        out.append("&-");
        i++;
      } else if (c >= 0x20 && c <= 0x7e) {
        out.append(c);
        i++;
      } else {
        int start = i;
        while (i < name.length() && (name.charAt(i) < 0x20 || name.charAt(i) > 0x7e)) {
          i++;
        }
        byte[] utf16 = name.substring(start, i).getBytes(StandardCharsets.UTF_16BE);
        out.append('&').append(ENCODER.encodeToString(utf16).replace('/', ',')).append('-');
      }
    }
    return out.toString();
  }

  /** Decodes a name; throws for a malformed one. */
  public static String decode(String name) throws ImapProtocolException {
    var out = new StringBuilder();
    int i = 0;
    while (i < name.length()) {
      char c = name.charAt(i);
      if (c > 0x7e) {
        // Clients that send UTF-8 names (RFC 6855 style) are taken at their word.
        out.append(c);
        i++;
      } else if (c != '&') {
        out.append(c);
        i++;
      } else {
        int end = name.indexOf('-', i + 1);
        if (end < 0) {
          throw new ImapProtocolException("Invalid mailbox name");
        }
        if (end == i + 1) {
          out.append('&');
        } else {
          try {
            byte[] utf16 = DECODER.decode(name.substring(i + 1, end).replace(',', '/'));
            if (utf16.length % 2 != 0) {
              throw new ImapProtocolException("Invalid mailbox name");
            }
            out.append(
                StandardCharsets.UTF_16BE.newDecoder().decode(ByteBuffer.wrap(utf16)).toString());
          } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            throw new ImapProtocolException("Invalid mailbox name");
          }
        }
        i = end + 1;
      }
    }
    return out.toString();
  }
}
