package dev.musubi.audit.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuditCsvTests {

  @Test
  void cellsThatASpreadsheetWouldRunAreNeutralised() {
    assertThat(AuditCsv.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
    assertThat(AuditCsv.cell("+1")).isEqualTo("\"'+1\"");
    assertThat(AuditCsv.cell("-1")).isEqualTo("\"'-1\"");
    assertThat(AuditCsv.cell("@SUM(A1)")).isEqualTo("\"'@SUM(A1)\"");
    assertThat(AuditCsv.cell("\tx")).isEqualTo("\"'\tx\"");
    assertThat(AuditCsv.cell("\rx")).isEqualTo("\"'\rx\"");
  }

  @Test
  void ordinaryCellsAreQuotedOnly() {
    assertThat(AuditCsv.cell("taro@example.jp")).isEqualTo("\"taro@example.jp\"");
    assertThat(AuditCsv.cell("")).isEqualTo("\"\"");
    assertThat(AuditCsv.row("a", "b,c")).isEqualTo("\"a\",\"b,c\"\r\n");
  }
}
