package dev.musubi.identity.internal.credentials;

import java.util.Objects;
import java.util.UUID;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Argon2id password hashes with the OWASP minimum parameters: 16-byte salt, 32-byte hash,
 * parallelism 1, 19 MiB memory, 2 iterations. Hashes are PHC strings starting with {@code
 * $argon2id$}. Thread-safe.
 *
 * <p>Uses Spring Security's {@link Argon2PasswordEncoder} (Bouncy Castle underneath) and nothing
 * else from Spring.
 *
 * <p>At most {@link #concurrency()} hashes run at once (twice the processors): each takes 19 MiB
 * and all of a core for tens of milliseconds, so running more at a time only adds memory and
 * context switches; the rest wait their turn, which keeps the heap flat under a sign-in storm.
 */
public final class PasswordHasher {

  static final int SALT_LENGTH = 16;
  static final int HASH_LENGTH = 32;
  static final int PARALLELISM = 1;
  static final int MEMORY_KIB = 19_456;
  static final int ITERATIONS = 2;

  private final Argon2PasswordEncoder encoder =
      new Argon2PasswordEncoder(SALT_LENGTH, HASH_LENGTH, PARALLELISM, MEMORY_KIB, ITERATIONS);
  private final java.util.concurrent.Semaphore slots =
      new java.util.concurrent.Semaphore(concurrency(), true);
  private final String dummyHash = encoder.encode(UUID.randomUUID().toString());

  /** How many hashes may run at the same time. */
  static int concurrency() {
    return Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
  }

  private <T> T limited(java.util.function.Supplier<T> work) {
    slots.acquireUninterruptibly();
    try {
      return work.get();
    } finally {
      slots.release();
    }
  }

  /**
   * A fresh salted hash of the password.
   *
   * @param raw must not be null
   * @return never null
   */
  public String hash(CharSequence raw) {
    Objects.requireNonNull(raw, "raw");
    return Objects.requireNonNull(limited(() -> encoder.encode(raw)));
  }

  /**
   * Whether the password matches the stored hash. A malformed hash does not match.
   *
   * @param raw must not be null
   * @param hash a hash from {@link #hash}; must not be null
   */
  public boolean matches(CharSequence raw, String hash) {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(hash, "hash");
    return limited(() -> encoder.matches(raw, hash));
  }

  /**
   * Does the work of {@link #matches} against a dummy hash and discards the result, so that a
   * sign-in for an unknown login ID takes as long as one for a known ID.
   *
   * @param raw must not be null
   */
  public void burn(CharSequence raw) {
    Objects.requireNonNull(raw, "raw");
    limited(() -> encoder.matches(raw, dummyHash));
  }

  /**
   * Whether a stored hash was made with weaker parameters than the current ones and should be
   * replaced by {@link #hash} after the next successful sign-in.
   *
   * @param hash must not be null
   */
  public boolean needsRehash(String hash) {
    return encoder.upgradeEncoding(Objects.requireNonNull(hash, "hash"));
  }
}
