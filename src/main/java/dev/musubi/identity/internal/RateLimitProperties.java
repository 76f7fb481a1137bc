package dev.musubi.identity.internal;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Request rate limits on the HTTP API ({@code musubi.rate-limit.*}). A signed-in member (session,
 * access token or bot) is limited per member, so a whole office behind one NAT address is not
 * limited together; requests nobody is signed in for are limited per client address ({@code
 * X-Forwarded-For} only from {@code musubi.trusted-proxies}). Each is a token bucket: up to the
 * per-minute figure at once, refilled evenly over the minute. Zero switches a limit off.
 *
 * @param memberPerMinute requests per signed-in member and minute (default 1,200)
 * @param anonymousPerMinute requests per client address and minute when nobody is signed in
 *     (default 300)
 */
@ConfigurationProperties("musubi.rate-limit")
public record RateLimitProperties(Integer memberPerMinute, Integer anonymousPerMinute) {

  public RateLimitProperties {
    if (memberPerMinute == null) {
      memberPerMinute = 1200;
    }
    if (anonymousPerMinute == null) {
      anonymousPerMinute = 300;
    }
    if (memberPerMinute < 0 || anonymousPerMinute < 0) {
      throw new IllegalArgumentException("musubi.rate-limit.* must be 0 (off) or more");
    }
  }
}
