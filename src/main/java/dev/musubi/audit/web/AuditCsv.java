package dev.musubi.audit.web;

import dev.musubi.audit.AuditEntry;
import dev.musubi.platform.web.Csv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CSV (RFC 4180) for spreadsheets: every cell quoted, CRLF line ends, and cells that a spreadsheet
 * would run as a formula (starting with = + - @ tab or CR) prefixed with a single quote (OWASP CSV
 * injection).
 */
final class AuditCsv {

  static final char BOM = '\uFEFF';

  static final String HEADER =
      row(
          "seq",
          "occurred_at",
          "action",
          "action_code",
          "outcome",
          "actor_id",
          "actor_login",
          "target_type",
          "target_id",
          "ip",
          "user_agent",
          "detail",
          "hash");

  private AuditCsv() {}

  static void write(Writer out, AuditEntry e) {
    try {
      out.write(
          row(
              Long.toString(e.seq()),
              e.occurredAt().toString(),
              e.action(),
              Integer.toString(e.actionCode()),
              e.outcome(),
              e.actorId() == null ? "" : e.actorId().toString(),
              e.actorLogin(),
              e.targetType(),
              e.targetId(),
              e.ip(),
              e.userAgent(),
              detail(e.detail()),
              e.hash()));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  private static String detail(Map<String, String> detail) {
    return detail.entrySet().stream()
        .map(en -> en.getKey() + "=" + en.getValue())
        .collect(Collectors.joining("; "));
  }

  static String row(String... cells) {
    return Csv.row(cells);
  }

  static String cell(String value) {
    return Csv.cell(value);
  }
}
