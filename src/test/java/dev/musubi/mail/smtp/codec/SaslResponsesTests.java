package dev.musubi.mail.smtp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SaslResponsesTests {

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void plainCarriesAnOptionalAuthorizationIdentityTheLoginAndThePassword() throws Exception {
    assertThat(SaslResponses.plain(b64("\0tanaka@example.jp\0秘密のパスワード")))
        .isEqualTo(new SaslResponses.Plain("", "tanaka@example.jp", "秘密のパスワード"));
    assertThat(SaslResponses.plain(b64("boss\0tanaka\0pw")))
        .isEqualTo(new SaslResponses.Plain("boss", "tanaka", "pw"));
  }

  @Test
  void malformedPlainResponsesAre501() {
    for (String bad :
        new String[] {
          "=",
          "!!!!",
          "abc",
          b64("no-nul"),
          b64("\0only-login"),
          b64("\0\0pw"),
          b64("\0u\0"),
          b64("a\0b\0c\0d"),
          Base64.getEncoder().encodeToString(new byte[] {0, 'u', 0, (byte) 0xff})
        }) {
      assertThatThrownBy(() -> SaslResponses.plain(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              SmtpProtocolException.class,
              e -> assertThat(e.reply().toString()).startsWith("501 5.5.2"));
    }
  }

  @Test
  void loginResponsesAreOneBase64LineEach() throws Exception {
    assertThat(SaslResponses.login(b64("tanaka@example.jp"))).isEqualTo("tanaka@example.jp");
    assertThat(SaslResponses.login("=")).isEmpty();
    assertThatThrownBy(() -> SaslResponses.login(b64("a\0b")))
        .isInstanceOf(SmtpProtocolException.class);
    assertThat(SaslResponses.cancelled("*")).isTrue();
    assertThat(SaslResponses.cancelled("Kg==")).isFalse();
  }

  @Test
  void theAuthCommandParsesItsMechanismAndInitialResponse() throws Exception {
    assertThat(SmtpCommandParser.parse("AUTH plain AHUAcA=="))
        .isEqualTo(new SmtpCommand.Auth("PLAIN", "AHUAcA=="));
    assertThat(SmtpCommandParser.parse("AUTH LOGIN"))
        .isEqualTo(new SmtpCommand.Auth("LOGIN", null));
    assertThat(SmtpCommandParser.parse("AUTH PLAIN ="))
        .isEqualTo(new SmtpCommand.Auth("PLAIN", "="));
    for (String bad :
        new String[] {"AUTH", "AUTH  ", "AUTH PL@IN", "AUTH PLAIN a b", "AUTH X abc"}) {
      assertThatThrownBy(() -> SmtpCommandParser.parse(bad))
          .as(bad)
          .isInstanceOf(SmtpProtocolException.class);
    }
  }
}
