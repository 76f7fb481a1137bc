package dev.musubi.platform.search.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

/**
 * Marks what a query matched in a stored text and cuts a fragment around the first match. The
 * fragment is HTML: every character of the text is escaped, and only the {@code <mark>} tags are
 * markup, so a client may insert it as HTML.
 *
 * <p>Matches are found the way the index found them: the text is analysed again with each field's
 * chain and the tokens whose terms the query holds are marked; a reading match marks the morphemes
 * whose readings hold the query's kana. Only the first {@value #ANALYSED_CHARS} characters are
 * analysed, so that a long mail does not make a search slow; beyond them nothing is marked.
 */
final class Highlighter {

  /** The fragment's length in characters of the text, ellipses included. */
  static final int FRAGMENT_CHARS = 200;

  /** How much of the text is analysed for matches. */
  static final int ANALYSED_CHARS = 10_000;

  /** How many characters before the first match the fragment starts. */
  private static final int LEAD_CHARS = 30;

  private final Map<String, Analyzer> analyzers;
  private final Analyzer morphemes;

  /**
   * @param analyzers each text field's chain, by field name
   * @param morphemes the chain that yields readings
   */
  Highlighter(Map<String, Analyzer> analyzers, Analyzer morphemes) {
    this.analyzers = analyzers;
    this.morphemes = morphemes;
  }

  /**
   * The highlighted fragment of a text.
   *
   * @param terms the query's terms by field
   * @param kana the query's words in katakana, to find in the readings
   */
  String highlight(String text, Map<String, Set<String>> terms, List<String> kana) {
    String analysed = text.length() > ANALYSED_CHARS ? text.substring(0, ANALYSED_CHARS) : text;
    boolean[] marked = new boolean[text.length()];
    terms.forEach(
        (field, fieldTerms) -> {
          Analyzer analyzer = analyzers.get(field);
          if (analyzer != null && !fieldTerms.isEmpty()) {
            markTerms(analyzer, field, analysed, fieldTerms, marked);
          }
        });
    if (!kana.isEmpty()) {
      markReadings(analysed, kana, marked);
    }
    return fragment(text, marked);
  }

  private static void markTerms(
      Analyzer analyzer, String field, String text, Set<String> terms, boolean[] marked) {
    try (TokenStream stream = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = stream.addAttribute(OffsetAttribute.class);
      stream.reset();
      while (stream.incrementToken()) {
        if (terms.contains(term.toString())) {
          mark(marked, offset.startOffset(), offset.endOffset());
        }
      }
      stream.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void markReadings(String text, List<String> kana, boolean[] marked) {
    List<Analysis.Reading> readings = Analysis.readings(morphemes, text);
    StringBuilder joined = new StringBuilder();
    int[] starts = new int[readings.size() + 1];
    for (int i = 0; i < readings.size(); i++) {
      starts[i] = joined.length();
      String reading = readings.get(i).kana();
      joined.append(reading.isEmpty() ? " " : reading);
    }
    starts[readings.size()] = joined.length();
    int[] morphemeAt = new int[joined.length()];
    for (int i = 0; i < readings.size(); i++) {
      Arrays.fill(morphemeAt, starts[i], starts[i + 1], i);
    }
    for (String needle : kana) {
      for (int at = joined.indexOf(needle); at >= 0; at = joined.indexOf(needle, at + 1)) {
        for (int i = morphemeAt[at]; i <= morphemeAt[at + needle.length() - 1]; i++) {
          mark(marked, readings.get(i).start(), readings.get(i).end());
        }
      }
    }
  }

  private static void mark(boolean[] marked, int start, int end) {
    for (int i = Math.max(0, start); i < Math.min(end, marked.length); i++) {
      marked[i] = true;
    }
  }

  private static String fragment(String text, boolean[] marked) {
    int first = 0;
    while (first < marked.length && !marked[first]) {
      first++;
    }
    if (first == marked.length) {
      first = 0;
    }
    int start = Math.max(0, first - LEAD_CHARS);
    int end = Math.min(text.length(), start + FRAGMENT_CHARS);
    if (end == text.length()) {
      start = Math.max(0, end - FRAGMENT_CHARS);
    }
    // room for the ellipses within the length
    if (start > 0) {
      start++;
    }
    if (end < text.length()) {
      end--;
    }
    if (start > 0 && Character.isLowSurrogate(text.charAt(start))) {
      start++;
    }
    if (end < text.length() && end > start && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    StringBuilder html = new StringBuilder(FRAGMENT_CHARS + 64);
    if (start > 0) {
      html.append('…');
    }
    boolean open = false;
    for (int i = start; i < end; i++) {
      if (marked[i] != open) {
        html.append(open ? "</mark>" : "<mark>");
        open = marked[i];
      }
      escape(text.charAt(i), html);
    }
    if (open) {
      html.append("</mark>");
    }
    if (end < text.length()) {
      html.append('…');
    }
    return html.toString();
  }

  private static void escape(char c, StringBuilder html) {
    switch (c) {
      case '<' -> html.append("&lt;");
      case '>' -> html.append("&gt;");
      case '&' -> html.append("&amp;");
      case '"' -> html.append("&quot;");
      case '\'' -> html.append("&#39;");
      default -> html.append(c);
    }
  }
}
