package dev.musubi.identity.internal;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Recent authentication for sensitive changes: the member signed in, or re-entered their password
 * in this session, within the window. Tokens never count.
 */
@Component
public class Reauthentication {

  private final SessionStore sessions;
  private final MemberStore members;
  private final CompanyStore companies;
  private final Passwords passwords;
  private final LoginThrottle throttle;
  private final AuditTrail audit;
  private final Clock clock;
  private final Duration window;

  Reauthentication(
      SessionStore sessions,
      MemberStore members,
      CompanyStore companies,
      Passwords passwords,
      LoginThrottle throttle,
      AuditTrail audit,
      Clock clock,
      @Value("${musubi.admin.reauth-window:PT15M}") Duration window) {
    this.sessions = sessions;
    this.members = members;
    this.companies = companies;
    this.passwords = passwords;
    this.throttle = throttle;
    this.audit = audit;
    this.clock = clock;
    this.window = window;
  }

  public Duration window() {
    return window;
  }

  /** 403 {@code reauthentication-required} unless the caller proved their password recently. */
  public void requireRecent(MemberPrincipal p) {
    if (p.sessionId() == null) {
      throw Problems.forbidden(
          "reauthentication-required", "Sign in with a browser session to change this.");
    }
    Instant last = sessions.lastAuthenticated(p.tenantId(), p.sessionId()).orElse(Instant.EPOCH);
    if (last.plus(window).isBefore(clock.instant())) {
      throw Problems.forbidden(
          "reauthentication-required",
          "Enter your password again to change security settings (valid for "
              + window.toMinutes()
              + " minutes).");
    }
  }

  /**
   * Checks the password and marks the session as recently authenticated. A wrong password counts
   * towards the sign-in lockout and is audited.
   */
  @Transactional(propagation = Propagation.NOT_SUPPORTED)
  public void reauthenticate(MemberPrincipal p, String password) {
    if (p.sessionId() == null) {
      throw Problems.forbidden("reauthentication-required", "Only a browser session can do this.");
    }
    MemberRow m = members.find(p.tenantId(), p.memberId()).orElseThrow(Problems::unauthenticated);
    String key = SignIn.loginKey(m.loginId());
    if (throttle.isLocked(key)) {
      throw Problems.forbidden("locked", "Too many wrong passwords; try again later.");
    }
    if (m.passwordHash() == null || !passwords.matches(password, m.passwordHash())) {
      throttle.recordFailure(key, companies.policy(p.tenantId()));
      audit.record(
          AuditRecord.of(p.tenantId(), AuditAction.REAUTHENTICATION_FAILED)
              .failed()
              .actor(m.id(), m.loginId())
              .target("session", p.sessionId()));
      throw Problems.invalid("password", "wrong", "The password is not correct.");
    }
    sessions.reauthenticated(p.tenantId(), p.sessionId(), clock.instant());
    audit.record(
        AuditRecord.of(p.tenantId(), AuditAction.REAUTHENTICATED)
            .actor(m.id(), m.loginId())
            .target("session", p.sessionId()));
  }
}
