package dev.musubi.platform.blob;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Where file contents live: drive files, talk attachments, mail. Content-addressed per company (the
 * SHA-256 of the plaintext), streamed (a caller never holds a whole file in memory), encrypted at
 * rest under the company's data key. A blob is durable when {@link #put} returns; it stays until no
 * {@link BlobReferences reference} holds it and the garbage collector's grace period has passed.
 */
public interface BlobStore {

  /**
   * Streams {@code content} to the store and returns its reference once it is durable. Storing the
   * same bytes twice in one company stores them once. Reads at most {@code maxBytes}; more is
   * refused with {@link BlobTooLargeException} and nothing is kept. Runs in its own transaction, so
   * the blob stays durable whatever the caller's transaction does; an unreferenced blob is kept for
   * at least the collector's grace period (24 h by default) after {@code put} returns.
   */
  BlobRef put(UUID tenantId, InputStream content, long maxBytes) throws IOException;

  /**
   * Like {@link #put(UUID, InputStream, long)}, for content that belongs to one member alone (their
   * mailbox, personal drive, photo, personal-data export): encrypted under a data key of that
   * member's own, so that erasing the member destroys the key and with it every copy of the
   * ciphertext, also in backups (crypto-shredding). Blobs are shared only within one member's
   * content; the returned reference's {@code sha256} is then an address derived from the member and
   * the plaintext's hash, to be used like any other. A {@code null} member stores under the
   * company's key.
   */
  BlobRef put(UUID tenantId, @Nullable UUID memberId, InputStream content, long maxBytes)
      throws IOException;

  /**
   * Like {@link #put(UUID, UUID, InputStream, long)}, but records the blob in the caller's
   * transaction instead of one of its own, so that a caller storing the blob and what refers to it
   * pays for one commit. The ciphertext is durable (written and synced) when this returns; the blob
   * exists once the caller's transaction commits, and its ciphertext is removed if that transaction
   * rolls back. Returning an existing blob (the same bytes stored before) moves its collection time
   * as {@code put} does.
   *
   * @throws IllegalStateException when no transaction is active
   */
  BlobRef putInTransaction(
      UUID tenantId, @Nullable UUID memberId, InputStream content, long maxBytes)
      throws IOException;

  /**
   * Writes and syncs the ciphertext of {@code content} for the member (as {@link #put(UUID, UUID,
   * InputStream, long)} encrypts it) without recording it: no transaction and no pooled connection
   * is held while the bytes are written and synced. The caller then records the blob in its own
   * transaction with {@link Prepared#record} and closes the result when done; closing removes the
   * ciphertext unless a transaction that recorded it as a new blob has committed. Reads at most
   * {@code maxBytes}; more is refused with {@link BlobTooLargeException} and nothing is kept.
   */
  Prepared prepare(UUID tenantId, @Nullable UUID memberId, InputStream content, long maxBytes)
      throws IOException;

  /** A ciphertext written and synced by {@link #prepare}, not yet recorded. */
  interface Prepared extends AutoCloseable {

    /** The reference the blob has once recorded. */
    BlobRef ref();

    /**
     * Records the blob in the caller's transaction and returns its reference: the blob exists once
     * that transaction commits. When the company holds the same bytes already, that blob is used
     * (its collection time moves as with {@code put}) and this ciphertext goes at {@link #close}.
     * May be called again in a later transaction after one rolled back.
     *
     * @throws IllegalStateException when no transaction is active
     */
    BlobRef record();

    /** Removes the ciphertext unless a committed transaction recorded it; harmless twice. */
    @Override
    void close();
  }

  /** The blob's size, if the company holds it. */
  Optional<BlobRef> find(UUID tenantId, String sha256);

  /**
   * The plaintext from byte {@code offset} on (for HTTP Range); the caller closes the stream.
   *
   * @throws BlobNotFoundException when the company holds no such blob
   * @throws IllegalArgumentException when {@code offset} is negative or beyond the blob's size (an
   *     offset equal to the size gives an empty stream)
   */
  InputStream open(UUID tenantId, String sha256, long offset) throws IOException;

  /** The whole plaintext; the caller closes the stream. */
  default InputStream open(UUID tenantId, String sha256) throws IOException {
    return open(tenantId, sha256, 0);
  }

  /**
   * For reading many blobs of one company one after another (an IMAP FETCH of a range of messages):
   * looks them all up at once, so that each {@link Reader#open} needs no query of its own. Opening
   * a blob not named here, or one the company does not hold, behaves as {@link #open(UUID,
   * String)}.
   */
  default Reader reader(UUID tenantId, Collection<String> sha256s) {
    return sha256 -> open(tenantId, sha256);
  }

  /** Opens blobs looked up by {@link #reader}; for one caller at a time, for a short while. */
  @FunctionalInterface
  interface Reader {

    /**
     * The whole plaintext; the caller closes the stream.
     *
     * @throws BlobNotFoundException when the company holds no such blob
     */
    InputStream open(String sha256) throws IOException;
  }
}
