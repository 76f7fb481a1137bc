package dev.musubi.identity.internal.credentials;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import java.net.IDN;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which local parts of login IDs ({@code local@domain}) may be taken, and the keys that keep them
 * unique. Login IDs are company accounts, so the local part is ASCII: {@code [a-z0-9._-]}, 1 to 64
 * characters, upper-case ASCII letters allowed and folded to lower case. Thread-safe.
 *
 * <h2>Rules of {@link #check}, in order, with their codes</h2>
 *
 * <ol>
 *   <li>{@code empty}: nothing given.
 *   <li>{@code too_long}: more than 64 characters (an input over 256 UTF-16 units is refused before
 *       any normalisation).
 *   <li>{@code invisible}: contains a character that cannot be seen or that moves others: general
 *       categories Cc, Cf, Zs, Zl, Zp (control and format characters, every kind of space including
 *       no-break space), any other whitespace, default-ignorable code points (zero-width space and
 *       joiners, soft hyphen, Hangul filler, variation selectors) and bidi controls (e.g. U+202E
 *       RIGHT-TO-LEFT OVERRIDE).
 *   <li>{@code lookalike}: the input is not already in normal form (NFKC, then case folding) apart
 *       from ASCII case, e.g. full-width {@code ａｄｍｉｎ}, ligature {@code ﬁ}, or a non-ASCII letter
 *       whose confusable skeleton is ASCII, e.g. Cyrillic {@code а} in {@code mаrk}. Such input is
 *       refused, not silently mapped, because it looks like something else.
 *   <li>{@code invalid_character}: any other character outside {@code [a-z0-9._-]} after
 *       normalisation.
 *   <li>{@code dots}: a leading, trailing or doubled dot.
 *   <li>{@code reserved}: a built-in or configured reserved word (see {@link #BUILT_IN_RESERVED}),
 *       or such a word followed only by digits ({@code user1}, {@code test42}, {@code admin99}), or
 *       anything with the same {@link #skeleton skeleton} as one of those ({@code adm1n}, {@code
 *       r00t}, {@code adrnin}).
 * </ol>
 *
 * <h2>Keys</h2>
 *
 * <p>The <b>key</b> is the local part after NFKC and {@link UCharacter#foldCase(String, boolean)
 * full case folding}; for a valid local part that is its ASCII lower case. IDs that differ only in
 * case have the same key.
 *
 * <p>The <b>skeleton</b> is the ICU {@link SpoofChecker#getSkeleton(CharSequence) UTS #39 skeleton}
 * of the key, lower-cased, with {@code 0} read as {@code o} and {@code i} as {@code l}. UTS #39
 * already maps {@code 1} and {@code I} to {@code l}, {@code m} to {@code rn}, and confusable
 * non-Latin letters to Latin ones. So these collide: {@code paypal}/{@code paypa1}/{@code paypaI};
 * {@code admin}/{@code adm1n}/{@code adrnin}/{@code adrn1n}; {@code root}/{@code r00t}/{@code
 * ro0t}; {@code mark}/{@code rnark}; {@code bill}/{@code b1ll}/{@code biil}. These do not: {@code
 * ad1nin} (skeleton {@code adlnln}) and {@code admin} ({@code adrnln}); {@code vv}/{@code w};
 * {@code cl}/{@code d}; {@code 5}/{@code s}. Storing the skeleton with a unique constraint refuses
 * a new ID that looks like an existing one.
 */
public final class LoginIdPolicy {

  /** Outcome of {@link #check}. */
  public sealed interface Result {}

  /**
   * An acceptable local part.
   *
   * @param normalised the local part as it will be stored and shown (ASCII lower case)
   * @param key the uniqueness key of the local part (equal to {@code normalised})
   * @param skeleton the look-alike key of the local part
   */
  public record Valid(String normalised, String key, String skeleton) implements Result {}

  /**
   * A refused local part.
   *
   * @param code one of {@code empty, too_long, invisible, lookalike, invalid_character, dots,
   *     reserved}
   * @param message an English explanation for logs and fallbacks
   */
  public record Invalid(String code, String message) implements Result {}

  /** Maximum length of the local part (RFC 5321 §4.5.3.1.1). */
  public static final int MAX_LENGTH = 64;

  /** Reserved words refused for every company, also when followed by digits. */
  public static final Set<String> BUILT_IN_RESERVED =
      Set.of(
          "admin",
          "administrator",
          "root",
          "test",
          "user",
          "guest",
          "info",
          "support",
          "postmaster",
          "hostmaster",
          "webmaster",
          "abuse",
          "security",
          "noreply",
          "no-reply",
          "mailer-daemon",
          "operator",
          "system",
          "sysadmin",
          "owner",
          "staff",
          "help",
          "sales",
          "contact",
          "demo",
          "sample",
          "anonymous",
          "nobody",
          "null",
          "undefined",
          "api",
          "www",
          "mail",
          "ftp");

  private static final int MAX_INPUT_UNITS = 4 * MAX_LENGTH;
  private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();
  // ICU documents skeleton computation on a built SpoofChecker as thread-safe.
  private static final SpoofChecker SPOOF_CHECKER = new SpoofChecker.Builder().build();

  private final Set<String> reserved;
  private final Set<String> reservedSkeletons;

  /**
   * @param extraReserved words the company reserves on top of {@link #BUILT_IN_RESERVED}, in any
   *     case; must not be null nor contain null
   */
  public LoginIdPolicy(Set<String> extraReserved) {
    Objects.requireNonNull(extraReserved, "extraReserved");
    this.reserved =
        Stream.concat(BUILT_IN_RESERVED.stream(), extraReserved.stream())
            .map(word -> localKey(Objects.requireNonNull(word, "reserved word")))
            .collect(Collectors.toUnmodifiableSet());
    this.reservedSkeletons =
        reserved.stream().map(LoginIdPolicy::localSkeleton).collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Checks and normalises the local part of a login ID (the part before {@code @}).
   *
   * @param localPart as typed; must not be null
   * @return {@link Valid} or {@link Invalid}; never null
   */
  public Result check(String localPart) {
    Objects.requireNonNull(localPart, "localPart");
    if (localPart.isEmpty()) {
      return new Invalid("empty", "Enter a login ID.");
    }
    if (localPart.length() > MAX_INPUT_UNITS) {
      return tooLong();
    }
    if (localPart.codePoints().anyMatch(LoginIdPolicy::isInvisible)) {
      return new Invalid(
          "invisible", "The login ID must not contain spaces, invisible or control characters.");
    }
    String key = localKey(localPart);
    if (!key.equals(asciiLowerCase(localPart)) || hasAsciiLookAlike(key)) {
      return new Invalid(
          "lookalike",
          "The login ID contains characters that look like letters or digits but are not; type"
              + " it with plain ASCII letters and digits.");
    }
    if (!key.chars().allMatch(LoginIdPolicy::isAllowed)) {
      return new Invalid(
          "invalid_character",
          "The login ID may contain only letters a-z, digits 0-9, dot, underscore and hyphen.");
    }
    if (key.length() > MAX_LENGTH) {
      return tooLong();
    }
    if (key.startsWith(".") || key.endsWith(".") || key.contains("..")) {
      return new Invalid("dots", "The login ID must not start or end with a dot or have two dots.");
    }
    if (isReserved(key)) {
      return new Invalid("reserved", "This login ID is reserved.");
    }
    return new Valid(key, key, localSkeleton(key));
  }

  /**
   * Uniqueness key of a whole login ID: the {@linkplain LoginIdPolicy key of the local part}, then
   * {@code @}, then the domain converted to ASCII ({@link IDN#toASCII(String)}) and lower-cased.
   * Does not validate the local part; pass IDs that {@link #check} accepted.
   *
   * @param loginId {@code local@domain}; must not be null
   * @return never null
   * @throws IllegalArgumentException if there is no {@code @} or the domain is not a valid IDN
   */
  public static String key(String loginId) {
    int at = splitAt(loginId);
    return localKey(loginId.substring(0, at)) + "@" + domainKey(loginId.substring(at + 1));
  }

  /**
   * Look-alike key of a whole login ID: the {@linkplain LoginIdPolicy skeleton of the local part},
   * then {@code @}, then the domain as in {@link #key(String)}. IDs that look alike have the same
   * skeleton.
   *
   * @param loginId {@code local@domain}; must not be null
   * @return never null
   * @throws IllegalArgumentException if there is no {@code @} or the domain is not a valid IDN
   */
  public static String skeleton(String loginId) {
    int at = splitAt(loginId);
    return localSkeleton(localKey(loginId.substring(0, at)))
        + "@"
        + domainKey(loginId.substring(at + 1));
  }

  private boolean isReserved(String key) {
    String withoutDigits = key.replaceFirst("[0-9]+$", "");
    return reserved.contains(key)
        || reserved.contains(withoutDigits)
        || reservedSkeletons.contains(localSkeleton(key))
        || (!withoutDigits.isEmpty() && reservedSkeletons.contains(localSkeleton(withoutDigits)));
  }

  private static Invalid tooLong() {
    return new Invalid("too_long", "The login ID must have at most " + MAX_LENGTH + " characters.");
  }

  static String localKey(String localPart) {
    return NFKC.normalize(UCharacter.foldCase(NFKC.normalize(localPart), true));
  }

  static String localSkeleton(String key) {
    return SPOOF_CHECKER
        .getSkeleton(key)
        .toLowerCase(Locale.ROOT)
        .replace('0', 'o')
        .replace('i', 'l');
  }

  private static String domainKey(String domain) {
    return IDN.toASCII(domain).toLowerCase(Locale.ROOT);
  }

  private static int splitAt(String loginId) {
    int at = Objects.requireNonNull(loginId, "loginId").lastIndexOf('@');
    if (at < 0) {
      throw new IllegalArgumentException("A login ID has the form local@domain");
    }
    return at;
  }

  private static boolean isInvisible(int cp) {
    return switch (Character.getType(cp)) {
          case Character.CONTROL,
              Character.FORMAT,
              Character.SPACE_SEPARATOR,
              Character.LINE_SEPARATOR,
              Character.PARAGRAPH_SEPARATOR ->
              true;
          default -> false;
        }
        || Character.isWhitespace(cp)
        || UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT)
        || UCharacter.hasBinaryProperty(cp, UProperty.BIDI_CONTROL);
  }

  private static boolean isAllowed(int c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  }

  /** Whether a non-ASCII character in the key has a skeleton made only of allowed characters. */
  private static boolean hasAsciiLookAlike(String key) {
    if (key.chars().allMatch(c -> c < 128)) {
      return false;
    }
    return key.codePoints()
        .filter(cp -> cp >= 128)
        .mapToObj(Character::toString)
        .map(SPOOF_CHECKER::getSkeleton)
        .map(skeleton -> skeleton.toLowerCase(Locale.ROOT))
        .anyMatch(
            skeleton -> !skeleton.isEmpty() && skeleton.chars().allMatch(LoginIdPolicy::isAllowed));
  }

  private static String asciiLowerCase(String s) {
    var out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
    }
    return out.toString();
  }
}
