package dev.musubi.platform.blob;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The stored ciphertext objects as a whole, for backups of a backend whose files Musubi cannot
 * simply copy (S3). Objects are copied as they are: still encrypted, named by IDs only.
 */
public interface BlobObjects {

  /** The backend's name: {@code local} or {@code s3}. */
  String backend();

  /** What a copy moved. */
  record Copied(long objects, long bytes, long missing) {}

  /**
   * Writes every object the database names into {@code dir} as {@code <company-id>/<object-id>}. An
   * object removed meanwhile (collected or re-encrypted since) is counted as missing.
   */
  Copied exportTo(Path dir) throws IOException;

  /** Stores every object under {@code dir}, as {@link #exportTo} wrote them, into this backend. */
  Copied importFrom(Path dir) throws IOException;
}
