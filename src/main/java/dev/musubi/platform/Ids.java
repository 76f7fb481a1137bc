package dev.musubi.platform;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Random, time-ordered IDs (UUIDv7, RFC 9562 §5.7): 74 random bits make them unguessable across
 * companies, the time prefix keeps index inserts local.
 */
@Component
public class Ids {

  private final Clock clock;
  private final SecureRandom random;

  public Ids(Clock clock) {
    this.clock = clock;
    this.random = new SecureRandom();
  }

  /** A new UUIDv7; never null. */
  public UUID next() {
    long millis = clock.millis();
    long randA = random.nextInt(1 << 12);
    long msb = (millis << 16) | (0x7L << 12) | randA;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  /** {@code bytes} random bytes encoded URL-safe base64 without padding. */
  public String secret(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Parses a UUID, or returns null when the text is not one (callers answer 404). */
  public static @org.jspecify.annotations.Nullable UUID parseOrNull(String text) {
    try {
      return text.length() == 36 ? UUID.fromString(text) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
