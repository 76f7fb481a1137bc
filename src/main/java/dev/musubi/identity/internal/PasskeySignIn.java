package dev.musubi.identity.internal;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.MemberStatus;
import dev.musubi.identity.SecurityPolicy;
import dev.musubi.platform.web.ProblemWriter;
import dev.musubi.platform.web.Problems;
import dev.musubi.platform.web.RequestInfo;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.stereotype.Component;

/**
 * Completes a passkey sign-in verified by Spring Security's WebAuthn filter: checks the member and
 * the company's address rules, starts a Musubi session (new ID) and audits, or answers the same 401
 * as a failed password sign-in.
 */
@Component
class PasskeySignIn implements AuthenticationSuccessHandler, AuthenticationFailureHandler {

  private final MemberStore members;
  private final CompanyStore companies;
  private final SessionStore sessions;
  private final SignIn signIn;
  private final RequestInfo requestInfo;
  private final ProblemWriter problems;
  private final AuditTrail audit;
  private final Clock clock;

  PasskeySignIn(
      MemberStore members,
      CompanyStore companies,
      SessionStore sessions,
      SignIn signIn,
      RequestInfo requestInfo,
      ProblemWriter problems,
      AuditTrail audit,
      Clock clock) {
    this.members = members;
    this.companies = companies;
    this.sessions = sessions;
    this.signIn = signIn;
    this.requestInfo = requestInfo;
    this.problems = problems;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  public void onAuthenticationSuccess(
      HttpServletRequest request, HttpServletResponse response, Authentication authentication)
      throws IOException {
    String loginId =
        authentication.getPrincipal() instanceof PublicKeyCredentialUserEntity user
            ? user.getName()
            : authentication.getName();
    ClientInfo client =
        new ClientInfo(requestInfo.clientIp(request), requestInfo.userAgent(request));
    Optional<MemberRow> found =
        members
            .findByLoginKey(SignIn.loginKey(loginId))
            .filter(m -> m.status() == MemberStatus.ACTIVE);
    if (found.isEmpty()) {
      problems.write(response, Problems.badCredentials());
      return;
    }
    MemberRow member = found.get();
    SecurityPolicy policy = companies.policy(member.tenantId());
    if (!IpAllowlist.allows(policy.ipAllowlist(), client.ip())) {
      audit.record(
          AuditRecord.of(member.tenantId(), AuditAction.ACCESS_DENIED_IP)
              .failed()
              .actor(member.id(), member.loginId())
              .target("member", member.id())
              .from(client.ip(), client.userAgent()));
      problems.write(response, Problems.badCredentials());
      return;
    }
    if (!policy.allowsMethod(SecurityPolicy.PASSKEY)) {
      problems.write(response, signIn.methodNotAllowed(member, client, SecurityPolicy.PASSKEY));
      return;
    }
    String pending = SessionCookies.read(request);
    if (pending != null) {
      sessions
          .findBySecret(pending)
          .filter(s -> s.memberId().equals(member.id()))
          .ifPresent(s -> sessions.revoke(s.tenantId(), s.memberId(), s.id(), clock.instant()));
    }
    SessionStore.NewSession session = signIn.startSession(member, policy, client, "passkey");
    SessionCookies.write(request, response, session.secret());
    response.setStatus(200);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.getWriter().write("{\"authenticated\":true,\"redirectUrl\":\"/\"}");
  }

  @Override
  public void onAuthenticationFailure(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
      throws IOException {
    problems.write(response, Problems.badCredentials());
  }
}
