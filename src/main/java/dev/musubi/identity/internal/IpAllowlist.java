package dev.musubi.identity.internal;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/** Matches an address against a company's allowlist of addresses and CIDR blocks. */
final class IpAllowlist {

  private IpAllowlist() {}

  /** True when the list is empty or one of its entries contains the address. */
  static boolean allows(List<String> entries, String address) {
    if (entries.isEmpty()) {
      return true;
    }
    Optional<byte[]> ip = parse(address);
    if (ip.isEmpty()) {
      return false;
    }
    for (String entry : entries) {
      if (contains(entry.trim(), ip.get())) {
        return true;
      }
    }
    return false;
  }

  /** Whether an entry is a valid address or CIDR block (for validating the setting). */
  static boolean isValidEntry(String entry) {
    String[] parts = entry.trim().split("/", -1);
    if (parts.length > 2) {
      return false;
    }
    Optional<byte[]> base = parseLiteral(parts[0]);
    if (base.isEmpty()) {
      return false;
    }
    if (parts.length == 2) {
      try {
        int prefix = Integer.parseInt(parts[1]);
        return prefix >= 0 && prefix <= base.get().length * 8;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(String entry, byte[] ip) {
    String[] parts = entry.split("/", -1);
    Optional<byte[]> base = parseLiteral(parts[0]);
    if (base.isEmpty() || base.get().length != ip.length) {
      return false;
    }
    int prefix = base.get().length * 8;
    if (parts.length == 2) {
      try {
        prefix = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        return false;
      }
    }
    int bits = ip.length * 8;
    if (prefix < 0 || prefix > bits) {
      return false;
    }
    BigInteger mask =
        prefix == 0
            ? BigInteger.ZERO
            : BigInteger.ONE
                .shiftLeft(bits)
                .subtract(BigInteger.ONE)
                .shiftRight(bits - prefix)
                .shiftLeft(bits - prefix);
    return new BigInteger(1, base.get()).and(mask).equals(new BigInteger(1, ip).and(mask));
  }

  private static Optional<byte[]> parse(String address) {
    return parseLiteral(address);
  }

  /** Parses an IP literal without ever doing a DNS lookup. */
  private static Optional<byte[]> parseLiteral(String text) {
    String t = text.trim();
    if (t.isEmpty() || !t.matches("[0-9a-fA-F:.]+")) {
      return Optional.empty();
    }
    if (t.contains(".") && !t.contains(":") && !t.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(t).getAddress());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
