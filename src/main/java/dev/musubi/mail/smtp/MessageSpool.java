package dev.musubi.mail.smtp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.CipherOutputStream;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Holds one received message between the end of DATA and the store's reply: in memory up to {@link
 * #MEMORY_LIMIT}, beyond that in a temporary file encrypted with a key that lives only in this
 * object (AES-CTR), so mail content never rests on disk in the clear. {@link #close()} deletes the
 * file.
 */
final class MessageSpool extends OutputStream implements AutoCloseable {

  static final int MEMORY_LIMIT = 1024 * 1024;
  private static final SecureRandom RANDOM = new SecureRandom();

  private byte[] memory = new byte[8192];
  private int memoryLength;
  private @Nullable Path file;
  private @Nullable OutputStream fileOut;
  private byte @Nullable [] key;
  private byte @Nullable [] iv;
  private long size;

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (fileOut == null && memoryLength + length <= MEMORY_LIMIT) {
      if (memoryLength + length > memory.length) {
        memory =
            Arrays.copyOf(
                memory, Math.min(MEMORY_LIMIT, Math.max(memory.length * 2, memoryLength + length)));
      }
      System.arraycopy(bytes, offset, memory, memoryLength, length);
      memoryLength += length;
    } else {
      spill().write(bytes, offset, length);
    }
    size += length;
  }

  private OutputStream spill() throws IOException {
    if (fileOut == null) {
      key = new byte[32];
      iv = new byte[16];
      RANDOM.nextBytes(key);
      RANDOM.nextBytes(iv);
      file = Files.createTempFile("musubi-smtp-", ".spool");
      fileOut = new CipherOutputStream(Files.newOutputStream(file), cipher(Cipher.ENCRYPT_MODE));
      fileOut.write(memory, 0, memoryLength);
      memory = new byte[0];
      memoryLength = 0;
    }
    return fileOut;
  }

  /** The message so far; call after writing has finished. Each call starts from the beginning. */
  InputStream open() throws IOException {
    if (fileOut == null) {
      return new ByteArrayInputStream(memory, 0, memoryLength);
    }
    fileOut.flush();
    fileOut.close();
    return new CipherInputStream(Files.newInputStream(file), cipher(Cipher.DECRYPT_MODE));
  }

  long size() {
    return size;
  }

  private Cipher cipher(int mode) throws IOException {
    try {
      var cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      return cipher;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up the spool cipher", e);
    }
  }

  @Override
  public void close() throws IOException {
    memory = new byte[0];
    if (fileOut != null) {
      try {
        fileOut.close();
      } finally {
        Files.deleteIfExists(file);
        Arrays.fill(key, (byte) 0);
      }
    }
  }
}
