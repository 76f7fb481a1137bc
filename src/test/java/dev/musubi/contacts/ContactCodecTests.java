package dev.musubi.contacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.musubi.contacts.codec.Csv;
import dev.musubi.contacts.codec.CsvContacts;
import dev.musubi.contacts.codec.TextDecoding;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContactCodecTests {

  @Test
  void csvReadsQuotesEmbeddedLineBreaksAndCrlf() throws Exception {
    List<List<String>> r = Csv.parse("姓,メモ\r\n\"山田\",\"一行目\n二行目, \"\"引用\"\"\"\r\n鈴木,\r\n", 10);
    assertThat(r).hasSize(3);
    assertThat(r.get(1)).containsExactly("山田", "一行目\n二行目, \"引用\"");
    assertThat(r.get(2)).containsExactly("鈴木", "");
  }

  @Test
  void brokenCsvIsRefusedWithTheRecord() {
    assertThatThrownBy(() -> Csv.parse("姓\n\"閉じない", 10))
        .isInstanceOf(Csv.CsvException.class)
        .hasMessageContaining("not closed");
    assertThatThrownBy(() -> Csv.parse("a\nb\nc\n", 2)).hasMessageContaining("Too many");
  }

  @Test
  void formulaLikeCellsAreNeutralisedOnWrite() {
    assertThat(Csv.cell("=HYPERLINK(\"http://x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
    assertThat(Csv.cell("+81 3 1234")).isEqualTo("'+81 3 1234");
    assertThat(Csv.cell("-1")).isEqualTo("'-1");
    assertThat(Csv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(Csv.cell("\tx")).isEqualTo("'\tx");
    assertThat(Csv.cell("＝全角")).isEqualTo("'＝全角");
    assertThat(Csv.cell("普通の値")).isEqualTo("普通の値");
  }

  @Test
  void encodingsAreDetectedAndMixedFilesRefused() throws Exception {
    byte[] utf8 = "姓,名\n山田,太郎\n".getBytes(StandardCharsets.UTF_8);
    assertThat(TextDecoding.decode(utf8).encoding()).isEqualTo("UTF-8");
    byte[] bom = new byte[utf8.length + 3];
    bom[0] = (byte) 0xEF;
    bom[1] = (byte) 0xBB;
    bom[2] = (byte) 0xBF;
    System.arraycopy(utf8, 0, bom, 3, utf8.length);
    TextDecoding.Decoded withBom = TextDecoding.decode(bom);
    assertThat(withBom.text()).startsWith("姓");
    byte[] sjis = "姓,名\n山田,太郎\n髙橋,①\n".getBytes(TextDecoding.SHIFT_JIS);
    TextDecoding.Decoded s = TextDecoding.decode(sjis);
    assertThat(s.encoding()).isEqualTo("Shift_JIS");
    assertThat(s.text()).contains("髙橋", "①");
    byte[] mixed =
        concat(
            "姓,名\n山田,太郎\n".getBytes(StandardCharsets.UTF_8),
            "鈴木,一郎\n".getBytes(TextDecoding.SHIFT_JIS));
    assertThatThrownBy(() -> TextDecoding.decode(mixed))
        .isInstanceOfSatisfying(
            TextDecoding.EncodingException.class,
            e -> {
              assertThat(e.code()).isEqualTo("mixed_encoding");
              assertThat(e.lines()).containsExactly(3);
            });
  }

  @Test
  void csvHeadersFromExcelAndOutlookMapToFields() {
    List<CsvContacts.Column> m =
        CsvContacts.mapping(
            List.of("姓", "名", "姓（フリガナ）", "名 (フリガナ)", "会社名", "E-mail Address", "携帯電話", "謎の列"));
    assertThat(m.stream().map(CsvContacts.Column::field).toList())
        .containsExactly(
            "familyName",
            "givenName",
            "familyNameReading",
            "givenNameReading",
            "company",
            "email.work",
            "phone.mobile",
            null);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
