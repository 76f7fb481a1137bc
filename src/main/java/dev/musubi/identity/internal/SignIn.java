package dev.musubi.identity.internal;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.Company;
import dev.musubi.identity.MemberStatus;
import dev.musubi.identity.SecurityPolicy;
import dev.musubi.identity.internal.SessionStore.NewSession;
import dev.musubi.identity.internal.SessionStore.SessionRow;
import dev.musubi.identity.internal.credentials.LoginIdPolicy;
import dev.musubi.identity.internal.credentials.PasswordHasher;
import dev.musubi.identity.internal.credentials.RecoveryCodes;
import dev.musubi.identity.internal.credentials.Totp;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Password and second-factor sign-in. Every failure answers the same 401 whatever the reason
 * (unknown ID, wrong password, locked, suspended, address not allowed), after the same amount of
 * hashing work; the audit trail records the real reason.
 */
@Service
public class SignIn {

  /** How long a half-signed-in session waits for its second factor. */
  static final Duration MFA_STAGE_TTL = Duration.ofMinutes(5);

  /** The result of a successful step: the new session to put in the cookie. */
  public sealed interface Outcome {
    NewSession session();
  }

  public record SignedIn(NewSession session) implements Outcome {}

  /** Password accepted; the session waits for one of {@code methods} (totp, passkey). */
  public record SecondFactorRequired(NewSession session, java.util.List<String> methods)
      implements Outcome {}

  private final MemberStore members;
  private final CompanyStore companies;
  private final SessionStore sessions;
  private final LoginThrottle throttle;
  private final IpThrottle ipThrottle;
  private final PasswordHasher hasher;
  private final Totp totp;
  private final Passkeys passkeys;
  private final AuditTrail audit;
  private final dev.musubi.platform.geo.GeoIp geoIp;
  private final Clock clock;

  SignIn(
      MemberStore members,
      CompanyStore companies,
      SessionStore sessions,
      LoginThrottle throttle,
      IpThrottle ipThrottle,
      PasswordHasher hasher,
      Totp totp,
      Passkeys passkeys,
      AuditTrail audit,
      dev.musubi.platform.geo.GeoIp geoIp,
      Clock clock) {
    this.members = members;
    this.companies = companies;
    this.sessions = sessions;
    this.throttle = throttle;
    this.ipThrottle = ipThrottle;
    this.hasher = hasher;
    this.totp = totp;
    this.passkeys = passkeys;
    this.audit = audit;
    this.geoIp = geoIp;
    this.clock = clock;
  }

  /** The sign-in record with the client's country when the operator's GeoIP file knows it. */
  private AuditRecord withCountry(AuditRecord r, String ip) {
    return geoIp.country(ip).map(c -> r.with("country", c)).orElse(r);
  }

  /** Normalised key of a login ID for lookups and lockout counters. */
  static String loginKey(String loginId) {
    String trimmed = loginId.strip();
    if (trimmed.indexOf('@') < 0) {
      return trimmed.toLowerCase(java.util.Locale.ROOT);
    }
    try {
      return LoginIdPolicy.key(trimmed);
    } catch (RuntimeException e) {
      return trimmed.toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A password that passed every check, with the lockout key and the company's policy. */
  private record Checked(MemberRow member, String key, SecurityPolicy policy) {}

  /**
   * The checks every password sign-in passes: IP throttle, lockout, the password itself, member
   * status and the company's IP allowlist; each refusal is counted and audited.
   */
  private Checked check(String loginId, String password, ClientInfo client) {
    long wait = ipThrottle.retryAfterSeconds(client.ip());
    if (wait > 0) {
      throw Problems.tooManyRequests(wait);
    }
    String key = loginKey(loginId);
    Optional<MemberRow> found = members.findByLoginKey(key);
    UUID tenantId = found.map(MemberRow::tenantId).orElseGet(() -> tenantOfDomain(key));
    SecurityPolicy policy =
        tenantId == null ? SecurityPolicy.defaults() : companies.policy(tenantId);
    if (throttle.isLocked(key)) {
      hasher.burn(password);
      throw fail(tenantId, found.orElse(null), loginId, client, "locked", key, policy, false);
    }
    MemberRow member = found.orElse(null);
    if (member == null || member.passwordHash() == null) {
      hasher.burn(password);
      throw fail(tenantId, null, loginId, client, "unknown_login", key, policy, true);
    }
    if (!hasher.matches(password, member.passwordHash())) {
      throw fail(tenantId, member, loginId, client, "bad_password", key, policy, true);
    }
    if (member.status() != MemberStatus.ACTIVE) {
      throw fail(tenantId, member, loginId, client, "not_active", key, policy, false);
    }
    if (!IpAllowlist.allows(policy.ipAllowlist(), client.ip())) {
      audit.record(
          AuditRecord.of(member.tenantId(), AuditAction.ACCESS_DENIED_IP)
              .failed()
              .actor(member.id(), member.loginId())
              .target("member", member.id())
              .from(client.ip(), client.userAgent()));
      throw fail(tenantId, member, loginId, client, "ip_not_allowed", key, policy, false);
    }
    if (hasher.needsRehash(member.passwordHash())) {
      // Made with lower costs than the current ones (the operator raised them): replace it now
      // that the password is known. Outside any transaction, so no connection waits on the hash.
      members.rehashPassword(member.id(), member.passwordHash(), hasher.hash(password));
    }
    return new Checked(member, key, policy);
  }

  public Outcome password(String loginId, String password, ClientInfo client) {
    Checked checked = check(loginId, password, client);
    MemberRow member = checked.member();
    String key = checked.key();
    SecurityPolicy policy = checked.policy();
    Instant now = clock.instant();
    java.util.List<String> enrolled = new java.util.ArrayList<>();
    if (member.totpEnabled()) {
      enrolled.add(SecurityPolicy.TOTP);
    }
    if (passkeys.count(member.loginId()) > 0) {
      enrolled.add(SecurityPolicy.PASSKEY);
    }
    java.util.List<String> methods = enrolled.stream().filter(policy::allowsMethod).toList();
    if (!enrolled.isEmpty() && methods.isEmpty()) {
      // The member's only second factors are ones the company no longer allows: the password alone
      // must not be enough, so they need an admin to reset their two-step verification.
      throw methodNotAllowed(member, client, enrolled.get(0));
    }
    if (!methods.isEmpty()) {
      NewSession pending =
          sessions.create(
              member.tenantId(),
              member.id(),
              SessionStore.STAGE_MFA,
              client.ip(),
              client.userAgent(),
              now,
              now.plus(MFA_STAGE_TTL));
      // The counters are reset only when the second factor succeeds too: otherwise knowing the
      // password would allow unlimited guesses of the code.
      return new SecondFactorRequired(pending, methods);
    }
    throttle.reset(key);
    ipThrottle.reset(client.ip());
    return new SignedIn(startSession(member, policy, client, "password"));
  }

  /**
   * Checks a password sent with HTTP Basic by a WebDAV, CalDAV or CardDAV client, with the same
   * throttles, lockout, status and IP rules as the sign-in form. A member who has two-step
   * verification (or whose company requires it of them) must use an app password instead: the
   * password alone is refused. Starts no session.
   */
  public MemberRow basic(String loginId, String password, ClientInfo client) {
    Checked checked = check(loginId, password, client);
    MemberRow member = checked.member();
    String key = checked.key();
    SecurityPolicy policy = checked.policy();
    boolean secondFactor = member.totpEnabled() || passkeys.count(member.loginId()) > 0;
    boolean required =
        switch (policy.mfaRequirement()) {
          case "all" -> true;
          case "admins" -> members.roles(member.id()).stream().anyMatch(Role::isAdmin);
          default -> false;
        };
    if (secondFactor || required) {
      audit.record(
          AuditRecord.of(member.tenantId(), AuditAction.LOGIN_FAILED)
              .failed()
              .actor(member.id(), member.loginId())
              .target("member", member.id())
              .with("reason", "app_password_required")
              .from(client.ip(), client.userAgent()));
      throw new dev.musubi.platform.web.ProblemException(
          org.springframework.http.HttpStatus.UNAUTHORIZED,
          "app-password-required",
          "Two-step verification is on: use an app password from My account.",
          java.util.List.of());
    }
    throttle.reset(key);
    ipThrottle.reset(client.ip());
    members.setLastLogin(member.id(), clock.instant());
    audit.record(
        withCountry(
            AuditRecord.of(member.tenantId(), AuditAction.LOGIN_SUCCEEDED)
                .actor(member.id(), member.loginId())
                .target("member", member.id())
                .with("method", "basic")
                .from(client.ip(), client.userAgent()),
            client.ip()));
    return member;
  }

  /** Second step: a TOTP code or a recovery code for the half-signed-in session. */
  public Outcome secondFactor(@Nullable String sessionSecret, String code, ClientInfo client) {
    Instant now = clock.instant();
    SessionRow pending =
        Optional.ofNullable(sessionSecret)
            .flatMap(sessions::findBySecret)
            .filter(s -> SessionStore.STAGE_MFA.equals(s.stage()))
            .filter(s -> s.revokedAt() == null && s.expiresAt().isAfter(now))
            .orElseThrow(Problems::badCredentials);
    MemberRow member =
        members
            .find(pending.tenantId(), pending.memberId())
            .filter(m -> m.status() == MemberStatus.ACTIVE && m.totpSecret() != null)
            .orElseThrow(Problems::badCredentials);
    SecurityPolicy policy = companies.policy(member.tenantId());
    String key = loginKey(member.loginId());
    if (throttle.isLocked(key)) {
      sessions.revoke(member.tenantId(), member.id(), pending.id(), now);
      throw mfaFailed(member, client, "locked");
    }
    if (!policy.allowsMethod(SecurityPolicy.TOTP)) {
      sessions.revoke(member.tenantId(), member.id(), pending.id(), now);
      throw methodNotAllowed(member, client, SecurityPolicy.TOTP);
    }
    String method = "totp";
    OptionalLong step = totp.verify(member.totpSecret(), code, member.totpLastStep());
    boolean ok = step.isPresent() && members.advanceTotpStep(member.id(), step.getAsLong());
    if (!ok && step.isEmpty()) {
      ok = members.useRecoveryCode(member.id(), RecoveryCodes.hash(code), now);
      method = "recovery_code";
      if (ok) {
        audit.record(
            AuditRecord.of(member.tenantId(), AuditAction.RECOVERY_CODE_USED)
                .actor(member.id(), member.loginId())
                .target("member", member.id())
                .from(client.ip(), client.userAgent()));
      }
    }
    if (!ok) {
      if (throttle.recordFailure(key, policy)) {
        sessions.revoke(member.tenantId(), member.id(), pending.id(), now);
        audit.record(
            AuditRecord.of(member.tenantId(), AuditAction.LOGIN_LOCKED)
                .actor(member.id(), member.loginId())
                .target("member", member.id())
                .from(client.ip(), client.userAgent()));
      }
      throw mfaFailed(member, client, "bad_code");
    }
    throttle.reset(key);
    ipThrottle.reset(client.ip());
    sessions.revoke(member.tenantId(), member.id(), pending.id(), now);
    audit.record(
        AuditRecord.of(member.tenantId(), AuditAction.MFA_SUCCEEDED)
            .actor(member.id(), member.loginId())
            .target("member", member.id())
            .with("method", method)
            .from(client.ip(), client.userAgent()));
    return new SignedIn(startSession(member, policy, client, "password+" + method));
  }

  /** Starts a full session for a member who proved who they are (also used by passkeys). */
  public NewSession startSession(
      MemberRow member, SecurityPolicy policy, ClientInfo client, String how) {
    Instant now = clock.instant();
    NewSession session =
        sessions.create(
            member.tenantId(),
            member.id(),
            SessionStore.STAGE_FULL,
            client.ip(),
            client.userAgent(),
            now,
            now.plus(Duration.ofMinutes(policy.sessionAbsoluteMinutes())));
    members.setLastLogin(member.id(), now);
    audit.record(
        withCountry(
            AuditRecord.of(member.tenantId(), AuditAction.LOGIN_SUCCEEDED)
                .actor(member.id(), member.loginId())
                .target("session", session.id())
                .with("method", how)
                .from(client.ip(), client.userAgent()),
            client.ip()));
    return session;
  }

  /** Audits and answers a sign-in with a second factor the company does not allow. */
  dev.musubi.platform.web.ProblemException methodNotAllowed(
      MemberRow member, ClientInfo client, String method) {
    audit.record(mfaFailure(member, client, "method_not_allowed").with("method", method));
    return Account.notAllowed(method);
  }

  private dev.musubi.platform.web.ProblemException mfaFailed(
      MemberRow member, ClientInfo client, String reason) {
    audit.record(mfaFailure(member, client, reason));
    return Problems.badCredentials();
  }

  private static AuditRecord mfaFailure(MemberRow member, ClientInfo client, String reason) {
    return AuditRecord.of(member.tenantId(), AuditAction.MFA_FAILED)
        .failed()
        .actor(member.id(), member.loginId())
        .target("member", member.id())
        .with("reason", reason)
        .from(client.ip(), client.userAgent());
  }

  private dev.musubi.platform.web.ProblemException fail(
      @Nullable UUID tenantId,
      @Nullable MemberRow member,
      String claimedLoginId,
      ClientInfo client,
      String reason,
      String key,
      SecurityPolicy policy,
      boolean counts) {
    ipThrottle.recordFailure(client.ip());
    boolean lockedNow = counts && throttle.recordFailure(key, policy);
    if (tenantId != null) {
      String login = member != null ? member.loginId() : truncate(claimedLoginId);
      AuditRecord record =
          AuditRecord.of(tenantId, AuditAction.LOGIN_FAILED)
              .failed()
              .actor(member == null ? null : member.id(), login)
              .target("member", member == null ? "" : member.id().toString())
              .with("reason", reason)
              .from(client.ip(), client.userAgent());
      audit.record(record);
      if (lockedNow) {
        audit.record(
            AuditRecord.of(tenantId, AuditAction.LOGIN_LOCKED)
                .failed()
                .actor(member == null ? null : member.id(), login)
                .target("member", member == null ? "" : member.id().toString())
                .from(client.ip(), client.userAgent()));
      }
    }
    return Problems.badCredentials();
  }

  private @Nullable UUID tenantOfDomain(String key) {
    int at = key.lastIndexOf('@');
    if (at < 0) {
      return null;
    }
    return companies.findByDomain(key.substring(at + 1)).map(Company::id).orElse(null);
  }

  private static String truncate(String s) {
    String t = s.strip();
    return t.length() > 100 ? t.substring(0, 100) : t;
  }
}
