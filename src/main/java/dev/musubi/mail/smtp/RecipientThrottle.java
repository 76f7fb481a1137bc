package dev.musubi.mail.smtp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts unknown and unhosted recipients per client IP in a fixed window; past the limit every RCPT
 * from that IP gets {@code 421} until the window ends, so addresses cannot be enumerated faster
 * than {@code limit} per window.
 */
final class RecipientThrottle {

  private record Window(Instant start, int count) {}

  /** Beyond this many tracked addresses, expired windows are swept on the next record. */
  private static final int SWEEP_THRESHOLD = 10_000;

  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
  private final int limit;
  private final Duration window;
  private final Clock clock;

  RecipientThrottle(int limit, Duration window, Clock clock) {
    this.limit = limit;
    this.window = window;
    this.clock = clock;
  }

  boolean blocked(String clientIp) {
    var current = windows.get(clientIp);
    return current != null && !expired(current, clock.instant()) && current.count() >= limit;
  }

  void recordUnknown(String clientIp) {
    Instant now = clock.instant();
    if (windows.size() > SWEEP_THRESHOLD) {
      windows.values().removeIf(w -> expired(w, now));
    }
    windows.compute(
        clientIp,
        (ip, current) ->
            current == null || expired(current, now)
                ? new Window(now, 1)
                : new Window(current.start(), current.count() + 1));
  }

  private boolean expired(Window w, Instant now) {
    return !now.isBefore(w.start().plus(window));
  }
}
