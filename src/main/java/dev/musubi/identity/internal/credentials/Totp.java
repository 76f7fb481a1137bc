package dev.musubi.identity.internal.credentials;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238) as authenticator apps expect them: HMAC-SHA1, 6 digits,
 * 30-second steps from the Unix epoch, secrets of 20 random bytes in Base32 (RFC 4648) without
 * padding. Thread-safe.
 *
 * <p>{@link #verify} accepts the current step and one step either side (RFC 6238 §5.2 clock drift)
 * and refuses any step not later than the last one used (RFC 6238 §5.2: a code must not be accepted
 * twice).
 */
public final class Totp {

  static final int DIGITS = 6;
  static final long STEP_SECONDS = 30;
  static final int SECRET_BYTES = 20;
  private static final int WINDOW = 1;
  private static final int[] POWERS = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000
  };

  private final Clock clock;
  private final RandomGenerator random;

  /**
   * Secrets from a {@link SecureRandom}.
   *
   * @param clock source of the current time; must not be null
   */
  public Totp(Clock clock) {
    this(clock, new SecureRandom());
  }

  /**
   * @param clock source of the current time; must not be null
   * @param random source of secrets, cryptographically strong outside tests; must not be null
   */
  public Totp(Clock clock, RandomGenerator random) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A new secret: 20 random bytes as upper-case Base32 without padding (32 characters). */
  public String newSecret() {
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(secret);
    return Base32.encode(secret);
  }

  /**
   * The {@code otpauth://totp/…} URI that authenticator apps read from a QR code (Google
   * Authenticator key URI format): label {@code issuer:account}, both percent-encoded, and the
   * parameters {@code secret}, {@code issuer}, {@code algorithm=SHA1}, {@code digits=6}, {@code
   * period=30}.
   *
   * @param issuer the service name shown in the app, e.g. the company; must not be null, blank or
   *     contain {@code :}
   * @param account the login ID; must not be null, blank or contain {@code :}
   * @param secret from {@link #newSecret()}; must not be null
   * @throws IllegalArgumentException if issuer or account is blank or contains a colon
   */
  public String otpauthUri(String issuer, String account, String secret) {
    requireLabelPart("issuer", issuer);
    requireLabelPart("account", account);
    Objects.requireNonNull(secret, "secret");
    return "otpauth://totp/"
        + encode(issuer)
        + ":"
        + encode(account)
        + "?secret="
        + encode(secret)
        + "&issuer="
        + encode(issuer)
        + "&algorithm=SHA1&digits="
        + DIGITS
        + "&period="
        + STEP_SECONDS;
  }

  /**
   * Checks a code typed by the member.
   *
   * @param secret the member's Base32 secret; must not be null
   * @param code as typed; spaces are ignored, anything but exactly six ASCII digits is refused
   *     without computing a single HMAC; must not be null
   * @param lastUsedStep the step returned by the last successful verification, or {@code -1} if
   *     there was none; only later steps are accepted
   * @return the matched time step, to be stored as the next {@code lastUsedStep}; empty if the code
   *     does not match the current step or a neighbour, or if that step was already used
   * @throws IllegalArgumentException if the secret is not Base32
   */
  public OptionalLong verify(String secret, String code, long lastUsedStep) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(code, "code");
    String digits = code.replace(" ", "");
    if (!isSixAsciiDigits(digits)) {
      return OptionalLong.empty();
    }
    byte[] key = Base32.decode(secret);
    byte[] typed = digits.getBytes(StandardCharsets.US_ASCII);
    long current = Math.floorDiv(clock.instant().getEpochSecond(), STEP_SECONDS);
    boolean found = false;
    long matched = 0;
    // Every candidate step is computed and compared in constant time, whether or not an earlier
    // one matched, so the response time does not tell which step matched.
    for (long step = current - WINDOW; step <= current + WINDOW; step++) {
      byte[] expected = generate(key, step, DIGITS).getBytes(StandardCharsets.US_ASCII);
      boolean equal = MessageDigest.isEqual(expected, typed);
      if (equal && step > lastUsedStep && !found) {
        found = true;
        matched = step;
      }
    }
    return found ? OptionalLong.of(matched) : OptionalLong.empty();
  }

  /** The code for the current time step; for tests and diagnostics. */
  String currentCode(String secret) {
    long current = Math.floorDiv(clock.instant().getEpochSecond(), STEP_SECONDS);
    return generate(Base32.decode(secret), current, DIGITS);
  }

  /**
   * RFC 4226 §5.3 HOTP value of {@code step} with HMAC-SHA1 and dynamic truncation, left-padded
   * with zeros to {@code digits} (1 to 8).
   */
  static String generate(byte[] key, long step, int digits) {
    if (digits < 1 || digits > 8) {
      throw new IllegalArgumentException("digits must be 1 to 8, was " + digits);
    }
    byte[] hash;
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      hash = mac.doFinal(longToBytes(step));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is required of every Java platform", e);
    }
    // RFC 4226 §5.3: dynamic truncation.
    int offset = hash[hash.length - 1] & 0x0f;
    int binary =
        ((hash[offset] & 0x7f) << 24)
            | ((hash[offset + 1] & 0xff) << 16)
            | ((hash[offset + 2] & 0xff) << 8)
            | (hash[offset + 3] & 0xff);
    String otp = Integer.toString(binary % POWERS[digits]);
    return "0".repeat(digits - otp.length()) + otp;
  }

  private static byte[] longToBytes(long value) {
    byte[] bytes = new byte[8];
    for (int i = 7; i >= 0; i--) {
      bytes[i] = (byte) value;
      value >>>= 8;
    }
    return bytes;
  }

  private static boolean isSixAsciiDigits(String s) {
    if (s.length() != DIGITS) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static void requireLabelPart(String name, String value) {
    Objects.requireNonNull(value, name);
    if (value.isBlank() || value.indexOf(':') >= 0) {
      throw new IllegalArgumentException(name + " must not be blank nor contain ':'");
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
