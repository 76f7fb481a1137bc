package dev.musubi.platform.search.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthCharFilter;
import org.apache.lucene.analysis.core.TypeTokenFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.ja.JapaneseAnalyzer;
import org.apache.lucene.analysis.ja.JapaneseBaseFormFilter;
import org.apache.lucene.analysis.ja.JapaneseKatakanaStemFilter;
import org.apache.lucene.analysis.ja.JapanesePartOfSpeechStopFilter;
import org.apache.lucene.analysis.ja.JapaneseTokenizer;
import org.apache.lucene.analysis.ja.tokenattributes.ReadingAttribute;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

/**
 * The analysis chains of the index. The text of a document goes into several fields, because no
 * single chain finds everything a Japanese reader expects:
 *
 * <ul>
 *   <li>{@link #JA}: kuromoji morphemes (search mode, base forms, particles and auxiliaries
 *       removed, lower case). Precise, and ranks best.
 *   <li>{@link #BIGRAM}: CJK unigrams and bigrams, queried as phrases, so that a word inside a
 *       compound that kuromoji did not split (都庁 in 東京都庁) is found.
 *   <li>{@link #READING}: the katakana reading of the whole text, as bigrams; queries in kana (かいぎ,
 *       カイギ, ｶｲｷﾞ) are turned into katakana and matched as phrases against it.
 *   <li>{@link #EN}: standard tokens, lower case, Porter stems, for English.
 * </ul>
 *
 * <p>Every chain first folds character widths (full-width Latin to ASCII, half-width katakana to
 * full-width), so that ｶｲｷﾞ and カイギ, ＭＥＥＴＩＮＧ and meeting are the same.
 */
final class Analysis {

  static final String JA = "text";
  static final String BIGRAM = "text_bigram";
  static final String READING = "text_reading";
  static final String EN = "text_en";

  private static final Set<String> CJK_TYPES =
      Set.of(
          StandardTokenizer.TOKEN_TYPES[StandardTokenizer.IDEOGRAPHIC],
          StandardTokenizer.TOKEN_TYPES[StandardTokenizer.HIRAGANA],
          StandardTokenizer.TOKEN_TYPES[StandardTokenizer.KATAKANA],
          StandardTokenizer.TOKEN_TYPES[StandardTokenizer.HANGUL]);

  private Analysis() {}

  /** kuromoji morphemes; the stored text field is analysed with it. */
  static Analyzer japanese() {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer tokenizer = new JapaneseTokenizer(null, true, JapaneseTokenizer.Mode.SEARCH);
        TokenStream stream = new JapaneseBaseFormFilter(tokenizer);
        stream = new JapanesePartOfSpeechStopFilter(stream, JapaneseAnalyzer.getDefaultStopTags());
        stream = new StopFilter(stream, JapaneseAnalyzer.getDefaultStopSet());
        stream = new JapaneseKatakanaStemFilter(stream);
        stream = new LowerCaseFilter(stream);
        return new TokenStreamComponents(tokenizer, stream);
      }

      @Override
      protected Reader initReader(String fieldName, Reader reader) {
        return new CJKWidthCharFilter(reader);
      }
    };
  }

  /**
   * CJK bigrams; with {@code unigrams} for the index (so that one-character words are found),
   * without for queries (so that a query word is a phrase of bigrams).
   */
  static Analyzer bigrams(boolean unigrams) {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer tokenizer = new StandardTokenizer();
        TokenStream stream = new LowerCaseFilter(tokenizer);
        stream =
            new CJKBigramFilter(
                stream,
                CJKBigramFilter.HAN
                    | CJKBigramFilter.HIRAGANA
                    | CJKBigramFilter.KATAKANA
                    | CJKBigramFilter.HANGUL,
                unigrams);
        return new TokenStreamComponents(tokenizer, stream);
      }

      @Override
      protected Reader initReader(String fieldName, Reader reader) {
        return new CJKWidthCharFilter(reader);
      }
    };
  }

  /** English words: lower case and Porter stems. */
  static Analyzer english() {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer tokenizer = new StandardTokenizer();
        // CJK characters are single tokens here; matching them one by one would find 会議 in
        // 会社の議事録, so they are left to the other fields
        TokenStream stream = new TypeTokenFilter(tokenizer, CJK_TYPES);
        stream = new EnglishPossessiveFilter(stream);
        stream = new LowerCaseFilter(stream);
        stream = new PorterStemFilter(stream);
        return new TokenStreamComponents(tokenizer, stream);
      }

      @Override
      protected Reader initReader(String fieldName, Reader reader) {
        return new CJKWidthCharFilter(reader);
      }
    };
  }

  /** kuromoji in normal mode, for readings. */
  static Analyzer morphemes() {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        return new TokenStreamComponents(
            new JapaneseTokenizer(null, true, JapaneseTokenizer.Mode.NORMAL));
      }

      @Override
      protected Reader initReader(String fieldName, Reader reader) {
        return new CJKWidthCharFilter(reader);
      }
    };
  }

  /** The analyzer the writer uses: each text field with its chain. */
  static Analyzer index(Analyzer japanese, Analyzer bigrams, Analyzer english) {
    return new PerFieldAnalyzerWrapper(
        japanese, Map.of(BIGRAM, bigrams, READING, bigrams, EN, english));
  }

  /** One morpheme's reading (katakana) and where the morpheme is in the original text. */
  record Reading(String kana, int start, int end) {}

  /**
   * The readings of the morphemes of a text, in order; a morpheme without a dictionary reading
   * counts with its own kana, and one that is not kana at all (Latin, unknown kanji) breaks the
   * run, as do punctuation and spaces (an entry with empty kana).
   */
  static List<Reading> readings(Analyzer morphemes, String text) {
    if (isAscii(text)) {
      // kuromoji has no reading for any ASCII text (AnalysisTests checks this): every entry would
      // have empty kana, which the reading field indexes as nothing; a mail in English skips the
      // second morphological pass, a third of what indexing it costs
      return List.of();
    }
    return kuromojiReadings(morphemes, text);
  }

  /** {@link #readings} without the shortcut for ASCII text. */
  static List<Reading> kuromojiReadings(Analyzer morphemes, String text) {
    List<Reading> readings = new ArrayList<>();
    try (TokenStream stream = morphemes.tokenStream(READING, text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      ReadingAttribute reading = stream.addAttribute(ReadingAttribute.class);
      OffsetAttribute offset = stream.addAttribute(OffsetAttribute.class);
      stream.reset();
      int previousEnd = 0;
      while (stream.incrementToken()) {
        if (offset.startOffset() > previousEnd && !readings.isEmpty()) {
          readings.add(new Reading("", previousEnd, offset.startOffset()));
        }
        String kana = reading.getReading();
        if (kana == null) {
          String surface = term.toString();
          kana = isKana(surface) ? toKatakana(surface) : "";
        }
        readings.add(new Reading(kana, offset.startOffset(), offset.endOffset()));
        previousEnd = offset.endOffset();
      }
      stream.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return readings;
  }

  /** Whether every character of the text is ASCII. */
  static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** The text of the reading field: runs of katakana separated by spaces. */
  static String readingText(List<Reading> readings) {
    StringBuilder text = new StringBuilder();
    for (Reading reading : readings) {
      text.append(reading.kana().isEmpty() ? " " : reading.kana());
    }
    return text.toString();
  }

  /** Folds widths (ｶｲｷﾞ → カイギ, ＡＢＣ → ABC) the way the analyzers do. */
  static String foldWidth(String text) {
    StringBuilder folded = new StringBuilder(text.length());
    try (Reader reader = new CJKWidthCharFilter(new StringReader(text))) {
      char[] buffer = new char[256];
      for (int n; (n = reader.read(buffer, 0, buffer.length)) != -1; ) {
        folded.append(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return folded.toString();
  }

  /** Hiragana to katakana (ぁ..ゖ → ァ..ヶ, ゝゞ → ヽヾ); everything else unchanged. */
  static String toKatakana(String text) {
    StringBuilder katakana = new StringBuilder(text.length());
    text.codePoints()
        .map(c -> (c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E ? c + 0x60 : c)
        .forEach(katakana::appendCodePoint);
    return katakana.toString();
  }

  /** Whether the text is non-empty and only hiragana, katakana and the long-vowel mark. */
  static boolean isKana(String text) {
    return !text.isEmpty()
        && text.codePoints()
            .allMatch(
                c ->
                    (c >= 0x3041 && c <= 0x309F)
                        || (c >= 0x30A0 && c <= 0x30FF && c != 0x30FB)
                        || c == 0x30FC);
  }
}
