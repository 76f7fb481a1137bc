package dev.musubi.platform.blob.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import org.jspecify.annotations.Nullable;

/**
 * Where ciphertext objects live. Object keys are made by the store from IDs only ({@code
 * <company-id>/<object-id>}), never from file names.
 */
public interface BlobBackend {

  /** A short name for logs and health ({@code local}, {@code s3}). */
  String name();

  /**
   * Starts writing an object; nothing is visible under {@code key} before {@link Upload#commit}.
   */
  Upload upload(String key) throws IOException;

  /** Reads an object with random access. */
  SeekableByteChannel read(String key) throws IOException;

  /**
   * The whole object when it is exactly {@code length} bytes long, or null when it has another
   * length (for small objects read at once: one open and one read instead of a channel).
   *
   * @throws IOException when the object is missing or cannot be read
   */
  default byte @Nullable [] readWhole(String key, int length) throws IOException {
    try (SeekableByteChannel channel = read(key)) {
      if (channel.size() != length) {
        return null;
      }
      ByteBuffer all = ByteBuffer.allocate(length);
      while (all.hasRemaining()) {
        if (channel.read(all) < 0) {
          throw new IOException("the object ended early");
        }
      }
      return all.array();
    }
  }

  /** Removes an object; nothing happens when it is absent. */
  void delete(String key) throws IOException;

  /** Whether the object exists. */
  boolean exists(String key) throws IOException;

  /** Checks that the backend can be written to; throws with the reason when not. */
  void check() throws IOException;

  /** An object being written. */
  interface Upload extends AutoCloseable {

    /** Where to write; closing it does not commit. */
    OutputStream out();

    /** Makes the object durable and visible under its key. */
    void commit() throws IOException;

    /** Drops whatever was written; harmless after commit or a previous abort. */
    void abort();

    @Override
    default void close() {
      abort();
    }
  }
}
