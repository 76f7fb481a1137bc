package dev.musubi.identity.internal.credentials;

import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Argon2id password hashes with the OWASP minimum parameters: 16-byte salt, 32-byte hash,
 * parallelism 1, 19 MiB memory, 2 iterations. Hashes are PHC strings starting with {@code
 * $argon2id$}. Thread-safe.
 *
 * <p>Uses Spring Security's {@link Argon2PasswordEncoder} (Bouncy Castle underneath) and nothing
 * else from Spring.
 *
 * <p>The memory and iteration costs can be raised by the operator ({@code
 * musubi.identity.password-hashing.*}); stored hashes made with lower costs are replaced after the
 * member's next sign-in ({@link #needsRehash}). Costs below the OWASP minimum are accepted only so
 * that test suites, which sign in thousands of times, do not spend their time hashing: {@link
 * #belowOwaspMinimum()} says so and the application warns at start-up.
 *
 * <p>Hashes run on a few platform threads of their own, at most {@link #concurrency()} at once
 * (twice the processors): each takes 19 MiB and all of a core for tens of milliseconds, so running
 * more at a time only adds memory and context switches; the rest wait their turn, which keeps the
 * heap flat under a sign-in storm. The caller (a virtual thread per request) waits unmounted. Were
 * the hash computed on the virtual thread itself, it would keep its carrier until done (virtual
 * threads are not time-sliced): a burst of sign-ins would occupy every carrier, and requests that
 * hold a database connection could not run to give it back, so the pool ran dry.
 */
public final class PasswordHasher {

  static final int SALT_LENGTH = 16;
  static final int HASH_LENGTH = 32;
  static final int PARALLELISM = 1;
  static final int MEMORY_KIB = 19_456;
  static final int ITERATIONS = 2;

  private final int memoryKib;
  private final int iterations;
  private final Argon2PasswordEncoder encoder;

  /** Shared by every hasher: the limit is the machine's, not one hasher's. */
  private static final ExecutorService HASHING =
      Executors.newFixedThreadPool(
          concurrency(), Thread.ofPlatform().name("argon2id-", 1).daemon().factory());

  private final String dummyHash;

  /** A hasher with the OWASP minimum parameters. */
  public PasswordHasher() {
    this(MEMORY_KIB, ITERATIONS);
  }

  /**
   * A hasher with the given Argon2id costs (salt, hash length and parallelism stay fixed).
   *
   * @param memoryKib memory per hash in KiB, at least 1,024
   * @param iterations passes over the memory, at least 1
   * @throws IllegalArgumentException when a cost is below those bounds or absurdly high
   */
  public PasswordHasher(int memoryKib, int iterations) {
    if (memoryKib < 1024 || memoryKib > 4 * 1024 * 1024) {
      throw new IllegalArgumentException("memoryKib must be between 1024 and 4194304");
    }
    if (iterations < 1 || iterations > 100) {
      throw new IllegalArgumentException("iterations must be between 1 and 100");
    }
    this.memoryKib = memoryKib;
    this.iterations = iterations;
    this.encoder =
        new Argon2PasswordEncoder(SALT_LENGTH, HASH_LENGTH, PARALLELISM, memoryKib, iterations);
    this.dummyHash = encoder.encode(UUID.randomUUID().toString());
  }

  /**
   * Whether the costs are weaker than OWASP's minimum for Argon2id (19 MiB with 2 iterations, or
   * the same memory-time product: 46 MiB × 1, 12 MiB × 3, 9 MiB × 4, 7 MiB × 5).
   */
  public boolean belowOwaspMinimum() {
    int required =
        switch (iterations) {
          case 1 -> 47_104;
          case 2 -> 19_456;
          case 3 -> 12_288;
          case 4 -> 9_216;
          default -> 7_168;
        };
    return memoryKib < required;
  }

  /** How many hashes may run at the same time. */
  static int concurrency() {
    return Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
  }

  private <T> T limited(Callable<T> work) {
    Future<T> result = HASHING.submit(work);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          // Like the semaphore this replaces: the answer is still needed, so wait on.
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
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
