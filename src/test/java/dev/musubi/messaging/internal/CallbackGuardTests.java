package dev.musubi.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CallbackGuardTests {

  private final CallbackGuard strict = new CallbackGuard(false);
  private final CallbackGuard loopbackAllowed = new CallbackGuard(true);

  @Test
  void onlyHttpAndHttpsToOrdinaryHosts() throws Exception {
    assertThat(strict.check("https://192.0.2.10/hook").getHost()).isEqualTo("192.0.2.10");
    assertThat(strict.check("http://10.1.2.3:8080/bot").getPort()).isEqualTo(8080);
    for (String bad :
        new String[] {
          "ftp://192.0.2.10/x",
          "javascript:alert(1)",
          "file:///etc/passwd",
          "gopher://192.0.2.10/",
          "http://user:pw@192.0.2.10/",
          "http:///nohost",
          "not a url",
        }) {
      assertThatThrownBy(() -> strict.check(bad)).as(bad).isInstanceOf(CallbackGuard.Refused.class);
    }
  }

  @Test
  void linkLocalMetadataAndReservedAddressesAreRefused() {
    for (String bad :
        new String[] {
          "http://169.254.169.254/latest/meta-data/",
          "http://169.254.0.1/",
          "http://[fe80::1]/",
          "http://[::ffff:169.254.169.254]/",
          "http://0.0.0.0/",
          "http://[::]/",
          "http://100.100.100.200/",
          "http://[fd00:ec2::254]/",
          "http://224.0.0.1/",
        }) {
      assertThatThrownBy(() -> loopbackAllowed.check(bad))
          .as(bad)
          .isInstanceOf(CallbackGuard.Refused.class);
    }
  }

  @Test
  void loopbackOnlyWhenTheOperatorAllowsIt() throws Exception {
    assertThatThrownBy(() -> strict.check("http://127.0.0.1:8080/"))
        .isInstanceOf(CallbackGuard.Refused.class);
    assertThatThrownBy(() -> strict.check("http://localhost/"))
        .isInstanceOf(CallbackGuard.Refused.class);
    assertThatThrownBy(() -> strict.check("http://[::1]/"))
        .isInstanceOf(CallbackGuard.Refused.class);
    assertThat(loopbackAllowed.check("http://127.0.0.1:8080/").getPort()).isEqualTo(8080);
  }
}
