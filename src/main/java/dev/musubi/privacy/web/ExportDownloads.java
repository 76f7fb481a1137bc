package dev.musubi.privacy.web;

import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.privacy.PersonalDataExports;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.HttpHeaders;

/** Streams a ready archive and tells the service whether it went out completely. */
final class ExportDownloads {

  private ExportDownloads() {}

  static void send(
      PersonalDataExports exports,
      MemberPrincipal actor,
      PersonalDataExports.Download d,
      HttpServletResponse response)
      throws IOException {
    response.setContentType("application/zip");
    response.setHeader(
        HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + d.filename() + "\"");
    response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    response.setContentLengthLong(d.size());
    boolean complete = false;
    try (InputStream in = exports.content(d)) {
      in.transferTo(response.getOutputStream());
      response.flushBuffer();
      complete = true;
    } finally {
      exports.downloaded(actor, d, complete);
    }
  }
}
