package dev.musubi.identity.internal;

import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemWriter;
import dev.musubi.platform.web.Problems;
import dev.musubi.platform.web.RequestInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers {@code 429} with {@code Retry-After} when a member or an address sends more requests than
 * {@link RateLimitProperties} allows. Runs after authentication so that it knows who is asking.
 * Covers the API, WebDAV, sharing links, bots and webhooks; the web client's static files are not
 * counted.
 */
final class RateLimitFilter extends OncePerRequestFilter {

  /** Buckets kept before idle ones are dropped; bounds memory whatever the traffic. */
  static final int MAX_BUCKETS = 100_000;

  private final RateLimitProperties limits;
  private final RequestInfo requestInfo;
  private final ProblemWriter problems;
  private final Counter limitedMembers;
  private final Counter limitedAddresses;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimitFilter(
      RateLimitProperties limits,
      RequestInfo requestInfo,
      ProblemWriter problems,
      MeterRegistry meters) {
    this.limits = limits;
    this.requestInfo = requestInfo;
    this.problems = problems;
    this.limitedMembers =
        Counter.builder("musubi.http.rate.limited")
            .description("Requests refused by the rate limit")
            .tag("by", "member")
            .register(meters);
    this.limitedAddresses =
        Counter.builder("musubi.http.rate.limited")
            .description("Requests refused by the rate limit")
            .tag("by", "address")
            .register(meters);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !(path.startsWith("/api/")
        || path.startsWith("/dav")
        || path.startsWith("/s/")
        || path.startsWith("/bot/")
        || path.startsWith("/hooks/"));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<MemberPrincipal> member = CurrentMember.find();
    int perMinute = member.isPresent() ? limits.memberPerMinute() : limits.anonymousPerMinute();
    if (perMinute > 0) {
      String key =
          member
              .map(m -> "m:" + m.memberId())
              .orElseGet(() -> "a:" + requestInfo.clientIp(request));
      long waitNanos = take(key, perMinute, System.nanoTime());
      if (waitNanos > 0) {
        (member.isPresent() ? limitedMembers : limitedAddresses).increment();
        problems.write(
            response, Problems.tooManyRequests((waitNanos + 999_999_999L) / 1_000_000_000L));
        return;
      }
    }
    chain.doFilter(request, response);
  }

  /** Takes one token; returns 0 when granted, or how long until one is available. */
  long take(String key, int perMinute, long now) {
    if (buckets.size() > MAX_BUCKETS) {
      // Full buckets carry no information: a fresh one behaves the same.
      buckets.values().removeIf(b -> b.isFull(now));
      if (buckets.size() > MAX_BUCKETS) {
        buckets.clear();
      }
    }
    return buckets.computeIfAbsent(key, k -> new Bucket(perMinute, now)).take(perMinute, now);
  }

  /** A token bucket holding up to {@code perMinute} tokens, refilled evenly over a minute. */
  static final class Bucket {
    private static final long MINUTE = 60_000_000_000L;
    private double tokens;
    private long updated;
    private int capacity;

    Bucket(int perMinute, long now) {
      this.tokens = perMinute;
      this.capacity = perMinute;
      this.updated = now;
    }

    synchronized long take(int perMinute, long now) {
      capacity = perMinute;
      refill(now);
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - tokens) * MINUTE / capacity);
    }

    synchronized boolean isFull(long now) {
      refill(now);
      return tokens >= capacity;
    }

    private void refill(long now) {
      long elapsed = now - updated;
      if (elapsed > 0) {
        tokens = Math.min(capacity, tokens + (double) elapsed * capacity / MINUTE);
        updated = now;
      }
    }
  }
}
