package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectoryTextTests {

  @Test
  void kanaOfAnyKindAndWidthFoldsToTheSameKey() {
    String key = DirectoryText.fold("やまだ たろう");
    assertThat(DirectoryText.fold("ヤマダ　タロウ")).isEqualTo(key);
    assertThat(DirectoryText.fold("ﾔﾏﾀﾞ ﾀﾛｳ")).isEqualTo(key);
    assertThat(DirectoryText.fold("やまだたろう")).isEqualTo(key);
    assertThat(DirectoryText.fold("ＹＡＭＡＤＡ")).isEqualTo("yamada");
  }

  @Test
  void romajiIsHepburnWithLongVowelsFolded() {
    assertThat(DirectoryText.romaji("さとう")).isEqualTo("sato");
    assertThat(DirectoryText.romaji("しんじゅく")).isEqualTo("shinjuku");
    assertThat(DirectoryText.romaji("ちゅうおう")).isEqualTo("chuo");
    assertThat(DirectoryText.romaji("けんいち")).isEqualTo("kenichi");
    assertThat(DirectoryText.romaji("なんば")).isEqualTo(DirectoryText.foldRomaji("Namba"));
    assertThat(DirectoryText.romaji("おおの")).isEqualTo(DirectoryText.foldRomaji("Ohno"));
    assertThat(DirectoryText.romaji("さとう")).isEqualTo(DirectoryText.foldRomaji("Satoh"));
    assertThat(DirectoryText.romaji("ゆうこ")).isEqualTo(DirectoryText.foldRomaji("Yuuko"));
  }

  @Test
  void phoneDigitsIgnoreSeparatorsAndWidth() {
    assertThat(DirectoryText.digits("０３-1234-５６７８")).isEqualTo("0312345678");
    assertThat(DirectoryText.isPhoneLike("03-1234")).isTrue();
    assertThat(DirectoryText.isPhoneLike("sato")).isFalse();
  }

  @Test
  void readingsSortInGojuonOrderNotCodePointOrder() {
    List<String> readings = new ArrayList<>(List.of("わたなべ", "アベ", "かとう", "がとう", "さとう", "いとう"));
    readings.sort(DirectoryText::compareReadings);
    assertThat(readings).containsExactly("アベ", "いとう", "かとう", "がとう", "さとう", "わたなべ");
  }
}
