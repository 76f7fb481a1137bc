package dev.musubi.platform.blob.internal;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.StreamSegmentDecrypter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decrypts a small blob whole, in buffers of its own size. Tink's decrypting channel allocates two
 * buffers of a whole segment (1 MiB each) for every blob it opens; reading many small blobs (IMAP
 * FETCH of a thousand 4 KB messages) spent most of its time allocating and collecting them. Same
 * ciphertext format and the same checks, done by Tink's own segment decrypter: the header, the key
 * derived from it by HKDF with the associated data, and AES-GCM of the one segment with the nonce
 * of a last segment (so a truncated or longer blob does not decrypt). Anything it does not expect
 * (another key type, a size that does not match) is left to the channel.
 */
final class OneSegmentReader {

  /** Blobs up to this size are read whole; larger ones stream. */
  static final long MAX_SIZE = 256 * 1024;

  /** The AES-GCM-HKDF keys of a keyset (enabled ones, primary first); empty for other kinds. */
  static List<AesGcmHkdfStreaming> keys(KeysetHandle handle) {
    List<AesGcmHkdfStreaming> keys = new ArrayList<>();
    try {
      for (int i = 0; i < handle.size(); i++) {
        KeysetHandle.Entry entry = handle.getAt(i);
        if (entry.getStatus() != KeyStatus.ENABLED) {
          continue;
        }
        if (!(entry.getKey() instanceof AesGcmHkdfStreamingKey key)) {
          return List.of();
        }
        StreamingAead aead = AesGcmHkdfStreaming.create(key);
        if (!(aead instanceof AesGcmHkdfStreaming streaming)
            || streaming.getFirstSegmentOffset() != 0) {
          return List.of();
        }
        if (entry.isPrimary()) {
          keys.addFirst(streaming);
        } else {
          keys.add(streaming);
        }
      }
    } catch (GeneralSecurityException e) {
      return List.of();
    }
    return List.copyOf(keys);
  }

  /**
   * The plaintext of a blob of {@code size} bytes whose ciphertext {@code ciphertext} holds, or
   * null when it is not a one-segment blob of these keys (the caller then streams it as usual).
   *
   * @throws IOException when the ciphertext cannot be read, or does not decrypt under any key
   */
  static byte @Nullable [] read(
      List<AesGcmHkdfStreaming> keys, long size, SeekableByteChannel ciphertext, byte[] aad)
      throws IOException {
    if (keys.isEmpty() || size > MAX_SIZE) {
      return null;
    }
    long length = ciphertext.size();
    AesGcmHkdfStreaming matching = null;
    for (AesGcmHkdfStreaming key : keys) {
      // One segment, and not a full one (a full first segment could be followed by another).
      if (size < key.getPlaintextSegmentSize() - key.getCiphertextOffset()
          && length == key.expectedCiphertextSize(size)) {
        matching = key;
        break;
      }
    }
    if (matching == null) {
      return null;
    }
    ByteBuffer all = ByteBuffer.allocate((int) length);
    ciphertext.position(0);
    while (all.hasRemaining()) {
      if (ciphertext.read(all) < 0) {
        throw new IOException("the blob's ciphertext ended early");
      }
    }
    GeneralSecurityException failure = null;
    for (AesGcmHkdfStreaming key : keys) {
      int header = key.getHeaderLength();
      if (length != key.expectedCiphertextSize(size)) {
        continue;
      }
      try {
        StreamSegmentDecrypter decrypter = key.newStreamSegmentDecrypter();
        decrypter.init(ByteBuffer.wrap(all.array(), 0, header), aad);
        ByteBuffer plaintext = ByteBuffer.allocate((int) size);
        decrypter.decryptSegment(
            ByteBuffer.wrap(all.array(), header, (int) length - header), 0, true, plaintext);
        if (plaintext.position() != size) {
          throw new GeneralSecurityException("unexpected plaintext size");
        }
        return plaintext.array();
      } catch (GeneralSecurityException e) {
        failure = e;
      }
    }
    throw new IOException("cannot decrypt blob", failure);
  }

  private OneSegmentReader() {}
}
