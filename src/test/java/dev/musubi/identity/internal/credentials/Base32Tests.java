package dev.musubi.identity.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Base32Tests {

  // RFC 4648 §10 test vectors, without padding.
  @ParameterizedTest
  @CsvSource({
    "f, MY",
    "fo, MZXQ",
    "foo, MZXW6",
    "foob, MZXW6YQ",
    "fooba, MZXW6YTB",
    "foobar, MZXW6YTBOI"
  })
  void encodesRfc4648TestVectorsWithoutPadding(String plain, String encoded) {
    assertThat(Base32.encode(plain.getBytes(StandardCharsets.US_ASCII))).isEqualTo(encoded);
    assertThat(new String(Base32.decode(encoded), StandardCharsets.US_ASCII)).isEqualTo(plain);
  }

  @Test
  void decodingIgnoresCasePaddingAndSpaces() {
    assertThat(new String(Base32.decode("mzxw 6ytb oi======"), StandardCharsets.US_ASCII))
        .isEqualTo("foobar");
  }

  @Test
  void randomBytesRoundTrip() {
    var random = new Random(7);
    for (int length = 0; length < 64; length++) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      assertThat(Base32.decode(Base32.encode(bytes))).isEqualTo(bytes);
    }
  }

  @Test
  void invalidCharactersAndLengthsAreRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> Base32.decode("MZXW1"));
    assertThatIllegalArgumentException().isThrownBy(() -> Base32.decode("M"));
    assertThatIllegalArgumentException().isThrownBy(() -> Base32.decode("MZX"));
  }
}
