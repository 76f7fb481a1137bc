package dev.musubi.drive.web;

import dev.musubi.drive.Drives;
import dev.musubi.platform.web.ByteRanges;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Streams a file version to the client: single byte ranges (206, 416), ETag and If-None-Match
 * (304), always as an attachment with {@code nosniff} and a sandboxing CSP, and with a content type
 * that browsers will not run (anything but a few passive types goes out as octet-stream).
 */
@Component
class Downloads {

  static final String CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";
  private static final Set<String> PASSIVE =
      Set.of(
          "image/png",
          "image/jpeg",
          "image/gif",
          "image/webp",
          "application/pdf",
          "text/plain",
          "application/zip",
          "application/octet-stream");

  private final Drives drives;

  Downloads(Drives drives) {
    this.drives = drives;
  }

  void send(Drives.Download d, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    safetyHeaders(response);
    if (ByteRanges.notModified(request, response, d.etag())) {
      return;
    }
    response.setHeader("Content-Disposition", disposition(d.name()));
    response.setContentType(
        PASSIVE.contains(d.contentType()) ? d.contentType() : "application/octet-stream");
    ByteRanges.send(request, response, d.size(), d.etag(), offset -> drives.open(d, offset));
  }

  static void safetyHeaders(HttpServletResponse response) {
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Content-Security-Policy", CSP);
  }

  /** {@code attachment} with an ASCII fallback name and the UTF-8 name (RFC 6266, RFC 8187). */
  static String disposition(String name) {
    StringBuilder ascii = new StringBuilder();
    for (char c : name.toCharArray()) {
      ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ';' ? c : '_');
    }
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}
