package dev.musubi.messaging.web;

import dev.musubi.messaging.TalkExport;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.web.Problems;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/admin/talk/export}: message contents as CSV for an investigation. */
@RestController
@RequestMapping("/api/v1/admin/talk")
class TalkExportController {

  record ExportRequest(
      @Nullable String room,
      @Nullable String member,
      @Nullable String from,
      @Nullable String to,
      @Nullable String reason) {}

  private final TalkExport export;

  TalkExportController(TalkExport export) {
    this.export = export;
  }

  @PostMapping("/export")
  void export(
      @RequestBody(required = false) @Nullable ExportRequest b, HttpServletResponse response)
      throws IOException {
    ExportRequest r = b == null ? new ExportRequest(null, null, null, null, null) : b;
    TalkExport.Prepared prepared =
        export.prepare(
            CurrentMember.get(),
            new TalkExport.Request(
                id(r.room()),
                id(r.member()),
                instant("from", r.from()),
                instant("to", r.to()),
                r.reason()));
    response.setContentType("text/csv;charset=UTF-8");
    response.setHeader(
        "Content-Disposition", "attachment; filename=\"" + prepared.fileName() + "\"");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    Writer out = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
    prepared.writeTo(out);
  }

  private static @Nullable UUID id(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    UUID id = Ids.parseOrNull(text.strip());
    if (id == null) {
      throw Problems.notFound();
    }
    return id;
  }

  private static @Nullable Instant instant(String field, @Nullable String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw Problems.invalid(field, "format", "An ISO-8601 instant, e.g. 2026-12-01T00:00:00Z.");
    }
  }
}
