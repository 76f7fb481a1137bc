package dev.musubi.platform.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The small-blob reader against Tink itself: what Tink's encrypting stream wrote, the reader
 * decrypts to the same bytes, with its JCE objects reused across blobs, keys and threads; what Tink
 * would refuse, it refuses.
 */
class OneSegmentReaderTests {

  @BeforeAll
  static void register() throws Exception {
    StreamingAeadConfig.register();
  }

  record Sealed(byte[] plaintext, byte[] ciphertext, byte[] aad) {}

  static KeysetHandle newKeyset() throws Exception {
    return KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
  }

  static Sealed seal(KeysetHandle keyset, int size, int seed) throws Exception {
    byte[] plaintext = new byte[size];
    new Random(seed).nextBytes(plaintext);
    byte[] aad = ("musubi-blob:test:" + seed).getBytes(StandardCharsets.US_ASCII);
    StreamingAead aead = keyset.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream encrypting = aead.newEncryptingStream(out, aad)) {
      encrypting.write(plaintext);
    }
    return new Sealed(plaintext, out.toByteArray(), aad);
  }

  static byte[] open(List<OneSegmentReader.Key> keys, Sealed s) throws IOException {
    return OneSegmentReader.decrypt(keys, s.plaintext().length, s.ciphertext(), s.aad());
  }

  @Test
  void manyBlobsUnderTwoKeysComeBackAsTinkWroteThem() throws Exception {
    KeysetHandle first = newKeyset();
    KeysetHandle second = newKeyset(); // a rotation: the company's next data key
    List<OneSegmentReader.Key> firstKeys = OneSegmentReader.keys(first);
    List<OneSegmentReader.Key> secondKeys = OneSegmentReader.keys(second);
    assertThat(firstKeys).hasSize(1);
    List<Sealed> underFirst = new ArrayList<>();
    List<Sealed> underSecond = new ArrayList<>();
    int[] sizes = {0, 1, 15, 16, 17, 4000, 65_536, (int) OneSegmentReader.MAX_SIZE};
    for (int i = 0; i < 40; i++) {
      underFirst.add(seal(first, sizes[i % sizes.length], i));
      underSecond.add(seal(second, sizes[(i + 3) % sizes.length], 1000 + i));
    }
    // Alternating keys, twice over, on the same pooled JCE objects.
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < underFirst.size(); i++) {
        assertThat(open(firstKeys, underFirst.get(i))).isEqualTo(underFirst.get(i).plaintext());
        assertThat(open(secondKeys, underSecond.get(i))).isEqualTo(underSecond.get(i).plaintext());
      }
    }
    // Each blob needs its own key.
    assertThatThrownBy(() -> open(secondKeys, underFirst.get(5))).isInstanceOf(IOException.class);
    assertThat(open(firstKeys, underFirst.get(5))).isEqualTo(underFirst.get(5).plaintext());
  }

  @Test
  void readersOnManyThreadsEachGetTheirOwnBlobs() throws Exception {
    KeysetHandle keyset = newKeyset();
    List<OneSegmentReader.Key> keys = OneSegmentReader.keys(keyset);
    List<Sealed> blobs = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      blobs.add(seal(keyset, 3000 + 97 * i, i));
    }
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int offset = t;
        Callable<Boolean> task =
            () -> {
              for (int i = 0; i < 200; i++) {
                Sealed s = blobs.get((i * 7 + offset) % blobs.size());
                if (!Arrays.equals(open(keys, s), s.plaintext())) {
                  return false;
                }
              }
              return true;
            };
        results.add(threads.submit(task));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    }
  }

  @Test
  void whatTinkRefusesIsRefusedAndTheNextBlobStillDecrypts() throws Exception {
    KeysetHandle keyset = newKeyset();
    List<OneSegmentReader.Key> keys = OneSegmentReader.keys(keyset);
    Sealed good = seal(keyset, 4000, 7);
    List<Sealed> bad = new ArrayList<>();
    for (int at : new int[] {0, 1, 20, 40, 41, 2000, good.ciphertext().length - 1}) {
      byte[] changed = good.ciphertext().clone();
      changed[at] ^= 1; // header length, salt, nonce prefix, ciphertext, tag
      bad.add(new Sealed(good.plaintext(), changed, good.aad()));
    }
    bad.add(new Sealed(good.plaintext(), good.ciphertext(), "musubi-blob:other".getBytes()));
    for (Sealed s : bad) {
      assertThatThrownBy(() -> open(keys, s)).isInstanceOf(IOException.class);
    }
    // A cut or longer ciphertext is not a one-segment blob of this size: left to Tink's channel.
    Sealed cut =
        new Sealed(
            good.plaintext(),
            Arrays.copyOf(good.ciphertext(), good.ciphertext().length - 1),
            good.aad());
    assertThatThrownBy(() -> open(keys, cut)).isInstanceOf(IOException.class);
    // The failures above leave nothing behind for the next blob.
    assertThat(open(keys, good)).isEqualTo(good.plaintext());
  }

  @Test
  void blobsBeyondOneSegmentAreLeftToTheChannel() throws Exception {
    KeysetHandle keyset = newKeyset();
    List<OneSegmentReader.Key> keys = OneSegmentReader.keys(keyset);
    OneSegmentReader.Key key = keys.getFirst();
    long max = OneSegmentReader.MAX_SIZE;
    assertThat(key.oneSegment(max, key.headerLength() + max + 16)).isTrue();
    assertThat(key.oneSegment(max, key.headerLength() + max + 15)).isFalse();
    long full = key.ciphertextSegmentSize() - 16 - key.headerLength();
    assertThat(key.oneSegment(full, key.headerLength() + full + 16)).isFalse();
    assertThat(key.oneSegment(full - 1, key.headerLength() + full + 15)).isTrue();
  }
}
