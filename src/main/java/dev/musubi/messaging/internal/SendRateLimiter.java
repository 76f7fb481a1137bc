package dev.musubi.messaging.internal;

import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * At most {@value #LIMIT} messages per member in any {@link #WINDOW} (sliding window, in memory).
 */
@Component
public class SendRateLimiter {

  static final int LIMIT = 20;
  static final Duration WINDOW = Duration.ofSeconds(10);

  private final Clock clock;
  private final Map<UUID, ArrayDeque<Instant>> sent = new ConcurrentHashMap<>();

  SendRateLimiter(Clock clock) {
    this.clock = clock;
  }

  /** Counts one send; throws a 429 problem with {@code Retry-After} when over the limit. */
  public void acquire(UUID memberId) {
    Instant now = clock.instant();
    ArrayDeque<Instant> times = sent.computeIfAbsent(memberId, k -> new ArrayDeque<>());
    synchronized (times) {
      Instant horizon = now.minus(WINDOW);
      while (!times.isEmpty() && !times.peekFirst().isAfter(horizon)) {
        times.pollFirst();
      }
      if (times.size() >= LIMIT) {
        Instant oldest = times.peekFirst();
        long wait = Duration.between(now, oldest.plus(WINDOW)).toMillis();
        throw Problems.tooManyRequests((wait + 999) / 1000);
      }
      times.addLast(now);
    }
  }
}
