package dev.musubi.platform.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serving stored content over HTTP with validators and byte ranges (RFC 9110 §8.8.3, §13.1.2, §14):
 * {@code ETag} and {@code If-None-Match} (304), one {@code Range} honoured when {@code If-Range} is
 * absent or matches (206, 416 for an unsatisfiable one), the body streamed from the first byte
 * asked for. Content type, disposition and safety headers stay with the caller.
 */
public final class ByteRanges {

  /** Opens the content from a byte offset; the caller closes the stream. */
  @FunctionalInterface
  public interface Source {
    InputStream open(long offset) throws IOException;
  }

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  private ByteRanges() {}

  /**
   * Sets {@code ETag}, {@code Accept-Ranges} and a private {@code Cache-Control}; answers 304 and
   * returns true when {@code If-None-Match} names the current version.
   */
  public static boolean notModified(
      HttpServletRequest request, HttpServletResponse response, String etag) {
    response.setHeader("ETag", etag);
    response.setHeader("Accept-Ranges", "bytes");
    response.setHeader("Cache-Control", "private, no-cache");
    String inm = request.getHeader("If-None-Match");
    if (inm != null && matches(inm, etag)) {
      response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
      return true;
    }
    return false;
  }

  /** Writes the status, length and range headers and, unless {@code HEAD}, the bytes. */
  public static void send(
      HttpServletRequest request,
      HttpServletResponse response,
      long size,
      String etag,
      Source source)
      throws IOException {
    long start = 0;
    long end = size - 1;
    String range = request.getHeader("Range");
    String ifRange = request.getHeader("If-Range");
    boolean partial = false;
    if (range != null && (ifRange == null || ifRange.strip().equals(etag))) {
      Matcher m = RANGE.matcher(range.strip());
      if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
        try {
          if (m.group(1).isEmpty()) {
            start = Math.max(0, size - Long.parseLong(m.group(2)));
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
    try (InputStream in = source.open(start)) {
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
}
