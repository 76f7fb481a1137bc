package dev.musubi.identity.internal.credentials;

/**
 * A company's password policy.
 *
 * <p>Lengths count Unicode code points after NFC normalisation (NIST SP 800-63B §5.1.1.2).
 *
 * @param minLength fewest code points, 8 to 128
 * @param maxLength most code points, 128 to 1024; longer passwords are refused before any other
 *     work so that hashing cost stays bounded
 * @param historyCount how many previous passwords may not be reused, 0 to 24 (0 = no history)
 * @param maxAgeDays days after which a password must be changed, 0 to 3650 (0 = never, as NIST
 *     recommends)
 * @throws IllegalArgumentException if a value is out of range
 */
public record PasswordPolicy(int minLength, int maxLength, int historyCount, int maxAgeDays) {

  public static final int MIN_MIN_LENGTH = 8;
  public static final int MAX_MIN_LENGTH = 128;
  public static final int MIN_MAX_LENGTH = 128;
  public static final int MAX_MAX_LENGTH = 1024;
  public static final int MAX_HISTORY_COUNT = 24;
  public static final int MAX_MAX_AGE_DAYS = 3650;

  public PasswordPolicy {
    requireRange("minLength", minLength, MIN_MIN_LENGTH, MAX_MIN_LENGTH);
    requireRange("maxLength", maxLength, MIN_MAX_LENGTH, MAX_MAX_LENGTH);
    requireRange("historyCount", historyCount, 0, MAX_HISTORY_COUNT);
    requireRange("maxAgeDays", maxAgeDays, 0, MAX_MAX_AGE_DAYS);
    // minLength <= 128 <= maxLength, so the two can never contradict each other.
  }

  /** Minimum 10, maximum 256, no history, no expiry. Never returns null. */
  public static PasswordPolicy defaults() {
    return new PasswordPolicy(10, 256, 0, 0);
  }

  private static void requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", was " + value);
    }
  }
}
