package dev.musubi.identity.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RecoveryCodesTests {

  @Test
  void generatesTenDistinctFormattedCodes() {
    var codes = new RecoveryCodes().generate();
    assertThat(codes)
        .hasSize(10)
        .doesNotHaveDuplicates()
        .allMatch(
            code ->
                code.matches(
                    "[23456789abcdefghjkmnpqrstuvwxyz]{5}-[23456789abcdefghjkmnpqrstuvwxyz]{5}"));
  }

  @Test
  void codesAvoidAmbiguousCharacters() {
    var codes = new RecoveryCodes(new Random(1)).generate();
    assertThat(String.join("", codes)).doesNotContain("0", "o", "1", "l", "i");
  }

  @Test
  void injectedRandomnessMakesCodesReproducible() {
    assertThat(new RecoveryCodes(new Random(3)).generate())
        .isEqualTo(new RecoveryCodes(new Random(3)).generate());
  }

  @Test
  void hashIgnoresCaseDashesAndSpaces() {
    String hash = RecoveryCodes.hash("abcde-fghjk");
    assertThat(RecoveryCodes.hash("ABCDE-FGHJK")).isEqualTo(hash);
    assertThat(RecoveryCodes.hash(" abcde fghjk ")).isEqualTo(hash);
    assertThat(RecoveryCodes.hash("abcdefghjk")).isEqualTo(hash);
    assertThat(RecoveryCodes.hash("abcde-fghjm")).isNotEqualTo(hash);
  }

  @Test
  void hashIsHexSha256OfTheNormalisedCode() {
    // SHA-256("abc") from FIPS 180-2 Appendix B.1.
    assertThat(RecoveryCodes.hash("A-B C"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
