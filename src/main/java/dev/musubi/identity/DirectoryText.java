package dev.musubi.identity;

import com.ibm.icu.text.CollationKey;
import com.ibm.icu.text.Collator;
import com.ibm.icu.text.Transliterator;
import java.text.Normalizer;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Text folding for Japanese people search, shared by the directory and the address book.
 *
 * <p>{@link #fold} makes full- and half-width forms equal (NFKC), katakana equal to hiragana,
 * letters lower case, and drops spaces and separators, so that {@code ﾔﾏﾀﾞ ﾀﾛｳ}, {@code ヤマダタロウ} and
 * {@code やまだ たろう} fold to the same key. {@link #romaji} turns a reading into Hepburn romaji with
 * long vowels collapsed ({@code さとう} → {@code sato}, {@code おおの} → {@code ono}), and {@link
 * #foldRomaji} folds what a person types the same way ({@code Satou}, {@code Ohno}, {@code Namba}).
 * Thread-safe.
 */
public final class DirectoryText {

  private static final ThreadLocal<Transliterator> KATAKANA_HIRAGANA =
      ThreadLocal.withInitial(() -> Transliterator.getInstance("Katakana-Hiragana"));
  private static final ThreadLocal<Transliterator> HIRAGANA_LATIN =
      ThreadLocal.withInitial(() -> Transliterator.getInstance("Hiragana-Latin"));
  private static final ThreadLocal<Collator> COLLATOR =
      ThreadLocal.withInitial(
          () -> {
            Collator c = Collator.getInstance(Locale.JAPANESE);
            c.setStrength(Collator.TERTIARY);
            return c;
          });

  private DirectoryText() {}

  /** Folds text for matching: width, kana kind and case folded; spaces and separators removed. */
  public static String fold(@Nullable String text) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    String n = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    n = KATAKANA_HIRAGANA.get().transliterate(n);
    StringBuilder out = new StringBuilder(n.length());
    n.codePoints()
        .filter(cp -> !Character.isWhitespace(cp) && !Character.isSpaceChar(cp))
        .filter(cp -> cp != '・' && cp != '･' && cp != '-' && cp != '‐' && cp != '.')
        .forEach(out::appendCodePoint);
    return out.toString();
  }

  /** Hepburn romaji of a kana reading, folded for matching; empty when the reading is empty. */
  public static String romaji(@Nullable String reading) {
    String kana = fold(reading);
    if (kana.isEmpty()) {
      return "";
    }
    // A prolonged sound mark after a vowel repeats it; the collapse below removes the repeat.
    String latin = HIRAGANA_LATIN.get().transliterate(kana.replace('ー', 'う'));
    return collapse(latin);
  }

  /** Folds typed romaji (or any Latin text) so that it compares with {@link #romaji}. */
  public static String foldRomaji(@Nullable String typed) {
    String f = fold(typed);
    if (f.isEmpty()) {
      return "";
    }
    return collapse(f);
  }

  /** Only the digits (any width) of a phone number or query. */
  public static String digits(@Nullable String text) {
    if (text == null) {
      return "";
    }
    String n = Normalizer.normalize(text, Normalizer.Form.NFKC);
    StringBuilder out = new StringBuilder();
    n.chars().filter(c -> c >= '0' && c <= '9').forEach(c -> out.append((char) c));
    return out.toString();
  }

  /** True when the text looks like a phone number query: digits and separators only. */
  public static boolean isPhoneLike(String text) {
    String n = Normalizer.normalize(text, Normalizer.Form.NFKC).strip();
    return n.length() >= 2 && n.matches("[+0-9()\\-\\s.]+") && digits(n).length() >= 2;
  }

  /** A collation key that orders readings in 五十音順 (gojūon order), not code point order. */
  public static CollationKey sortKey(@Nullable String reading) {
    return COLLATOR.get().getCollationKey(fold(reading));
  }

  /** Compares two readings in 五十音順. */
  public static int compareReadings(@Nullable String a, @Nullable String b) {
    return COLLATOR.get().compare(fold(a), fold(b));
  }

  private static String collapse(String latin) {
    String s =
        Normalizer.normalize(latin, Normalizer.Form.NFD)
            .replaceAll("\\p{M}", "")
            .replace("'", "")
            .replace("~", "")
            .replace("’", "");
    // Hepburn spellings in the wild: long vowels written or not (Satou/Sato/Satoh, Yuuko/Yuko),
    // and m or n before b, m, p (Namba/Nanba).
    s = s.replaceAll("oh(?![aiueoy]|$)", "o").replaceAll("oh$", "o");
    s = s.replace("ou", "o").replace("oo", "o").replace("uu", "u").replace("aa", "a");
    s = s.replace("ee", "e").replace("ii", "i");
    s = s.replaceAll("m(?=[bmp])", "n");
    return s;
  }
}
