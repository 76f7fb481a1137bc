package dev.musubi.platform.blob.internal;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingParameters;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Decrypts a small blob whole, in buffers of its own size, with JCE objects kept for the next blob.
 *
 * <p>The ciphertext is Tink's AES-GCM-HKDF streaming format, written by Tink's encrypting stream: a
 * header (its length in one byte, a random salt as long as the derived key, a 7-byte nonce prefix)
 * and, for a blob that fits one segment, that segment: AES-GCM with a 128-bit tag under a key
 * derived per blob by HKDF (the keyset's key material, the header's salt, the blob's associated
 * data as info), with the nonce {@code prefix || segment 0 (4 bytes, big-endian) || 1} (the last
 * segment), so that a truncated or extended blob does not decrypt. This reads exactly that, with
 * the same checks; only the {@link Mac} and {@link Cipher} instances are reused (Tink looks both up
 * from the providers for every blob, which with HKDF was a tenth of FETCH BODY[]'s time, and its
 * decrypting channel allocates two 1 MiB buffers per blob). Anything it does not expect (another
 * key type, a size that does not match) is left to the channel.
 */
final class OneSegmentReader {

  /** Blobs up to this size are read whole; larger ones stream. */
  static final long MAX_SIZE = 256 * 1024;

  private static final int NONCE_PREFIX = 7;
  private static final int TAG = 16;

  /**
   * One enabled AES-GCM-HKDF key of a keyset: its key material (as Tink holds it in memory) and
   * parameters.
   */
  record Key(byte[] ikm, String hmac, int derivedKeySize, int ciphertextSegmentSize) {

    int headerLength() {
      return 1 + derivedKeySize + NONCE_PREFIX;
    }

    /**
     * Whether a blob of {@code size} bytes is one segment of this key (and not a full one, which
     * could be followed by another) and its ciphertext is {@code length} bytes.
     */
    boolean oneSegment(long size, long length) {
      return size < ciphertextSegmentSize - TAG - headerLength()
          && length == headerLength() + size + TAG;
    }
  }

  /** The AES-GCM-HKDF keys of a keyset (enabled ones, primary first); empty for other kinds. */
  static List<Key> keys(KeysetHandle handle) {
    List<Key> keys = new ArrayList<>();
    for (int i = 0; i < handle.size(); i++) {
      KeysetHandle.Entry entry = handle.getAt(i);
      if (entry.getStatus() != KeyStatus.ENABLED) {
        continue;
      }
      if (!(entry.getKey() instanceof AesGcmHkdfStreamingKey key)) {
        return List.of();
      }
      AesGcmHkdfStreamingParameters p = key.getParameters();
      String hmac;
      if (p.getHkdfHashType() == AesGcmHkdfStreamingParameters.HashType.SHA256) {
        hmac = "HmacSHA256";
      } else if (p.getHkdfHashType() == AesGcmHkdfStreamingParameters.HashType.SHA512) {
        hmac = "HmacSHA512";
      } else if (p.getHkdfHashType() == AesGcmHkdfStreamingParameters.HashType.SHA1) {
        hmac = "HmacSHA1";
      } else {
        return List.of();
      }
      Key one =
          new Key(
              key.getInitialKeyMaterial().toByteArray(InsecureSecretKeyAccess.get()),
              hmac,
              p.getDerivedAesGcmKeySizeBytes(),
              p.getCiphertextSegmentSizeBytes());
      if (entry.isPrimary()) {
        keys.addFirst(one);
      } else {
        keys.add(one);
      }
    }
    return List.copyOf(keys);
  }

  /**
   * The length of the ciphertext of a blob of {@code size} bytes if it is one segment of these keys
   * and read whole; -1 when it is to be streamed (larger than {@link #MAX_SIZE}, not one segment,
   * other kinds of keys, or keys that disagree on the length).
   */
  static int ciphertextLength(List<Key> keys, long size) {
    if (keys.isEmpty() || size < 0 || size > MAX_SIZE) {
      return -1;
    }
    long length = -1;
    for (Key key : keys) {
      long mine = key.headerLength() + size + TAG;
      if (!key.oneSegment(size, mine) || (length >= 0 && length != mine)) {
        return -1;
      }
      length = mine;
    }
    return (int) length;
  }

  /**
   * The plaintext of the one-segment ciphertext {@code all} of a blob of {@code size} bytes.
   *
   * @throws IOException when it does not decrypt under any of the keys
   */
  static byte[] decrypt(List<Key> keys, long size, byte[] all, byte[] aad) throws IOException {
    Engines engines = Engines.take();
    GeneralSecurityException failure = null;
    for (Key key : keys) {
      if (!key.oneSegment(size, all.length)) {
        continue;
      }
      try {
        byte[] plaintext = engines.decrypt(key, all, (int) size, aad);
        if (failure == null) {
          engines.give(); // after a failure the engines are dropped, not reused
        }
        return plaintext;
      } catch (GeneralSecurityException e) {
        failure = e;
      }
    }
    throw new IOException("cannot decrypt blob", failure);
  }

  /**
   * A {@link Mac} and a {@link Cipher}, taken by one reader at a time. Kept in a small pool rather
   * than per thread: IMAP sessions run on virtual threads, one per connection, so a thread-local
   * would be made again for every session.
   */
  private static final class Engines {

    private static final BlockingQueue<Engines> POOL = new ArrayBlockingQueue<>(64);

    private final Cipher cipher;
    private @Nullable Mac mac;

    private Engines() throws GeneralSecurityException {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    }

    static Engines take() throws IOException {
      Engines pooled = POOL.poll();
      if (pooled != null) {
        return pooled;
      }
      try {
        return new Engines();
      } catch (GeneralSecurityException e) {
        throw new IOException("AES-GCM is not available", e);
      }
    }

    void give() {
      POOL.offer(this); // dropped when the pool is full
    }

    byte[] decrypt(Key key, byte[] all, int size, byte[] aad) throws GeneralSecurityException {
      int header = key.headerLength();
      if (all[0] != header) {
        throw new GeneralSecurityException("invalid ciphertext header");
      }
      byte[] salt = Arrays.copyOfRange(all, 1, 1 + key.derivedKeySize());
      byte[] derived = hkdf(key, salt, aad);
      byte[] nonce = new byte[NONCE_PREFIX + 5];
      System.arraycopy(all, 1 + key.derivedKeySize(), nonce, 0, NONCE_PREFIX);
      nonce[nonce.length - 1] = 1; // segment 0 (four zero bytes), the last one
      try {
        cipher.init(
            Cipher.DECRYPT_MODE,
            new SecretKeySpec(derived, "AES"),
            new GCMParameterSpec(8 * TAG, nonce));
        byte[] plaintext = new byte[size];
        int n = cipher.doFinal(all, header, all.length - header, plaintext, 0);
        if (n != size) {
          throw new GeneralSecurityException("unexpected plaintext size");
        }
        return plaintext;
      } finally {
        Arrays.fill(derived, (byte) 0);
      }
    }

    /** RFC 5869: HKDF-Extract with the salt, then HKDF-Expand of the key's length. */
    private byte[] hkdf(Key key, byte[] salt, byte[] info) throws GeneralSecurityException {
      Mac hmac = mac;
      if (hmac == null || !hmac.getAlgorithm().equals(key.hmac())) {
        hmac = Mac.getInstance(key.hmac());
        mac = hmac;
      }
      hmac.init(new SecretKeySpec(salt, key.hmac()));
      byte[] prk = hmac.doFinal(key.ikm());
      try {
        hmac.init(new SecretKeySpec(prk, key.hmac()));
        byte[] out = new byte[key.derivedKeySize()];
        byte[] block = new byte[0];
        int done = 0;
        for (int counter = 1; done < out.length; counter++) {
          hmac.update(block);
          hmac.update(info);
          hmac.update((byte) counter);
          block = hmac.doFinal();
          int n = Math.min(block.length, out.length - done);
          System.arraycopy(block, 0, out, done, n);
          done += n;
        }
        Arrays.fill(block, (byte) 0);
        return out;
      } finally {
        Arrays.fill(prk, (byte) 0);
      }
    }
  }

  private OneSegmentReader() {}
}
