package dev.musubi.identity.internal;

import dev.musubi.identity.MemberStatus;
import dev.musubi.identity.SecurityPolicy;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.ProblemWriter;
import dev.musubi.platform.web.Problems;
import dev.musubi.platform.web.RequestInfo;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates each request from the session cookie or an {@code Authorization: Bearer} personal
 * access token, enforcing on every request: member status, revocation, idle and absolute timeouts,
 * the company's IP allowlist, token scopes, and the company's two-step requirement.
 */
class AuthenticationFilter extends OncePerRequestFilter {

  private static final Duration TOUCH_EVERY = Duration.ofSeconds(30);
  static final String BASIC_CHALLENGE = "Basic realm=\"Musubi\", charset=\"UTF-8\"";

  private final SessionStore sessions;
  private final TokenStore tokens;
  private final MemberStore members;
  private final CompanyStore companies;
  private final Passkeys passkeys;
  private final BasicCredentials basic;
  private final RequestInfo requestInfo;
  private final ProblemWriter problems;
  private final Clock clock;

  AuthenticationFilter(
      SessionStore sessions,
      TokenStore tokens,
      MemberStore members,
      CompanyStore companies,
      Passkeys passkeys,
      BasicCredentials basic,
      RequestInfo requestInfo,
      ProblemWriter problems,
      Clock clock) {
    this.sessions = sessions;
    this.tokens = tokens;
    this.members = members;
    this.companies = companies;
    this.passkeys = passkeys;
    this.basic = basic;
    this.requestInfo = requestInfo;
    this.problems = problems;
    this.clock = clock;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      String authorization = request.getHeader("Authorization");
      boolean dav = isDav(request);
      if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        MusubiAuthentication auth = fromToken(authorization.substring(7).trim(), request);
        SecurityContextHolder.getContext().setAuthentication(auth);
      } else if (dav || (isBasic(authorization) && isCalendarAttachment(request))) {
        // DAV clients authenticate on every request; a browser session never reaches /dav/.
        // The ATTACH links in their events lead to the API: Basic is taken there too.
        if (isBasic(authorization)) {
          SecurityContextHolder.getContext()
              .setAuthentication(fromBasic(authorization.substring(6), request));
        }
      } else {
        String secret = SessionCookies.read(request);
        if (secret != null) {
          Optional<MusubiAuthentication> auth = fromSession(secret, request);
          if (auth.isPresent()) {
            SecurityContextHolder.getContext().setAuthentication(auth.get());
          } else if (!awaitingSecondFactor(secret)) {
            SessionCookies.clear(request, response);
          }
        }
      }
      if (SecurityContextHolder.getContext().getAuthentication() instanceof MusubiAuthentication a
          && a.passwordExpired()
          && !allowedWithExpiredPassword(request)) {
        throw Problems.forbidden(
            "password-expired", "Your password has expired: change it in My account first.");
      }
      if (SecurityContextHolder.getContext().getAuthentication() instanceof MusubiAuthentication a
          && a.mfaSetupRequired()
          && !allowedDuringMfaSetup(request)) {
        throw Problems.forbidden(
            "mfa-setup-required",
            "Your company requires two-step verification: set it up in My account first.");
      }
      if (request.getRequestURI().startsWith("/webauthn/register")
          && SecurityContextHolder.getContext().getAuthentication()
              instanceof MusubiAuthentication a
          && !companies.policy(a.getPrincipal().tenantId()).allowsMethod(SecurityPolicy.PASSKEY)) {
        // Spring's registration filters answer these requests themselves: refuse before them.
        throw Account.notAllowed(SecurityPolicy.PASSKEY);
      }
    } catch (ProblemException e) {
      SecurityContextHolder.clearContext();
      if (e.status().value() == 401 && challengesBasic(request)) {
        response.setHeader("WWW-Authenticate", BASIC_CHALLENGE);
      }
      problems.write(response, e);
      return;
    }
    try {
      chain.doFilter(request, response);
    } finally {
      SecurityContextHolder.clearContext();
    }
  }

  private MusubiAuthentication fromToken(String secret, HttpServletRequest request) {
    Instant now = clock.instant();
    TokenStore.TokenRow token =
        (secret.length() > 100
                ? Optional.<TokenStore.TokenRow>empty()
                : tokens.findBySecret(secret))
            .filter(t -> t.revokedAt() == null)
            .filter(t -> t.expiresAt() == null || t.expiresAt().isAfter(now))
            .orElseThrow(Problems::unauthenticated);
    MemberRow member =
        members
            .find(token.tenantId(), token.memberId())
            .filter(m -> m.status() == MemberStatus.ACTIVE)
            .orElseThrow(Problems::unauthenticated);
    SecurityPolicy policy = companies.policy(member.tenantId());
    checkAddress(policy, request);
    String method = request.getMethod();
    boolean safe =
        method.equals("GET")
            || method.equals("HEAD")
            || method.equals("OPTIONS")
            || method.equals("PROPFIND")
            || method.equals("REPORT");
    if (!token.scopes().contains(safe ? "read" : "write")) {
      throw Problems.forbidden("insufficient-scope", "The token lacks the scope for this request.");
    }
    if (isCredentialManagement(request)) {
      throw Problems.forbidden(
          "session-required", "Credentials can only be managed from a signed-in browser session.");
    }
    if (token.lastUsedAt() == null || token.lastUsedAt().plus(TOUCH_EVERY).isBefore(now)) {
      tokens.used(token.id(), now);
    }
    MemberPrincipal principal =
        new MemberPrincipal(
            member.tenantId(),
            member.id(),
            member.loginId(),
            members.roles(member.id()),
            null,
            token.id(),
            Set.copyOf(token.scopes()));
    return new MusubiAuthentication(principal, false, false);
  }

  /**
   * HTTP Basic on the DAV paths: login ID with the member's password, or with an app password (a
   * personal access token of that same member, whose scopes then apply).
   */
  private MusubiAuthentication fromBasic(String value, HttpServletRequest request) {
    String[] credentials = BasicCredentials.decode(value);
    String loginId = credentials[0];
    String password = credentials[1];
    if (password.startsWith(BasicCredentials.APP_PASSWORD_PREFIX)) {
      MusubiAuthentication auth = fromToken(password, request);
      if (!SignIn.loginKey(auth.getPrincipal().loginId()).equals(SignIn.loginKey(loginId))) {
        throw Problems.unauthenticated();
      }
      return auth;
    }
    MemberPrincipal principal =
        basic.password(
            loginId,
            password,
            new ClientInfo(requestInfo.clientIp(request), requestInfo.userAgent(request)));
    return new MusubiAuthentication(principal, false, false);
  }

  private static boolean isBasic(@Nullable String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
  }

  /**
   * A download of an event's Drive attachment ({@code GET /api/v1/events/{id}/attachments/{file}}):
   * the URL of the ATTACH property CalDAV clients receive, which they fetch with the same HTTP
   * Basic credentials as the calendar.
   */
  static boolean isCalendarAttachment(HttpServletRequest request) {
    String method = request.getMethod();
    return ("GET".equals(method) || "HEAD".equals(method))
        && CALENDAR_ATTACHMENT.matcher(request.getRequestURI()).matches();
  }

  private static final java.util.regex.Pattern CALENDAR_ATTACHMENT =
      java.util.regex.Pattern.compile("/api/v1/events/[^/]+/attachments/[^/]+");

  /** Where an unauthenticated request is answered with a Basic challenge. */
  static boolean challengesBasic(HttpServletRequest request) {
    return isDav(request) || isCalendarAttachment(request);
  }

  /** Paths served to WebDAV, CalDAV and CardDAV clients. */
  static boolean isDav(HttpServletRequest request) {
    String path = request.getRequestURI();
    return path.startsWith("/dav/")
        || path.equals("/dav")
        || path.equals("/.well-known/caldav")
        || path.equals("/.well-known/carddav");
  }

  private Optional<MusubiAuthentication> fromSession(String secret, HttpServletRequest request) {
    Instant now = clock.instant();
    // The session, its member, the member's roles and the company's policy come in one query:
    // every request pays it.
    Optional<SessionStore.SignedIn> found =
        sessions
            .findSignedIn(secret)
            .filter(s -> s.session().revokedAt() == null)
            .filter(s -> SessionStore.STAGE_FULL.equals(s.session().stage()))
            .filter(s -> s.session().expiresAt().isAfter(now));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    SessionStore.SessionRow session = found.get().session();
    SecurityPolicy policy = found.get().policy();
    if (session.lastSeenAt().plus(Duration.ofMinutes(policy.sessionIdleMinutes())).isBefore(now)) {
      sessions.revoke(session.tenantId(), session.memberId(), session.id(), now);
      return Optional.empty();
    }
    MemberRow m = found.get().member();
    if (m == null || m.status() != MemberStatus.ACTIVE) {
      return Optional.empty();
    }
    checkAddress(policy, request);
    String ip = requestInfo.clientIp(request);
    if (session.lastSeenAt().plus(TOUCH_EVERY).isBefore(now) || !ip.equals(session.ip())) {
      sessions.touch(session.id(), now, ip);
    }
    Set<Role> roles = MemberStore.roles(found.get().roleCodes());
    boolean mfaRequired =
        switch (policy.mfaRequirement()) {
          case "all" -> true;
          case "admins" -> roles.stream().anyMatch(Role::isAdmin);
          default -> false;
        };
    MemberPrincipal principal =
        new MemberPrincipal(m.tenantId(), m.id(), m.loginId(), roles, session.id(), null, Set.of());
    return Optional.of(
        new MusubiAuthentication(
            principal,
            mfaRequired
                && !(m.totpEnabled() && policy.allowsMethod(SecurityPolicy.TOTP))
                && !(policy.allowsMethod(SecurityPolicy.PASSKEY)
                    && passkeys.count(m.loginId()) > 0),
            Passwords.expired(m, policy, now)));
  }

  /** A half-signed-in session keeps its cookie so that a mistyped code can be retried. */
  private boolean awaitingSecondFactor(String secret) {
    Instant now = clock.instant();
    return sessions
        .findBySecret(secret)
        .filter(s -> SessionStore.STAGE_MFA.equals(s.stage()))
        .filter(s -> s.revokedAt() == null && s.expiresAt().isAfter(now))
        .isPresent();
  }

  private void checkAddress(SecurityPolicy policy, HttpServletRequest request) {
    if (!IpAllowlist.allows(policy.ipAllowlist(), requestInfo.clientIp(request))) {
      throw Problems.forbidden("ip-not-allowed", "Access from this network is not allowed.");
    }
  }

  private static boolean isCredentialManagement(HttpServletRequest request) {
    String path = request.getRequestURI();
    return path.startsWith("/api/v1/me/tokens")
        || path.startsWith("/api/v1/me/password")
        || path.startsWith("/api/v1/me/mfa")
        || path.startsWith("/api/v1/me/sessions")
        || path.startsWith("/api/v1/me/passkeys")
        || path.startsWith("/webauthn");
  }

  private static boolean allowedWithExpiredPassword(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !path.startsWith("/api/")
        || path.equals("/api/v1/me")
        || path.equals("/api/v1/me/password")
        || path.startsWith("/api/v1/auth/");
  }

  private static boolean allowedDuringMfaSetup(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !path.startsWith("/api/")
        || path.equals("/api/v1/me")
        || path.startsWith("/api/v1/me/mfa")
        || path.startsWith("/api/v1/me/passkeys")
        || path.startsWith("/api/v1/auth/");
  }
}
