package dev.musubi.identity.internal.credentials;

import java.io.ByteArrayOutputStream;
import java.util.Objects;

/** RFC 4648 §6 Base32 with the standard alphabet, written without padding. */
final class Base32 {

  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  private Base32() {}

  /** Upper-case Base32 without {@code =} padding; never null. */
  static String encode(byte[] data) {
    var out = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  /**
   * Decodes Base32, ignoring case, spaces, dashes and trailing {@code =} padding.
   *
   * @throws IllegalArgumentException on any other character or an impossible length
   */
  static byte[] decode(String text) {
    Objects.requireNonNull(text, "text");
    var out = new ByteArrayOutputStream(text.length() * 5 / 8);
    int buffer = 0;
    int bits = 0;
    int symbols = 0;
    String trimmed = text.replaceAll("[\\s-]", "").replaceFirst("=+$", "");
    for (int i = 0; i < trimmed.length(); i++) {
      char c = Character.toUpperCase(trimmed.charAt(i));
      int value = c < 128 ? ALPHABET.indexOf(c) : -1;
      if (value < 0) {
        throw new IllegalArgumentException("Not a Base32 character at index " + i);
      }
      buffer = (buffer << 5) | value;
      bits += 5;
      symbols++;
      if (bits >= 8) {
        out.write((buffer >>> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    // RFC 4648 §6: the last quantum has 2, 4, 5 or 7 symbols; 1, 3 and 6 cannot occur.
    int rest = symbols % 8;
    if (rest == 1 || rest == 3 || rest == 6) {
      throw new IllegalArgumentException("Not a valid Base32 length: " + symbols);
    }
    return out.toByteArray();
  }
}
