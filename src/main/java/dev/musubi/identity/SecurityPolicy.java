package dev.musubi.identity;

import java.util.List;

/**
 * A company's security policy: password rules, lockout, two-step requirement, session timeouts and
 * IP allowlist, and the second factors members may use.
 *
 * @param mfaRequirement {@code none}, {@code admins} or {@code all}
 * @param ipAllowlist CIDR blocks or addresses; empty allows every address
 * @param mfaMethods the second factors members may set up and sign in with ({@link #TOTP}, {@link
 *     #PASSKEY}); empty only when two-step verification is not required
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
    List<String> ipAllowlist,
    List<String> mfaMethods) {

  /** An authenticator app (RFC 6238 codes, with recovery codes as its backup). */
  public static final String TOTP = "totp";

  /** A passkey (WebAuthn credential). */
  public static final String PASSKEY = "passkey";

  /** Every second factor Musubi offers. */
  public static final List<String> MFA_METHODS = List.of(TOTP, PASSKEY);

  public static SecurityPolicy defaults() {
    return new SecurityPolicy(10, 0, 0, 5, 15, 60, "none", 60, 12 * 60, List.of(), MFA_METHODS);
  }

  /** Whether members may set up and sign in with {@code method}. */
  public boolean allowsMethod(String method) {
    return mfaMethods.contains(method);
  }
}
