package dev.musubi.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimitBucketTests {

  static final long SECOND = 1_000_000_000L;

  @Test
  void aBucketGrantsItsSizeAtOnceThenRefillsEvenlyOverTheMinute() {
    RateLimitFilter.Bucket b = new RateLimitFilter.Bucket(60, 0);
    for (int i = 0; i < 60; i++) {
      assertThat(b.take(60, 0)).isZero();
    }
    long wait = b.take(60, 0);
    assertThat(wait).isEqualTo(SECOND);
    assertThat(b.take(60, SECOND / 2)).isPositive();
    assertThat(b.take(60, SECOND)).isZero();
    assertThat(b.isFull(SECOND)).isFalse();
    assertThat(b.isFull(61 * SECOND)).isTrue();
  }
}
