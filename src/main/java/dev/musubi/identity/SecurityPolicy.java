package dev.musubi.identity;

import java.util.List;

/**
 * A company's security policy: password rules, lockout, two-step requirement, session timeouts and
 * IP allowlist.
 *
 * @param mfaRequirement {@code none}, {@code admins} or {@code all}
 * @param ipAllowlist CIDR blocks or addresses; empty allows every address
 */
public record SecurityPolicy(
    int passwordMinLength,
    int passwordHistory,
    int passwordMaxAgeDays,
    int lockoutThreshold,
    int lockoutWindowMinutes,
    int lockoutDurationSeconds,
    String mfaRequirement,
    int sessionIdleMinutes,
    int sessionAbsoluteMinutes,
    List<String> ipAllowlist) {

  public static SecurityPolicy defaults() {
    return new SecurityPolicy(10, 0, 0, 5, 15, 60, "none", 60, 12 * 60, List.of());
  }
}
