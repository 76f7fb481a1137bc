package dev.musubi.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the indexer's thread lets deliveries go first, and when it stops waiting for them. */
class MailIndexerDeferralTests {

  private static final long MS = Duration.ofMillis(1).toNanos();
  private static final long START = 1_000_000 * MS;

  @Test
  void waitsWhileMessagesKeepArriving() {
    // queue not empty since START, the last message handed over 40 ms ago
    assertThat(
            MailIndexer.deliveriesFirst(
                START + 1_000 * MS, START + 960 * MS, START, 1000, MailIndexer.DEFER_CHARS))
        .isTrue();
    assertThat(
            MailIndexer.deliveriesFirst(
                START + 99 * MS, START, START, 1000, MailIndexer.DEFER_CHARS))
        .isTrue();
  }

  @Test
  void indexesOnceDeliveriesPause() {
    assertThat(
            MailIndexer.deliveriesFirst(
                START + 100 * MS, START, START, 1000, MailIndexer.DEFER_CHARS))
        .isFalse();
    assertThat(
            MailIndexer.deliveriesFirst(
                START + 5_000 * MS, START, START, 1000, MailIndexer.DEFER_CHARS))
        .isFalse();
  }

  @Test
  void indexesAnywayWhenTheOldestMessageWaitedHalfAMinute() {
    long now = START + 30_000 * MS;
    assertThat(
            MailIndexer.deliveriesFirst(now, now - MS, START + MS, 1000, MailIndexer.DEFER_CHARS))
        .isTrue();
    assertThat(MailIndexer.deliveriesFirst(now, now - MS, START, 1000, MailIndexer.DEFER_CHARS))
        .isFalse();
  }

  @Test
  void indexesAnywayWhenTheQueueHoldsTooMuchText() {
    long now = START + 10 * MS;
    assertThat(
            MailIndexer.deliveriesFirst(
                now, now - MS, START, MailIndexer.DEFER_CHARS - 1, MailIndexer.DEFER_CHARS))
        .isTrue();
    assertThat(
            MailIndexer.deliveriesFirst(
                now, now - MS, START, MailIndexer.DEFER_CHARS, MailIndexer.DEFER_CHARS))
        .isFalse();
  }

  @Test
  void aNanoTimeThatWrappedAroundStillCompares() {
    long before = Long.MAX_VALUE - 10 * MS;
    long now = before + 50 * MS; // overflows to a negative number
    assertThat(MailIndexer.deliveriesFirst(now, before, before, 0, MailIndexer.DEFER_CHARS))
        .isTrue();
    assertThat(
            MailIndexer.deliveriesFirst(now + 100 * MS, before, before, 0, MailIndexer.DEFER_CHARS))
        .isFalse();
  }
}
