package dev.musubi.identity.internal.credentials;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * One-time recovery codes for members who lost their second factor.
 *
 * <p>A code is ten characters from an alphabet without look-alikes ({@value #ALPHABET}: no {@code 0
 * o 1 l i}), shown as {@code xxxxx-xxxxx}; about 49.5 bits each. Only {@link #hash(String)} is
 * stored.
 */
public final class RecoveryCodes {

  /** Characters a code is made of. */
  public static final String ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";

  /** Codes per {@link #generate()} call. */
  public static final int COUNT = 10;

  private static final int LENGTH = 10;

  private final RandomGenerator random;

  /** Codes from a {@link SecureRandom}. */
  public RecoveryCodes() {
    this(new SecureRandom());
  }

  /**
   * Codes from the given source, which must be cryptographically strong outside tests.
   *
   * @param random must not be null
   */
  public RecoveryCodes(RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /** {@value #COUNT} fresh, distinct codes formatted {@code xxxxx-xxxxx}; never null. */
  public List<String> generate() {
    var codes = new ArrayList<String>(COUNT);
    while (codes.size() < COUNT) {
      var code = new StringBuilder(LENGTH + 1);
      for (int i = 0; i < LENGTH; i++) {
        if (i == LENGTH / 2) {
          code.append('-');
        }
        code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      String formatted = code.toString();
      if (!codes.contains(formatted)) {
        codes.add(formatted);
      }
    }
    return List.copyOf(codes);
  }

  /**
   * Lower-case hex SHA-256 of the normalised code: lower-cased, with dashes and whitespace removed,
   * so that {@code ABCDE-FGHJK}, {@code abcde fghjk} and {@code abcdefghjk} hash alike.
   *
   * @param code as typed by the member; must not be null
   */
  public static String hash(String code) {
    String normalised =
        Objects.requireNonNull(code, "code").toLowerCase(Locale.ROOT).replaceAll("[\\s-]", "");
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(normalised.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
