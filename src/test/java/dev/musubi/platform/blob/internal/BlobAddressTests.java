package dev.musubi.platform.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link EncryptedBlobStore#isAddress} accepts exactly what the pattern of an address accepts. */
class BlobAddressTests {

  private static final Pattern ADDRESS = Pattern.compile("[0-9a-f]{64}");

  @Test
  void agreesWithThePatternOnAddressesAndNearMisses() {
    Random random = new Random(7);
    String alphabet = "0123456789abcdefABCDEFgz/.\u00e9\u0660 -";
    for (int i = 0; i < 100_000; i++) {
      String s;
      if (i % 2 == 0) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        char[] chars = HexFormat.of().formatHex(bytes).toCharArray();
        // Half of them with one character changed, some with one more or one fewer.
        if (i % 4 == 0) {
          chars[random.nextInt(64)] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        s = new String(chars);
        if (i % 8 == 0) {
          s = random.nextBoolean() ? s + "a" : s.substring(1);
        }
      } else {
        StringBuilder b = new StringBuilder();
        int length = random.nextInt(3) == 0 ? 64 : random.nextInt(70);
        for (int k = 0; k < length; k++) {
          b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        s = b.toString();
      }
      assertThat(EncryptedBlobStore.isAddress(s)).as(s).isEqualTo(ADDRESS.matcher(s).matches());
    }
    assertThat(EncryptedBlobStore.isAddress("")).isFalse();
    assertThat(EncryptedBlobStore.isAddress("../" + "0".repeat(61))).isFalse();
    assertThat(EncryptedBlobStore.isAddress("0".repeat(64))).isTrue();
  }
}
