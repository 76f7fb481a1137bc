package dev.musubi.platform.blob;

import java.util.UUID;

/**
 * Crypto-shredding of a member's content: what was stored with {@link BlobStore#put(UUID, UUID,
 * java.io.InputStream, long)} for the member is under keys of the member's own, and {@link #shred}
 * destroys them.
 */
public interface MemberKeys {

  /**
   * What a shredding did.
   *
   * @param keysDestroyed the member's data keys whose material was destroyed
   * @param blobsDestroyed the member's blobs nobody held any more, deleted with their keys
   * @param blobsKept the member's blobs still held by someone else (a file handed over to or copied
   *     by a colleague), moved to the company's key first so they stay readable
   */
  record Shredded(int keysDestroyed, int blobsDestroyed, int blobsKept) {}

  /**
   * Destroys the member's keys once every module has dropped its references to the member's
   * content. Blobs still referenced are first re-encrypted under the company's key; the others are
   * deleted. Safe to call again (a second call finds nothing). Runs in its own transactions: call
   * it after the modules' erasures committed.
   *
   * @throws java.io.UncheckedIOException when a still-referenced blob could not be moved: nothing
   *     is destroyed then, so a retry can finish the job
   */
  Shredded shred(UUID tenantId, UUID memberId);
}
