package dev.musubi.identity.internal;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.Company;
import dev.musubi.identity.SecurityPolicy;
import dev.musubi.identity.internal.credentials.QrCodes;
import dev.musubi.identity.internal.credentials.RecoveryCodes;
import dev.musubi.identity.internal.credentials.Totp;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a signed-in member does with their own account: profile, password, two-step, sessions,
 * tokens.
 */
@Service
public class Account {

  public record Me(
      UUID id,
      String loginId,
      String displayName,
      String familyName,
      String givenName,
      String familyNameReading,
      String givenNameReading,
      String email,
      String phone,
      String locale,
      String timeZone,
      List<String> roles,
      @Nullable CompanyView company,
      Mfa mfa,
      boolean passwordExpired) {}

  public record CompanyView(UUID id, String name, String domain) {}

  public record Mfa(
      boolean totpEnabled,
      int passkeys,
      boolean required,
      boolean setupRequired,
      int recoveryCodesLeft,
      List<String> allowedMethods) {}

  public record TotpSetup(String secret, String otpauthUri, String qrSvg) {}

  public record SessionView(
      UUID id,
      boolean current,
      String ip,
      @Nullable String country,
      String userAgent,
      Instant createdAt,
      Instant lastSeenAt) {}

  public record TokenView(
      UUID id,
      String name,
      List<String> scopes,
      Instant createdAt,
      @Nullable Instant expiresAt,
      @Nullable Instant lastUsedAt) {}

  public record NewToken(
      UUID id,
      String token,
      String name,
      List<String> scopes,
      Instant createdAt,
      @Nullable Instant expiresAt) {}

  private static final Set<String> SCOPES = Set.of("read", "write");

  private final MemberStore members;
  private final CompanyStore companies;
  private final SessionStore sessions;
  private final TokenStore tokens;
  private final Passwords passwords;
  private final Revocations revocations;
  private final Totp totp;
  private final Passkeys passkeys;
  private final RecoveryCodes recoveryCodes;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;

  private final dev.musubi.platform.geo.GeoIp geoIp;
  private final TransactionTemplate tx;

  Account(
      MemberStore members,
      CompanyStore companies,
      SessionStore sessions,
      TokenStore tokens,
      Passwords passwords,
      Revocations revocations,
      Totp totp,
      Passkeys passkeys,
      RecoveryCodes recoveryCodes,
      AuditTrail audit,
      Ids ids,
      dev.musubi.platform.geo.GeoIp geoIp,
      Clock clock,
      TransactionTemplate tx) {
    this.tx = tx;
    this.geoIp = geoIp;
    this.members = members;
    this.companies = companies;
    this.sessions = sessions;
    this.tokens = tokens;
    this.passwords = passwords;
    this.revocations = revocations;
    this.totp = totp;
    this.passkeys = passkeys;
    this.recoveryCodes = recoveryCodes;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  public Me me(MemberPrincipal p) {
    MemberRow m = load(p);
    SecurityPolicy policy = companies.policy(p.tenantId());
    boolean required =
        switch (policy.mfaRequirement()) {
          case "all" -> true;
          case "admins" -> p.isAdmin();
          default -> false;
        };
    int passkeyCount = passkeys.count(m.loginId());
    CompanyView company =
        companies
            .find(p.tenantId())
            .map(c -> new CompanyView(c.id(), c.name(), c.domain()))
            .orElse(null);
    return new Me(
        m.id(),
        m.loginId(),
        m.displayName(),
        m.familyName(),
        m.givenName(),
        m.familyNameReading(),
        m.givenNameReading(),
        m.email(),
        m.phone(),
        m.locale(),
        m.timeZone(),
        p.roles().stream().map(Role::code).sorted().toList(),
        company,
        new Mfa(
            m.totpEnabled(),
            passkeyCount,
            required,
            required
                && !(m.totpEnabled() && policy.allowsMethod(SecurityPolicy.TOTP))
                && !(passkeyCount > 0 && policy.allowsMethod(SecurityPolicy.PASSKEY)),
            m.totpEnabled() ? members.recoveryCodesLeft(m.id()) : 0,
            policy.mfaMethods()),
        Passwords.expired(m, policy, clock.instant()));
  }

  @Transactional
  public Me updateProfile(
      MemberPrincipal p,
      @Nullable String displayName,
      @Nullable String phone,
      @Nullable String locale,
      @Nullable String timeZone) {
    MemberRow m = load(p);
    List<FieldError> errors = new ArrayList<>();
    if (displayName != null) {
      Fields.text(errors, "displayName", displayName, 1, 200);
    }
    Fields.phone(errors, "phone", phone);
    Fields.locale(errors, "locale", locale);
    Fields.timeZone(errors, "timeZone", timeZone);
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    members.updateProfile(
        new MemberRow(
            m.id(),
            m.tenantId(),
            m.loginId(),
            displayName == null ? m.displayName() : displayName.strip(),
            m.familyName(),
            m.givenName(),
            m.familyNameReading(),
            m.givenNameReading(),
            m.email(),
            phone == null ? m.phone() : phone.strip(),
            m.status(),
            locale == null ? m.locale() : locale,
            timeZone == null ? m.timeZone() : timeZone,
            m.passwordHash(),
            m.passwordChangedAt(),
            m.totpSecret(),
            m.totpPendingSecret(),
            m.totpLastStep(),
            m.lastLoginAt(),
            m.createdAt()),
        clock.instant());
    audit.record(
        AuditRecord.of(p.tenantId(), AuditAction.MEMBER_UPDATED)
            .actor(p.memberId(), p.loginId())
            .target("member", p.memberId())
            .with("by", "self"));
    return me(p);
  }

  /**
   * Changes the password after checking the current one; ends every other session and every token
   * of the member. The Argon2 work (checking the current password, the history, hashing the new
   * one) is done before the transaction, which holds a connection only to store the result.
   */
  public void changePassword(MemberPrincipal p, String current, String next) {
    MemberRow m = load(p);
    if (m.passwordHash() == null || !passwords.matches(current, m.passwordHash())) {
      audit.record(
          AuditRecord.of(p.tenantId(), AuditAction.PASSWORD_CHANGED)
              .failed()
              .actor(p.memberId(), p.loginId())
              .target("member", p.memberId())
              .with("reason", "wrong_current_password"));
      throw Problems.invalid("currentPassword", "wrong", "The current password is incorrect.");
    }
    Passwords.NewPassword password =
        passwords.prepare(m, "newPassword", next, companies.policy(p.tenantId()));
    tx.executeWithoutResult(
        s -> {
          passwords.store(password);
          revocations.endAll(p.tenantId(), p.memberId(), p.sessionId(), true, "password_changed");
          audit.record(
              AuditRecord.of(p.tenantId(), AuditAction.PASSWORD_CHANGED)
                  .actor(p.memberId(), p.loginId())
                  .target("member", p.memberId()));
        });
  }

  // Two-step verification ---------------------------------------------------------------------

  @Transactional
  public TotpSetup startTotp(MemberPrincipal p) {
    requireAllowed(p, SecurityPolicy.TOTP);
    MemberRow m = load(p);
    if (m.totpEnabled()) {
      throw Problems.conflict("totp-enabled", "Two-step verification is already on.");
    }
    String secret = totp.newSecret();
    members.setTotpPending(p.tenantId(), p.memberId(), secret);
    String issuer =
        companies
            .find(p.tenantId())
            .map(Company::name)
            .map(n -> "Musubi (" + n + ")")
            .orElse("Musubi");
    String uri = totp.otpauthUri(issuer, m.loginId(), secret);
    return new TotpSetup(secret, uri, QrCodes.svgDataUri(uri));
  }

  /** Confirms enrolment with a first code; returns ten single-use recovery codes. */
  @Transactional
  public List<String> activateTotp(MemberPrincipal p, String code) {
    requireAllowed(p, SecurityPolicy.TOTP);
    MemberRow m = load(p);
    if (m.totpPendingSecret() == null) {
      throw Problems.conflict("no-setup", "Start the setup first.");
    }
    OptionalLong step = totp.verify(m.totpPendingSecret(), code, 0);
    if (step.isEmpty()) {
      throw Problems.invalid(
          "code", "wrong", "The code is not correct; check the time on your phone.");
    }
    members.setTotp(p.tenantId(), p.memberId(), m.totpPendingSecret(), step.getAsLong());
    List<String> codes = newRecoveryCodes(m);
    audit.record(
        AuditRecord.of(p.tenantId(), AuditAction.TOTP_ENABLED)
            .actor(p.memberId(), p.loginId())
            .target("member", p.memberId()));
    return codes;
  }

  /** 403 {@code mfa-method-not-allowed} when the company does not allow {@code method}. */
  void requireAllowed(MemberPrincipal p, String method) {
    if (!companies.policy(p.tenantId()).allowsMethod(method)) {
      throw notAllowed(method);
    }
  }

  /** The problem for a second factor the company does not allow. */
  static dev.musubi.platform.web.ProblemException notAllowed(String method) {
    return Problems.forbidden(
        "mfa-method-not-allowed",
        (SecurityPolicy.TOTP.equals(method) ? "Authenticator apps" : "Passkeys")
            + " are not allowed for two-step verification in your company; use another method"
            + " or ask an admin.");
  }

  @Transactional
  public void disableTotp(MemberPrincipal p, String password) {
    MemberRow m = reauthenticate(p, password);
    if (!m.totpEnabled()) {
      return;
    }
    members.setTotp(p.tenantId(), p.memberId(), null, 0);
    members.replaceRecoveryCodes(p.memberId(), List.of());
    audit.record(
        AuditRecord.of(p.tenantId(), AuditAction.TOTP_DISABLED)
            .actor(p.memberId(), p.loginId())
            .target("member", p.memberId()));
  }

  @Transactional
  public List<String> regenerateRecoveryCodes(MemberPrincipal p, String password) {
    MemberRow m = reauthenticate(p, password);
    if (!m.totpEnabled()) {
      throw Problems.conflict("totp-disabled", "Turn on two-step verification first.");
    }
    return newRecoveryCodes(m);
  }

  private List<String> newRecoveryCodes(MemberRow m) {
    List<String> codes = recoveryCodes.generate();
    members.replaceRecoveryCodes(m.id(), codes.stream().map(RecoveryCodes::hash).toList());
    audit.record(
        AuditRecord.of(m.tenantId(), AuditAction.RECOVERY_CODES_GENERATED)
            .actor(m.id(), m.loginId())
            .target("member", m.id()));
    return codes;
  }

  private MemberRow reauthenticate(MemberPrincipal p, String password) {
    MemberRow m = load(p);
    if (password == null
        || m.passwordHash() == null
        || !passwords.matches(password, m.passwordHash())) {
      throw Problems.invalid("password", "wrong", "The password is incorrect.");
    }
    return m;
  }

  // Sessions ----------------------------------------------------------------------------------

  public List<SessionView> sessions(MemberPrincipal p) {
    return sessions.active(p.tenantId(), p.memberId(), clock.instant()).stream()
        .map(
            s ->
                new SessionView(
                    s.id(),
                    s.id().equals(p.sessionId()),
                    s.ip(),
                    geoIp.country(s.ip()).orElse(null),
                    s.userAgent(),
                    s.createdAt(),
                    s.lastSeenAt()))
        .toList();
  }

  @Transactional
  public void endSession(MemberPrincipal p, UUID id) {
    if (!sessions.revoke(p.tenantId(), p.memberId(), id, clock.instant())) {
      throw Problems.notFound();
    }
    audit.record(
        AuditRecord.of(p.tenantId(), AuditAction.SESSION_REVOKED)
            .actor(p.memberId(), p.loginId())
            .target("session", id));
  }

  /** Signs out the current session. */
  @Transactional
  public void logout(UUID tenantId, UUID memberId, String loginId, UUID sessionId) {
    sessions.revoke(tenantId, memberId, sessionId, clock.instant());
    audit.record(
        AuditRecord.of(tenantId, AuditAction.LOGOUT)
            .actor(memberId, loginId)
            .target("session", sessionId));
  }

  // Tokens ------------------------------------------------------------------------------------

  public List<TokenView> tokens(MemberPrincipal p) {
    return tokens.list(p.tenantId(), p.memberId()).stream()
        .map(
            t ->
                new TokenView(
                    t.id(), t.name(), t.scopes(), t.createdAt(), t.expiresAt(), t.lastUsedAt()))
        .toList();
  }

  @Transactional
  public NewToken createToken(
      MemberPrincipal p,
      String name,
      @Nullable List<String> scopes,
      @Nullable Integer expiresInDays) {
    List<FieldError> errors = new ArrayList<>();
    Fields.text(errors, "name", name, 1, 100);
    List<String> s = scopes == null || scopes.isEmpty() ? List.of("read") : List.copyOf(scopes);
    if (!SCOPES.containsAll(s)) {
      errors.add(new FieldError("scopes", "invalid", "Scopes are read and write."));
    }
    if (expiresInDays != null && (expiresInDays < 1 || expiresInDays > 365)) {
      errors.add(FieldError.range("expiresInDays", 1, 365));
    }
    if (tokens.list(p.tenantId(), p.memberId()).size() >= 50) {
      errors.add(new FieldError("name", "too_many", "At most 50 tokens."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    Instant now = clock.instant();
    int days = expiresInDays == null ? 90 : expiresInDays;
    Instant expires = now.plus(Duration.ofDays(days));
    String secret = "mus_" + ids.secret(32);
    UUID id = ids.next();
    List<String> sorted = s.stream().distinct().sorted().toList();
    tokens.insert(
        new TokenStore.TokenRow(
            id, p.tenantId(), p.memberId(), name.strip(), sorted, now, expires, null, null),
        secret);
    audit.record(
        AuditRecord.of(p.tenantId(), AuditAction.TOKEN_CREATED)
            .actor(p.memberId(), p.loginId())
            .target("token", id)
            .with("scopes", String.join(" ", sorted)));
    return new NewToken(id, secret, name.strip(), sorted, now, expires);
  }

  @Transactional
  public void revokeToken(MemberPrincipal p, UUID id) {
    if (!tokens.revoke(p.tenantId(), p.memberId(), id, clock.instant())) {
      throw Problems.notFound();
    }
    audit.record(
        AuditRecord.of(p.tenantId(), AuditAction.TOKEN_REVOKED)
            .actor(p.memberId(), p.loginId())
            .target("token", id));
  }

  private MemberRow load(MemberPrincipal p) {
    return members.find(p.tenantId(), p.memberId()).orElseThrow(Problems::unauthenticated);
  }
}
