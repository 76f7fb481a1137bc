package dev.musubi.identity.internal.credentials;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UScript;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.Transliterator;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a new password against a {@link PasswordPolicy}, in the spirit of NIST SP 800-63B
 * §5.1.1.2: length, a list of common and breached passwords, and context words (login ID, names).
 * No composition rules. Thread-safe.
 *
 * <p>Violation codes:
 *
 * <ul>
 *   <li>{@code too_long}: more than {@link PasswordPolicy#maxLength()} code points after NFC. This
 *       is checked first, and an input longer than eight times the maximum in UTF-16 units is
 *       refused without normalising it; when it applies it is the only violation returned.
 *   <li>{@code too_short}: fewer than {@link PasswordPolicy#minLength()} code points after NFC.
 *   <li>{@code common}: on the {@link CommonPasswords} list, compared lower-cased (and also after
 *       NFKC and case folding, so full-width {@code ｐａｓｓｗｏｒｄ} counts), as is and after stripping
 *       trailing digits, punctuation, symbols and spaces ({@code Password123!} is {@code
 *       password}).
 *   <li>{@code repeated}: one character repeated ({@code aaaaaaaaaaaa}).
 *   <li>{@code contains_login_id}: contains the local part of the login ID, or one of its parts
 *       separated by {@code . _ -}, where that is at least 3 characters long.
 *   <li>{@code contains_name}: contains a name or reading (or a whitespace-separated part of one)
 *       of at least 3 characters; readings in kana also match as hiragana and in romaji.
 * </ul>
 *
 * <p>Containment is compared after NFKC normalisation and case folding, so full-width or upper-case
 * variants are caught too.
 */
public final class PasswordRules {

  /** One broken rule: a stable {@code code} and an English message for logs and fallbacks. */
  public record Violation(String code, String message) {
    public Violation {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }

  private static final int MIN_CONTEXT_WORD = 3;
  private static final Pattern TRAILING_NOISE = Pattern.compile("[\\p{N}\\p{P}\\p{S}\\s]+$");
  private static final Pattern LOGIN_ID_SEPARATORS = Pattern.compile("[._-]+");
  private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();

  private final CommonPasswords common;

  /**
   * @param common the list of refused passwords; must not be null
   */
  public PasswordRules(CommonPasswords common) {
    this.common = Objects.requireNonNull(common, "common");
  }

  /**
   * All rules the password breaks; empty when it is acceptable.
   *
   * @param password the new password as typed; must not be null
   * @param policy the company's policy; must not be null
   * @param loginId the member's login ID, {@code local@domain} or just the local part; must not be
   *     null (may be empty when not known yet)
   * @param names family and given names and their readings; must not be null nor contain null
   * @return never null, unmodifiable
   */
  public List<Violation> check(
      String password, PasswordPolicy policy, String loginId, List<String> names) {
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(loginId, "loginId");
    Objects.requireNonNull(names, "names");

    // NFC merges at most four UTF-16 units into one code point (e.g. ω with three combining marks
    // becomes ᾤ); eight leaves a margin. Anything longer is too long whatever it contains, so it
    // is refused before doing work proportional to its size.
    if (password.length() > 8L * policy.maxLength()) {
      return List.of(tooLong(policy));
    }
    String nfc = Normalizer.normalize(password, Normalizer.Form.NFC);
    int length = nfc.codePointCount(0, nfc.length());
    if (length > policy.maxLength()) {
      return List.of(tooLong(policy));
    }

    var violations = new ArrayList<Violation>();
    if (length < policy.minLength()) {
      violations.add(
          new Violation(
              "too_short",
              "The password must have at least " + policy.minLength() + " characters."));
    }
    if (isCommon(nfc)) {
      violations.add(
          new Violation("common", "The password is too common; it appears in breach lists."));
    }
    if (length > 1 && nfc.codePoints().distinct().count() == 1) {
      violations.add(
          new Violation("repeated", "The password must not be a single repeated character."));
    }
    String folded = fold(nfc);
    if (loginIdWords(loginId).stream().anyMatch(folded::contains)) {
      violations.add(
          new Violation("contains_login_id", "The password must not contain your login ID."));
    }
    if (nameWords(names).stream().anyMatch(folded::contains)) {
      violations.add(new Violation("contains_name", "The password must not contain your name."));
    }
    return List.copyOf(violations);
  }

  private static Violation tooLong(PasswordPolicy policy) {
    return new Violation(
        "too_long", "The password must have at most " + policy.maxLength() + " characters.");
  }

  private boolean isCommon(String nfc) {
    String lower = nfc.toLowerCase(Locale.ROOT);
    return isCommonAsIsOrStripped(lower) || isCommonAsIsOrStripped(fold(lower));
  }

  private boolean isCommonAsIsOrStripped(String candidate) {
    if (common.contains(candidate)) {
      return true;
    }
    String stripped = TRAILING_NOISE.matcher(candidate).replaceFirst("");
    return !stripped.isEmpty() && !stripped.equals(candidate) && common.contains(stripped);
  }

  private static Set<String> loginIdWords(String loginId) {
    int at = loginId.lastIndexOf('@');
    String local = fold(at >= 0 ? loginId.substring(0, at) : loginId);
    var words = new LinkedHashSet<String>();
    addIfLongEnough(words, local);
    for (String part : LOGIN_ID_SEPARATORS.split(local)) {
      addIfLongEnough(words, part);
    }
    return words;
  }

  private static Set<String> nameWords(List<String> names) {
    var words = new LinkedHashSet<String>();
    for (String name : names) {
      String folded = fold(Objects.requireNonNull(name, "name"));
      addIfLongEnough(words, folded.replaceAll("\\s+", ""));
      for (String part : folded.split("\\s+")) {
        addIfLongEnough(words, part);
        if (isKana(part)) {
          addIfLongEnough(words, Kana.toHiragana(part));
          addIfLongEnough(words, fold(Kana.toLatin(part)));
        }
      }
    }
    return words;
  }

  private static void addIfLongEnough(Set<String> words, String word) {
    if (word.codePointCount(0, word.length()) >= MIN_CONTEXT_WORD) {
      words.add(word);
    }
  }

  private static String fold(String s) {
    return NFKC.normalize(UCharacter.foldCase(NFKC.normalize(s), true));
  }

  private static boolean isKana(String s) {
    return !s.isEmpty()
        && s.codePoints()
            .allMatch(
                cp -> {
                  int script = UScript.getScript(cp);
                  return script == UScript.HIRAGANA
                      || script == UScript.KATAKANA
                      || cp == 'ー'; // prolonged sound mark, script Common
                });
  }

  /**
   * Transliterators are built on first use only, as building them takes a while, and used under a
   * lock, as ICU does not promise that they are thread-safe.
   */
  private static final class Kana {
    private static final Transliterator TO_HIRAGANA =
        Transliterator.getInstance("Katakana-Hiragana");
    private static final Transliterator TO_LATIN =
        Transliterator.getInstance("Katakana-Hiragana; Hiragana-Latin; Latin-ASCII");

    static synchronized String toHiragana(String kana) {
      return TO_HIRAGANA.transliterate(kana);
    }

    static synchronized String toLatin(String kana) {
      return TO_LATIN.transliterate(kana);
    }
  }
}
