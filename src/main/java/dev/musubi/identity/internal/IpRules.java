package dev.musubi.identity.internal;

import java.util.List;

/** Public face of the allowlist matcher for the rest of the module. */
public final class IpRules {

  private IpRules() {}

  public static boolean isValid(String entry) {
    return IpAllowlist.isValidEntry(entry);
  }

  public static boolean allows(List<String> entries, String address) {
    return IpAllowlist.allows(entries, address);
  }
}
