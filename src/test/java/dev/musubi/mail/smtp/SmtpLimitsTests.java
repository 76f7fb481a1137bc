package dev.musubi.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.mail.internal.ConnectionLimits;
import dev.musubi.testing.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmtpLimitsTests {

  @Test
  void connectionsAreBoundedInAllAndPerAddress() {
    var limits = new ConnectionLimits(3, 2);
    assertThat(limits.tryAcquire("192.0.2.1")).isTrue();
    assertThat(limits.tryAcquire("192.0.2.1")).isTrue();
    assertThat(limits.tryAcquire("192.0.2.1")).isFalse();
    assertThat(limits.tryAcquire("192.0.2.2")).isTrue();
    assertThat(limits.tryAcquire("192.0.2.3")).isFalse(); // total reached
    limits.release("192.0.2.1");
    assertThat(limits.tryAcquire("192.0.2.3")).isTrue();
  }

  @Test
  void unknownRecipientThrottleBlocksPerAddressForItsWindow() {
    var clock = new TestClock();
    var throttle = new RecipientThrottle(2, Duration.ofMinutes(10), clock);
    throttle.recordUnknown("192.0.2.1");
    assertThat(throttle.blocked("192.0.2.1")).isFalse();
    throttle.recordUnknown("192.0.2.1");
    assertThat(throttle.blocked("192.0.2.1")).isTrue();
    assertThat(throttle.blocked("192.0.2.2")).isFalse();
    clock.advance(Duration.ofMinutes(10));
    assertThat(throttle.blocked("192.0.2.1")).isFalse();
  }

  @Test
  void ipv6ClientsAreCountedPerSlash64() throws Exception {
    assertThat(SmtpServer.clientKey(java.net.InetAddress.getByName("2001:db8:1:2:aaaa::1")))
        .isEqualTo(SmtpServer.clientKey(java.net.InetAddress.getByName("2001:db8:1:2:bbbb::9")))
        .isEqualTo("20010db800010002::/64");
    assertThat(SmtpServer.clientKey(java.net.InetAddress.getByName("192.0.2.7")))
        .isEqualTo("192.0.2.7");
  }

  @Test
  void dmarcAlignmentUsesTheOrganisationalDomain() {
    assertThat(SenderChecks.aligned("mail.example.co.jp", "example.co.jp")).isTrue();
    assertThat(SenderChecks.aligned("other.co.jp", "example.co.jp")).isFalse();
    assertThat(SenderChecks.aligned("bounce.news.example.com", "example.com")).isTrue();
    assertThat(SenderChecks.aligned("bounce.example.com", "example.com", true)).isFalse();
  }
}
