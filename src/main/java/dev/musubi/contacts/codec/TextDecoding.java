package dev.musubi.contacts.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes an uploaded text file: UTF-8 with or without BOM, UTF-16 with BOM, or Shift_JIS (Windows
 * code page 932, what Japanese Excel writes). A file mixing UTF-8 lines with Shift_JIS lines is
 * refused rather than guessed, so that no name is silently garbled.
 */
public final class TextDecoding {

  /** The decoded text and the encoding that was detected. */
  public record Decoded(String text, String encoding) {}

  /** The file cannot be read as text; {@code lines} are 1-based line numbers at fault. */
  public static final class EncodingException extends Exception {
    private final String code;
    private final List<Integer> lines;

    EncodingException(String code, String message, List<Integer> lines) {
      super(message, null, false, false);
      this.code = code;
      this.lines = List.copyOf(lines);
    }

    public String code() {
      return code;
    }

    public List<Integer> lines() {
      return lines;
    }
  }

  public static final Charset SHIFT_JIS = Charset.forName("windows-31j");

  private TextDecoding() {}

  public static Decoded decode(byte[] bytes) throws EncodingException {
    if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) {
      return new Decoded(strict(bytes, 3, StandardCharsets.UTF_8, "UTF-8"), "UTF-8");
    }
    if (startsWith(bytes, 0xFE, 0xFF)) {
      return new Decoded(strict(bytes, 2, StandardCharsets.UTF_16BE, "UTF-16"), "UTF-16");
    }
    if (startsWith(bytes, 0xFF, 0xFE)) {
      return new Decoded(strict(bytes, 2, StandardCharsets.UTF_16LE, "UTF-16"), "UTF-16");
    }
    try {
      return new Decoded(decoder(StandardCharsets.UTF_8, bytes, 0), "UTF-8");
    } catch (CharacterCodingException notUtf8) {
      // Fall through to Shift_JIS, unless some lines are clearly UTF-8.
    }
    List<Integer> utf8Lines = new ArrayList<>();
    List<Integer> otherLines = new ArrayList<>();
    int line = 1;
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        classify(bytes, start, i, line, utf8Lines, otherLines);
        start = i + 1;
        line++;
      }
    }
    if (!utf8Lines.isEmpty()) {
      throw new EncodingException(
          "mixed_encoding",
          "The file mixes UTF-8 and Shift_JIS lines; save it again in one encoding.",
          otherLines.size() > 20 ? otherLines.subList(0, 20) : otherLines);
    }
    try {
      return new Decoded(decoder(SHIFT_JIS, bytes, 0), "Shift_JIS");
    } catch (CharacterCodingException e) {
      throw new EncodingException(
          "encoding",
          "The file is neither UTF-8 nor Shift_JIS; save it as UTF-8.",
          otherLines.size() > 20 ? otherLines.subList(0, 20) : otherLines);
    }
  }

  private static void classify(
      byte[] bytes, int from, int to, int line, List<Integer> utf8, List<Integer> other) {
    boolean ascii = true;
    for (int i = from; i < to; i++) {
      if (bytes[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return;
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, from, to - from));
      utf8.add(line);
    } catch (CharacterCodingException e) {
      other.add(line);
    }
  }

  private static String strict(byte[] bytes, int offset, Charset cs, String name)
      throws EncodingException {
    try {
      return decoder(cs, bytes, offset);
    } catch (CharacterCodingException e) {
      throw new EncodingException(
          "encoding", "The file says it is " + name + " but is not valid " + name + ".", List.of());
    }
  }

  private static String decoder(Charset cs, byte[] bytes, int offset)
      throws CharacterCodingException {
    return cs.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset))
        .toString();
  }

  private static boolean startsWith(byte[] bytes, int... prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
