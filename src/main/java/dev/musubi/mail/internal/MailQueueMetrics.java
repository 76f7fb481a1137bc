package dev.musubi.mail.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The outbound queue as the operator watches it: {@code musubi.mail.queue.length} (messages waiting
 * to be delivered to another server) and {@code musubi.mail.queue.oldest.age} (seconds the oldest
 * one has waited: a growing value means a remote server or the smarthost refuses us). Read from the
 * database at most every few seconds, however often Prometheus scrapes.
 */
@Component
class MailQueueMetrics {

  private static final Duration FRESH = Duration.ofSeconds(5);

  private final JdbcClient jdbc;
  private final Clock clock;
  private Instant readAt = Instant.EPOCH;
  private long length;
  private double oldestSeconds;

  MailQueueMetrics(JdbcClient jdbc, Clock clock, MeterRegistry meters) {
    this.jdbc = jdbc;
    this.clock = clock;
    Gauge.builder("musubi.mail.queue.length", this, m -> m.read().length)
        .description("Outbound messages waiting for delivery")
        .register(meters);
    Gauge.builder("musubi.mail.queue.oldest.age", this, m -> m.read().oldestSeconds)
        .description("Seconds the oldest waiting outbound message has waited")
        .baseUnit("seconds")
        .register(meters);
  }

  private synchronized MailQueueMetrics read() {
    Instant now = clock.instant();
    if (readAt.plus(FRESH).isAfter(now) && !readAt.isAfter(now)) {
      return this;
    }
    readAt = now;
    jdbc.sql("SELECT COUNT(*), MIN(created_at) FROM mail_outbound WHERE status = 'queued'")
        .query(
            rs -> {
              length = rs.getLong(1);
              OffsetDateTime oldest = rs.getObject(2, OffsetDateTime.class);
              oldestSeconds =
                  oldest == null
                      ? 0
                      : Math.max(0, Duration.between(oldest.toInstant(), now).toMillis() / 1000.0);
            });
    return this;
  }
}
