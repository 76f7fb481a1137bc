package dev.musubi.platform.web;

import dev.musubi.platform.Jdbc;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * The {@code Idempotency-Key} request header (IETF httpapi draft) on every create request of the
 * API: the first request with a key runs and its answer is kept for 24 hours; a retry with the same
 * key and the same request gets that answer again (marked {@code Idempotent-Replayed: true})
 * without running twice; the same key with a different request is refused with {@code 422}, and a
 * retry while the first is still running with {@code 409}. Keys are per member. Only successful
 * answers (2xx, up to 64 KiB) are kept: after an error the retry runs for real.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 100)
class IdempotencyFilter extends OncePerRequestFilter {

  static final String HEADER = "Idempotency-Key";
  static final Duration KEEP = Duration.ofHours(24);
  static final int MAX_KEPT_BODY = 64 * 1024;

  /** JSON bodies up to this size are part of the fingerprint; larger ones only by length. */
  static final int MAX_FINGERPRINT_BODY = 1024 * 1024;

  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

  private final JdbcClient jdbc;
  private final ProblemWriter problems;
  private final Clock clock;

  IdempotencyFilter(JdbcClient jdbc, ProblemWriter problems, Clock clock) {
    this.jdbc = jdbc;
    this.problems = problems;
    this.clock = clock;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !"POST".equals(request.getMethod())
        || request.getHeader(HEADER) == null
        || !path.startsWith("/api/");
  }

  private record Kept(
      String fingerprint,
      @Nullable Integer status,
      @Nullable String contentType,
      @Nullable String location,
      @Nullable String body) {}

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<MemberPrincipal> who = CurrentMember.find();
    if (who.isEmpty()) {
      chain.doFilter(request, response); // nobody to keep the key for; authentication answers
      return;
    }
    MemberPrincipal member = who.get();
    String key = request.getHeader(HEADER).trim();
    if (key.startsWith("\"") && key.endsWith("\"") && key.length() > 2) {
      key = key.substring(1, key.length() - 1); // the draft sends it as a structured string
    }
    if (!KEY.matcher(key).matches()) {
      problems.write(
          response,
          Problems.invalid(
              HEADER, "format", "Must be 1 to 255 visible ASCII characters, e.g. a UUID."));
      return;
    }
    BufferedRequest buffered = BufferedRequest.of(request);
    String fingerprint = fingerprint(request, buffered);
    HttpServletRequest forward = buffered != null ? buffered : request;
    try {
      jdbc.sql(
              "INSERT INTO http_idempotency (tenant_id, member_id, idem_key, fingerprint,"
                  + " created_at) VALUES (?, ?, ?, ?, ?)")
          .params(member.tenantId(), member.memberId(), key, fingerprint, Jdbc.ts(clock.instant()))
          .update();
    } catch (DuplicateKeyException e) {
      replay(member, key, fingerprint, response);
      return;
    }
    ContentCachingResponseWrapper wrapped = new ContentCachingResponseWrapper(response);
    boolean kept = false;
    try {
      chain.doFilter(forward, wrapped);
      byte[] body = wrapped.getContentAsByteArray();
      int status = wrapped.getStatus();
      if (status >= 200 && status < 300 && body.length <= MAX_KEPT_BODY) {
        jdbc.sql(
                "UPDATE http_idempotency SET status = ?, content_type = ?, location = ?, body = ?"
                    + " WHERE tenant_id = ? AND member_id = ? AND idem_key = ?")
            .params(
                status,
                wrapped.getContentType(),
                wrapped.getHeader("Location"),
                new String(body, StandardCharsets.UTF_8),
                member.tenantId(),
                member.memberId(),
                key)
            .update();
        kept = true;
      }
    } finally {
      if (!kept) {
        forget(member, key);
      }
      wrapped.copyBodyToResponse();
    }
  }

  private void replay(
      MemberPrincipal member, String key, String fingerprint, HttpServletResponse response)
      throws IOException {
    Optional<Kept> kept =
        jdbc.sql(
                "SELECT fingerprint, status, content_type, location, body FROM http_idempotency"
                    + " WHERE tenant_id = ? AND member_id = ? AND idem_key = ?")
            .params(member.tenantId(), member.memberId(), key)
            .query(
                (rs, n) ->
                    new Kept(
                        rs.getString("fingerprint"),
                        (Integer) rs.getObject("status"),
                        rs.getString("content_type"),
                        rs.getString("location"),
                        rs.getString("body")))
            .optional();
    if (kept.isEmpty()) {
      // The first request failed and was forgotten in between: this one may try again.
      problems.write(response, inProgress());
      return;
    }
    Kept k = kept.get();
    if (!k.fingerprint().equals(fingerprint)) {
      problems.write(
          response,
          new ProblemException(
              HttpStatus.UNPROCESSABLE_CONTENT,
              "idempotency-key-reused",
              "This Idempotency-Key was already used for a different request.",
              List.of()));
      return;
    }
    if (k.status() == null) {
      problems.write(response, inProgress());
      return;
    }
    response.setStatus(k.status());
    response.setHeader("Idempotent-Replayed", "true");
    if (k.contentType() != null) {
      response.setContentType(k.contentType());
    }
    if (k.location() != null) {
      response.setHeader("Location", k.location());
    }
    if (k.body() != null && !k.body().isEmpty()) {
      response.getOutputStream().write(k.body().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static ProblemException inProgress() {
    return new ProblemException(
        HttpStatus.CONFLICT,
        "idempotency-in-progress",
        "A request with this Idempotency-Key is still being processed; retry shortly.",
        List.of(),
        java.util.Map.of("Retry-After", "1"));
  }

  private void forget(MemberPrincipal member, String key) {
    jdbc.sql("DELETE FROM http_idempotency WHERE tenant_id = ? AND member_id = ? AND idem_key = ?")
        .params(member.tenantId(), member.memberId(), key)
        .update();
  }

  /** Drops answers older than {@link #KEEP}. */
  @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
  void expire() {
    jdbc.sql("DELETE FROM http_idempotency WHERE created_at < ?")
        .param(Jdbc.ts(clock.instant().minus(KEEP)))
        .update();
  }

  private static String fingerprint(HttpServletRequest request, @Nullable BufferedRequest body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String head =
          request.getMethod()
              + ' '
              + request.getRequestURI()
              + '?'
              + String.valueOf(request.getQueryString())
              + '\n'
              + String.valueOf(request.getContentType())
              + '\n'
              + request.getContentLengthLong()
              + '\n';
      sha.update(head.getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        sha.update(body.body);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A JSON request body read once so that it can be part of the fingerprint and still be read by
   * the controller. Other bodies (file uploads) are left streaming.
   */
  static final class BufferedRequest extends HttpServletRequestWrapper {
    final byte[] body;

    private BufferedRequest(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    static @Nullable BufferedRequest of(HttpServletRequest request) throws IOException {
      String type = request.getContentType();
      long length = request.getContentLengthLong();
      boolean json = type != null && type.toLowerCase(java.util.Locale.ROOT).contains("json");
      if (!json || length < 0 || length > MAX_FINGERPRINT_BODY) {
        return null;
      }
      return new BufferedRequest(request, request.getInputStream().readNBytes((int) length));
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new IllegalStateException("Synchronous reads only");
        }

        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String enc = getCharacterEncoding();
      return new BufferedReader(
          new InputStreamReader(
              getInputStream(),
              enc == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(enc)));
    }
  }
}
