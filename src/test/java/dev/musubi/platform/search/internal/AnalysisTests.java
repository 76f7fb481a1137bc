package dev.musubi.platform.search.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.junit.jupiter.api.Test;

/** The reading chain, and the shortcut that skips it for ASCII text. */
class AnalysisTests {

  private final Analyzer morphemes = Analysis.morphemes();

  /**
   * The shortcut in {@link Analysis#readings} is exact only if kuromoji gives no ASCII text a
   * reading: every printable one-, two- and three-character string, and mail-like English text.
   */
  @Test
  void kuromojiReadsNoAsciiText() {
    StringBuilder corpus = new StringBuilder();
    for (char a = 32; a < 127; a++) {
      corpus.append(a).append(' ');
      for (char b = 32; b < 127; b++) {
        corpus.append(a).append(b).append(' ').append(a).append(b).append(a).append('\n');
      }
    }
    corpus.append(
        "Re: Fwd: Meeting at 10:30 AM, room B-2 (OK?) - see https://example.com/a?b=c&d=e"
            + " or mail sato@example.co.jp; TV PC CD DVD USB ID NG OB CM 100% 1,000 yen #1 @all"
            + " \"quoted\" it's the team's plan\t\r\n~!$^*_+={}[]|\\:;'<>/");
    List<Analysis.Reading> readings = Analysis.kuromojiReadings(morphemes, corpus.toString());

    assertThat(readings).isNotEmpty();
    assertThat(readings).allSatisfy(r -> assertThat(r.kana()).isEmpty());
    assertThat(Analysis.readingText(readings)).isBlank();
    assertThat(Analysis.readings(morphemes, corpus.toString())).isEmpty();
  }

  @Test
  void textWithJapaneseIsStillRead() {
    String text = "Meeting: 会議室は東京 (room 3)";

    assertThat(Analysis.isAscii(text)).isFalse();
    assertThat(Analysis.readingText(Analysis.readings(morphemes, text)))
        .contains("カイギ")
        .contains("トウキョウ");
    assertThat(Analysis.readings(morphemes, text))
        .isEqualTo(Analysis.kuromojiReadings(morphemes, text));
  }

  @Test
  void fullWidthLatinIsNotAscii() {
    // folded to ASCII by the chain, but kept on the full path: the shortcut looks at the raw text
    assertThat(Analysis.isAscii("ＭＥＥＴＩＮＧ")).isFalse();
    assertThat(Analysis.isAscii("meeting 10:30")).isTrue();
    assertThat(Analysis.isAscii("")).isTrue();
    assertThat(Analysis.readings(morphemes, "")).isEmpty();
  }
}
