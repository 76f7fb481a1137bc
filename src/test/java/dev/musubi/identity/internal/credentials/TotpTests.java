package dev.musubi.identity.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpTests {

  // RFC 6238 Appendix B: the SHA1 seed is the ASCII string "12345678901234567890".
  private static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
  private static final String RFC_SECRET = Base32.encode(RFC_SEED);
  private static final long NOW = 1_111_111_111L;
  private static final long NOW_STEP = NOW / 30;

  private final Totp totp = at(NOW);

  private static Totp at(long epochSecond) {
    return new Totp(Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
  }

  private static String code(long step) {
    return Totp.generate(RFC_SEED, step, 6);
  }

  @ParameterizedTest
  @CsvSource({
    "59, 94287082",
    "1111111109, 07081804",
    "1111111111, 14050471",
    "1234567890, 89005924",
    "2000000000, 69279037",
    "20000000000, 65353130"
  })
  void matchesRfc6238Sha1TestVectors(long time, String expected) {
    assertThat(Totp.generate(RFC_SEED, time / 30, 8)).isEqualTo(expected);
  }

  @Test
  void sixDigitCodesAreTheLastSixOfTheEightDigitValues() {
    assertThat(Totp.generate(RFC_SEED, 59 / 30, 6)).isEqualTo("287082");
    assertThat(at(1_111_111_109L).currentCode(RFC_SECRET)).isEqualTo("081804");
  }

  @Test
  void currentCodeIsAcceptedAndItsStepReturned() {
    assertThat(totp.verify(RFC_SECRET, code(NOW_STEP), -1)).hasValue(NOW_STEP);
  }

  @Test
  void codesOfNeighbouringStepsAreAccepted() {
    assertThat(totp.verify(RFC_SECRET, code(NOW_STEP - 1), -1)).hasValue(NOW_STEP - 1);
    assertThat(totp.verify(RFC_SECRET, code(NOW_STEP + 1), -1)).hasValue(NOW_STEP + 1);
  }

  @Test
  void codesTwoStepsAwayAreRefused() {
    assertThat(totp.verify(RFC_SECRET, code(NOW_STEP - 2), -1)).isEmpty();
    assertThat(totp.verify(RFC_SECRET, code(NOW_STEP + 2), -1)).isEmpty();
  }

  @Test
  void replayedCodeIsRefused() {
    long used = totp.verify(RFC_SECRET, code(NOW_STEP), -1).orElseThrow();
    assertThat(totp.verify(RFC_SECRET, code(NOW_STEP), used)).isEmpty();
  }

  @Test
  void codeOlderThanTheLastUsedStepIsRefused() {
    assertThat(totp.verify(RFC_SECRET, code(NOW_STEP - 1), NOW_STEP)).isEmpty();
    assertThat(totp.verify(RFC_SECRET, code(NOW_STEP + 1), NOW_STEP)).hasValue(NOW_STEP + 1);
  }

  @Test
  void spacesInTheCodeAreIgnored() {
    String code = code(NOW_STEP);
    String spaced = code.substring(0, 3) + " " + code.substring(3);
    assertThat(totp.verify(RFC_SECRET, spaced, -1)).hasValue(NOW_STEP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "12345", "1234567", "12345a", "１２３４５６", "١٢٣٤٥٦", "-12345", "+12345"})
  void malformedCodesAreRefused(String code) {
    assertThat(totp.verify(RFC_SECRET, code, -1)).isEmpty();
  }

  @Test
  void malformedCodeIsRefusedEvenWithAMalformedSecret() {
    assertThat(totp.verify("not base32!", "12345", -1)).isEmpty();
  }

  @Test
  void malformedSecretIsAnError() {
    assertThatIllegalArgumentException().isThrownBy(() -> totp.verify("not base32!", "123456", -1));
  }

  @Test
  void newSecretIsTwentyBytesOfBase32WithoutPadding() {
    var seeded = new Totp(Clock.systemUTC(), new Random(42));
    String secret = seeded.newSecret();
    assertThat(secret).hasSize(32).matches("[A-Z2-7]+");
    assertThat(Base32.decode(secret)).hasSize(20);
    assertThat(new Totp(Clock.systemUTC()).newSecret())
        .isNotEqualTo(new Totp(Clock.systemUTC()).newSecret());
  }

  @Test
  void otpauthUriEncodesLabelAndParameters() {
    assertThat(
            totp.otpauthUri("Musubi Example & Co", "taro.yamada@example.com", "JBSWY3DPEHPK3PXP"))
        .isEqualTo(
            "otpauth://totp/Musubi%20Example%20%26%20Co:taro.yamada%40example.com"
                + "?secret=JBSWY3DPEHPK3PXP&issuer=Musubi%20Example%20%26%20Co"
                + "&algorithm=SHA1&digits=6&period=30");
    assertThat(totp.otpauthUri("結び", "taro@example.com", "JBSWY3DPEHPK3PXP"))
        .startsWith("otpauth://totp/%E7%B5%90%E3%81%B3:taro%40example.com?");
  }

  @Test
  void colonInIssuerIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> totp.otpauthUri("A:B", "taro@example.com", "JBSWY3DPEHPK3PXP"));
  }
}
