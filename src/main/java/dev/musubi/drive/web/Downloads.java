package dev.musubi.drive.web;

import dev.musubi.drive.Drives;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Streams a file version to the client: single byte ranges (206, 416), ETag and If-None-Match
 * (304), always as an attachment with {@code nosniff} and a sandboxing CSP, and with a content type
 * that browsers will not run (anything but a few passive types goes out as octet-stream).
 */
@Component
class Downloads {

  static final String CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
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
    response.setHeader("ETag", d.etag());
    response.setHeader("Accept-Ranges", "bytes");
    response.setHeader("Cache-Control", "private, no-cache");
    String inm = request.getHeader("If-None-Match");
    if (inm != null && matches(inm, d.etag())) {
      response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
      return;
    }
    response.setHeader("Content-Disposition", disposition(d.name()));
    response.setContentType(
        PASSIVE.contains(d.contentType()) ? d.contentType() : "application/octet-stream");
    long size = d.size();
    long start = 0;
    long end = size - 1;
    String range = request.getHeader("Range");
    String ifRange = request.getHeader("If-Range");
    boolean partial = false;
    if (range != null && (ifRange == null || ifRange.strip().equals(d.etag()))) {
      Matcher m = RANGE.matcher(range.strip());
      if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
        try {
          if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2));
            start = Math.max(0, size - suffix);
          } else {
            start = Long.parseLong(m.group(1));
            if (!m.group(2).isEmpty()) {
              end = Math.min(end, Long.parseLong(m.group(2)));
            }
          }
        } catch (NumberFormatException e) {
          start = size; // unsatisfiable
        }
        if (start >= size || start > end) {
          response.setHeader("Content-Range", "bytes */" + size);
          response.setStatus(416);
          response.setContentLength(0);
          return;
        }
        partial = true;
      }
    }
    long length = size == 0 ? 0 : end - start + 1;
    if (partial) {
      response.setStatus(206);
      response.setHeader("Content-Range", "bytes " + start + "-" + end + "/" + size);
    } else {
      response.setStatus(200);
    }
    response.setContentLengthLong(length);
    if ("HEAD".equals(request.getMethod()) || length == 0) {
      return;
    }
    try (InputStream in = drives.open(d, start)) {
      OutputStream out = response.getOutputStream();
      byte[] buf = new byte[64 * 1024];
      long left = length;
      while (left > 0) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (r < 0) {
          break;
        }
        out.write(buf, 0, r);
        left -= r;
      }
      out.flush();
    }
  }

  static void safetyHeaders(HttpServletResponse response) {
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Content-Security-Policy", CSP);
  }

  private static boolean matches(String header, String etag) {
    for (String c : header.split(",")) {
      String t = c.strip();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals("*") || t.equals(etag)) {
        return true;
      }
    }
    return false;
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
