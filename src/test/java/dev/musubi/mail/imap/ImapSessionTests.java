package dev.musubi.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.mail.internal.ConnectionLimits;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ImapSessionTests {

  @Test
  void passwordsWithoutTlsAreRefusedExceptFromLoopbackWhenAllowed() {
    assertThat(ImapSession.plaintextRefused(false, false, true)).isTrue();
    assertThat(ImapSession.plaintextRefused(false, true, false)).isTrue();
    assertThat(ImapSession.plaintextRefused(false, true, true)).isFalse();
    assertThat(ImapSession.plaintextRefused(true, false, false)).isFalse();
  }

  @Test
  void ipv6ClientsAreCountedPerSlash64() throws Exception {
    assertThat(ImapServer.clientKey(InetAddress.getByName("2001:db8:1:2:3:4:5:6")))
        .isEqualTo(ImapServer.clientKey(InetAddress.getByName("2001:db8:1:2:ffff::1")));
    assertThat(ImapServer.clientKey(InetAddress.getByName("192.0.2.7"))).isEqualTo("192.0.2.7");
  }

  @Test
  void connectionLimitsCountInAllAndPerKey() {
    var limits = new ConnectionLimits(3, 2);
    assertThat(limits.tryAcquire("a")).isTrue();
    assertThat(limits.tryAcquire("a")).isTrue();
    assertThat(limits.tryAcquire("a")).isFalse();
    assertThat(limits.tryAcquire("b")).isTrue();
    assertThat(limits.tryAcquire("c")).isFalse();
    limits.release("a");
    assertThat(limits.tryAcquire("c")).isTrue();
  }
}
