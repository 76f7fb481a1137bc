package dev.musubi.drive;

import dev.musubi.platform.web.ProblemException.FieldError;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The rules for file and folder names. A name is stored in Unicode NFC; two names are the same when
 * their NFC forms are equal ignoring case ({@link String#toLowerCase(Locale)} with the root
 * locale), so {@code Report.pdf} and {@code report.PDF} cannot sit in one folder. Names that some
 * client operating system could not hold, or that could mislead a reader, are refused: path
 * separators, {@code .} and {@code ..}, NUL and other control characters, bidirectional controls,
 * the characters {@code <>:"|?*}, a trailing dot or space, reserved Windows device names ({@code
 * CON}, {@code NUL}, {@code COM1}…, also with an extension) and names over 255 characters.
 */
public final class DriveNames {

  public static final int MAX_LENGTH = 255;

  private static final Set<String> RESERVED =
      Set.of(
          "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
          "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

  private static final Pattern FORBIDDEN = Pattern.compile("[<>:\"|?*/\\\\]");

  private DriveNames() {}

  /** The name in NFC, or throws nothing and reports the first problem into the result. */
  public static @Nullable FieldError check(String field, @Nullable String raw) {
    if (raw == null || raw.isEmpty()) {
      return new FieldError(field, "required", "Required.");
    }
    if (raw.length() > 4 * MAX_LENGTH) {
      return new FieldError(field, "too_long", "At most " + MAX_LENGTH + " characters.");
    }
    String name = Normalizer.normalize(raw, Normalizer.Form.NFC);
    if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
      return new FieldError(field, "too_long", "At most " + MAX_LENGTH + " characters.");
    }
    if (name.isBlank()) {
      return new FieldError(field, "required", "Required.");
    }
    if (name.equals(".") || name.equals("..")) {
      return new FieldError(field, "reserved", "This name is reserved.");
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (Character.getType(cp) == Character.CONTROL) {
        return new FieldError(field, "control", "Names cannot hold control characters.");
      }
      if (isBidiControl(cp)) {
        return new FieldError(
            field, "bidi", "Names cannot hold bidirectional text control characters.");
      }
      if (Character.getType(cp) == Character.UNASSIGNED
          || Character.getType(cp) == Character.SURROGATE) {
        return new FieldError(field, "invalid_character", "Names cannot hold this character.");
      }
      i += Character.charCount(cp);
    }
    if (FORBIDDEN.matcher(name).find()) {
      return new FieldError(
          field, "invalid_character", "Names cannot hold / \\ < > : \" | ? or *.");
    }
    if (name.endsWith(".") || name.endsWith(" ") || name.startsWith(" ")) {
      return new FieldError(
          field, "edge", "Names cannot start with a space or end with a dot or a space.");
    }
    String stem = name.toLowerCase(Locale.ROOT);
    int dot = stem.indexOf('.');
    if (dot >= 0) {
      stem = stem.substring(0, dot);
    }
    if (RESERVED.contains(stem.strip())) {
      return new FieldError(field, "reserved", "This name is reserved by Windows.");
    }
    return null;
  }

  /** The stored form of a valid name: NFC. */
  public static String normalise(String name) {
    return Normalizer.normalize(name, Normalizer.Form.NFC);
  }

  /** The comparison key: NFC, lower case (root locale). */
  public static String key(String name) {
    return normalise(name).toLowerCase(Locale.ROOT);
  }

  /** The lower-case extension without the dot, or empty. */
  public static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static boolean isBidiControl(int cp) {
    return cp == 0x061C
        || cp == 0x200E
        || cp == 0x200F
        || (cp >= 0x202A && cp <= 0x202E)
        || (cp >= 0x2066 && cp <= 0x2069);
  }
}
