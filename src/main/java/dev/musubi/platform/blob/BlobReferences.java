package dev.musubi.platform.blob;

import java.util.UUID;

/**
 * Who holds a blob. A module adds a reference in the same transaction that stores the row pointing
 * at the blob (a drive file version, a talk attachment, a mail message) and removes it when the row
 * goes; a blob without references is collected after a grace period.
 */
public interface BlobReferences {

  /**
   * Records that {@code owner} (for example {@code "drive.version:<id>"}) holds the blob. Adding
   * the same reference twice is harmless. Joins the caller's transaction and locks the blob's row
   * until it ends, so the garbage collector cannot remove the blob meanwhile.
   *
   * @throws IllegalStateException when the company holds no such blob (never stored, or collected
   *     after its grace period): the caller's transaction should roll back and store it again
   * @throws IllegalArgumentException when {@code owner} is empty or longer than 200 characters
   */
  void add(UUID tenantId, String sha256, String owner);

  /** Drops the reference; nothing happens when it is absent. */
  void remove(UUID tenantId, String sha256, String owner);
}
