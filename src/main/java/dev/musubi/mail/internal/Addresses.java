package dev.musubi.mail.internal;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Mail addresses as the store keeps them: local part in ASCII lower case, domain in lower-case
 * ASCII (IDNA). Local parts of hosted addresses follow the login ID rule ({@code [a-z0-9._-]}, plus
 * {@code +} for aliases and lists).
 */
public final class Addresses {

  private static final Pattern DOMAIN =
      Pattern.compile("^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$");
  private static final Pattern LOCAL = Pattern.compile("^[a-z0-9_+-]+(\\.[a-z0-9_+-]+)*$");

  private Addresses() {}

  /** The domain in lower-case ASCII, or empty when it is not a valid domain name. */
  public static Optional<String> domain(@Nullable String domain) {
    if (domain == null || domain.isBlank() || domain.length() > 253) {
      return Optional.empty();
    }
    try {
      String ascii = IDN.toASCII(domain.strip(), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
      return DOMAIN.matcher(ascii).matches() ? Optional.of(ascii) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A hosted address normalised ({@code local@domain}), or empty when it is not one. */
  public static Optional<String> hosted(@Nullable String address) {
    if (address == null || address.length() > 320) {
      return Optional.empty();
    }
    int at = address.lastIndexOf('@');
    if (at <= 0 || at == address.length() - 1) {
      return Optional.empty();
    }
    String local = address.substring(0, at).strip().toLowerCase(Locale.ROOT);
    if (local.length() > 64 || !LOCAL.matcher(local).matches()) {
      return Optional.empty();
    }
    return domain(address.substring(at + 1)).map(d -> local + "@" + d);
  }

  /** The local part of an address (before the last {@code @}). */
  public static String local(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? address : address.substring(0, at);
  }

  /** The domain of an address (after the last {@code @}), as given. */
  public static String domainOf(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? "" : address.substring(at + 1);
  }
}
