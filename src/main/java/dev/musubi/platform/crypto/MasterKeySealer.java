package dev.musubi.platform.crypto;

/**
 * Seals small secrets (keys of other keys: company data keys, a backup's archive key) with the
 * installation's master key, which never leaves the process. A sealed value names the master key
 * that sealed it, so values sealed before a master key rotation stay readable while the previous
 * key is configured.
 */
public interface MasterKeySealer {

  /** The ID of the master key that seals new values (no secret: a hash prefix). */
  String currentKeyId();

  /** Encrypts and authenticates {@code plaintext}, bound to {@code context}. */
  byte[] seal(byte[] plaintext, byte[] context);

  /**
   * Decrypts a value sealed by the master key {@code keyId} with the same context.
   *
   * @throws IllegalStateException when that master key is not configured or the value was altered
   */
  byte[] open(String keyId, byte[] sealed, byte[] context);
}
