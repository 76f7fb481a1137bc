package dev.musubi.identity.internal;

import dev.musubi.identity.MemberStatus;
import dev.musubi.identity.SecurityPolicy;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * HTTP Basic for the DAV protocols (WebDAV, CalDAV, CardDAV), whose clients send the credentials
 * with every request. The password is either the member's password (refused when two-step
 * verification is on) or an app password (a personal access token of the same member). A verified
 * password is remembered for a few minutes, by its hash only, so that a sync of hundreds of
 * requests does not pay the password hashing cost each time; a changed password, suspension or new
 * second factor ends that at once.
 */
@Component
class BasicCredentials {

  static final String APP_PASSWORD_PREFIX = "mus_";
  private static final Duration REMEMBER = Duration.ofMinutes(5);
  private static final int MAX_REMEMBERED = 10_000;

  private record Verified(UUID tenantId, UUID memberId, String passwordHash, Instant until) {}

  private final SignIn signIn;
  private final MemberStore members;
  private final CompanyStore companies;
  private final Clock clock;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  BasicCredentials(SignIn signIn, MemberStore members, CompanyStore companies, Clock clock) {
    this.signIn = signIn;
    this.members = members;
    this.companies = companies;
    this.clock = clock;
  }

  /** Login ID and password from an {@code Authorization: Basic} value; 401 when malformed. */
  static String[] decode(String value) {
    try {
      String text = new String(Base64.getDecoder().decode(value.strip()), StandardCharsets.UTF_8);
      int colon = text.indexOf(':');
      if (colon <= 0 || text.length() > 1200) {
        throw Problems.unauthenticated();
      }
      return new String[] {text.substring(0, colon), text.substring(colon + 1)};
    } catch (IllegalArgumentException e) {
      throw Problems.unauthenticated();
    }
  }

  /** The member for a login ID and (non-app) password, or a 401/403/429 problem. */
  MemberPrincipal password(String loginId, String password, ClientInfo client) {
    Instant now = clock.instant();
    String key = cacheKey(loginId, password);
    Verified hit = verified.get(key);
    if (hit != null && hit.until().isAfter(now)) {
      MemberRow m = members.find(hit.tenantId(), hit.memberId()).orElse(null);
      if (m != null
          && m.status() == MemberStatus.ACTIVE
          && hit.passwordHash().equals(m.passwordHash())
          && !m.totpEnabled()) {
        SecurityPolicy policy = companies.policy(m.tenantId());
        if (!IpAllowlist.allows(policy.ipAllowlist(), client.ip())) {
          throw Problems.forbidden("ip-not-allowed", "Access from this network is not allowed.");
        }
        return principal(m);
      }
      verified.remove(key);
    }
    MemberRow m = signIn.basic(loginId, password, client);
    if (verified.size() >= MAX_REMEMBERED) {
      verified.clear();
    }
    if (m.passwordHash() != null) {
      verified.put(key, new Verified(m.tenantId(), m.id(), m.passwordHash(), now.plus(REMEMBER)));
    }
    return principal(m);
  }

  private MemberPrincipal principal(MemberRow m) {
    if (Passwords.expired(m, companies.policy(m.tenantId()), clock.instant())) {
      throw Problems.forbidden(
          "password-expired", "Your password has expired: change it in My account first.");
    }
    return new MemberPrincipal(
        m.tenantId(), m.id(), m.loginId(), members.roles(m.id()), null, null, Set.of());
  }

  private static String cacheKey(String loginId, String password) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(SignIn.loginKey(loginId).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(password.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
