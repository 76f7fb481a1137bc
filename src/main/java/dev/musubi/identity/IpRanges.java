package dev.musubi.identity;

import dev.musubi.identity.internal.IpRules;
import java.util.List;

/**
 * The address and CIDR matching of the security settings' IP allowlist, for other modules' network
 * rules (the drive's download networks): IPv4 and IPv6 literals, never a DNS lookup.
 */
public final class IpRanges {

  private IpRanges() {}

  /** Whether {@code entry} is an IP address or a CIDR block. */
  public static boolean isValid(String entry) {
    return IpRules.isValid(entry);
  }

  /** True when {@code entries} is empty or one of them contains {@code address}. */
  public static boolean allows(List<String> entries, String address) {
    return IpRules.allows(entries, address);
  }
}
