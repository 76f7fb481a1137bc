package dev.musubi.drive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DriveNamesTests {

  private static String code(String name) {
    var e = DriveNames.check("name", name);
    return e == null ? null : e.code();
  }

  @Test
  void acceptsOrdinaryNamesInAnyScript() {
    assertThat(code("見積書 2026.pdf")).isNull();
    assertThat(code("report (final).docx")).isNull();
    assertThat(code(".bashrc")).isNull();
    assertThat(code("x".repeat(255))).isNull();
  }

  @Test
  void refusesTraversalSeparatorsAndControlCharacters() {
    assertThat(code("../etc/passwd")).isEqualTo("invalid_character");
    assertThat(code("..\\windows")).isEqualTo("invalid_character");
    assertThat(code("..")).isEqualTo("reserved");
    assertThat(code(".")).isEqualTo("reserved");
    assertThat(code("a\u0000b")).isEqualTo("control");
    assertThat(code("line\nbreak")).isEqualTo("control");
    assertThat(code("evil\u202Etxt.exe")).isEqualTo("bidi");
    assertThat(code("a\u2066b")).isEqualTo("bidi");
    assertThat(code("")).isEqualTo("required");
    assertThat(code("   ")).isEqualTo("required");
    assertThat(code("trailing.")).isEqualTo("edge");
  }

  @Test
  void refusesReservedWindowsNamesWithOrWithoutExtension() {
    assertThat(code("CON")).isEqualTo("reserved");
    assertThat(code("con.txt")).isEqualTo("reserved");
    assertThat(code("Lpt1.log")).isEqualTo("reserved");
    assertThat(code("console.txt")).isNull();
  }

  @Test
  void refusesNamesOverTwoHundredFiftyFiveCharacters() {
    assertThat(code("x".repeat(256))).isEqualTo("too_long");
    assertThat(code("あ".repeat(5000))).isEqualTo("too_long");
  }

  @Test
  void comparesNamesInNfcIgnoringCase() {
    String decomposed = "ハ\u309Aン.txt"; // パ as ハ + combining semi-voiced mark
    assertThat(DriveNames.key(decomposed)).isEqualTo(DriveNames.key("パン.TXT"));
    assertThat(DriveNames.normalise(decomposed)).isEqualTo("パン.txt");
    assertThat(DriveNames.extension("Archive.TAR.GZ")).isEqualTo("gz");
  }
}
