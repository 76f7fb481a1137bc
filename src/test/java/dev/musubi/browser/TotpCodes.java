package dev.musubi.browser;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An authenticator app in a few lines: RFC 6238 TOTP (SHA-1, 30 s, 6 digits) over RFC 4648 Base32.
 */
final class TotpCodes {

  private TotpCodes() {}

  /** The time step (RFC 6238 §4.2: T = floor(unix time / 30)) at {@code epochMillis}. */
  static long step(long epochMillis) {
    return Math.floorDiv(epochMillis / 1000, 30);
  }

  static String code(String base32Secret, long step) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(base32(base32Secret), "HmacSHA1"));
      byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
      // RFC 4226 §5.3: dynamic truncation.
      int offset = h[h.length - 1] & 0x0f;
      int binary =
          ((h[offset] & 0x7f) << 24)
              | ((h[offset + 1] & 0xff) << 16)
              | ((h[offset + 2] & 0xff) << 8)
              | (h[offset + 3] & 0xff);
      return String.format(Locale.ROOT, "%06d", binary % 1_000_000);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] base32(String text) {
    String s = text.replaceAll("[\\s=-]", "").toUpperCase(Locale.ROOT);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    ByteBuffer out = ByteBuffer.allocate(s.length() * 5 / 8);
    int buffer = 0;
    int bits = 0;
    for (char c : s.toCharArray()) {
      int v = alphabet.indexOf(c);
      if (v < 0) {
        throw new IllegalArgumentException("Not Base32: " + c);
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.put((byte) (buffer >> (bits - 8)));
        bits -= 8;
      }
    }
    return out.array();
  }
}
