package dev.musubi.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageViewsTests {

  @Test
  void lowerBoundCountsPointersStrictlyBelowTheSequence() {
    long[] pointers = {0, 2, 2, 5, 9};
    assertThat(MessageViews.lowerBound(pointers, 1)).isEqualTo(1);
    assertThat(MessageViews.lowerBound(pointers, 2)).isEqualTo(1);
    assertThat(MessageViews.lowerBound(pointers, 3)).isEqualTo(3);
    assertThat(MessageViews.lowerBound(pointers, 10)).isEqualTo(5);
    assertThat(MessageViews.lowerBound(pointers, 0)).isZero();
    assertThat(MessageViews.lowerBound(new long[0], 3)).isZero();
  }
}
