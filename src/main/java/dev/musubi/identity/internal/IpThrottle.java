package dev.musubi.identity.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Per-address throttle of failed sign-ins (in memory; one node). An address with more than {@link
 * #LIMIT} failures in {@link #WINDOW} gets 429 until the window passes, whatever login IDs it
 * tries.
 */
@Component
class IpThrottle {

  static final int LIMIT = 50;
  static final Duration WINDOW = Duration.ofMinutes(15);
  private static final int MAX_TRACKED = 100_000;

  private record Window(Instant start, int failures) {}

  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
  private final Clock clock;

  IpThrottle(Clock clock) {
    this.clock = clock;
  }

  /** Seconds until the address may try again, or 0 when it may try now. */
  long retryAfterSeconds(String ip) {
    Window w = windows.get(ip);
    Instant now = clock.instant();
    if (w == null || w.failures() < LIMIT || w.start().plus(WINDOW).isBefore(now)) {
      return 0;
    }
    return Duration.between(now, w.start().plus(WINDOW)).toSeconds() + 1;
  }

  void recordFailure(String ip) {
    Instant now = clock.instant();
    if (windows.size() > MAX_TRACKED) {
      windows.entrySet().removeIf(e -> e.getValue().start().plus(WINDOW).isBefore(now));
    }
    windows.merge(
        ip,
        new Window(now, 1),
        (old, one) ->
            old.start().plus(WINDOW).isBefore(now)
                ? one
                : new Window(old.start(), old.failures() + 1));
  }

  void reset(String ip) {
    windows.remove(ip);
  }
}
