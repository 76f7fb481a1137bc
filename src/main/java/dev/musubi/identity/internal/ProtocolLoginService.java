package dev.musubi.identity.internal;

import dev.musubi.identity.MemberStatus;
import dev.musubi.identity.ProtocolLoginException;
import dev.musubi.identity.ProtocolLoginException.Reason;
import dev.musubi.identity.ProtocolLogins;
import dev.musubi.identity.SecurityPolicy;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * {@link ProtocolLogins} over the web's rules: an app password is looked up as a personal access
 * token of the named member; anything else (including an unknown app password) goes through the
 * password check, so wrong guesses count toward the same throttle and lockout.
 */
@Service
class ProtocolLoginService implements ProtocolLogins {

  private final BasicCredentials basic;
  private final TokenStore tokens;
  private final MemberStore members;
  private final CompanyStore companies;
  private final Clock clock;

  ProtocolLoginService(
      BasicCredentials basic,
      TokenStore tokens,
      MemberStore members,
      CompanyStore companies,
      Clock clock) {
    this.basic = basic;
    this.tokens = tokens;
    this.members = members;
    this.companies = companies;
    this.clock = clock;
  }

  @Override
  public MemberPrincipal authenticate(String loginId, String password, String ip, String protocol) {
    if (loginId == null
        || password == null
        || loginId.isEmpty()
        || loginId.length() > 320
        || password.length() > 1024) {
      throw new ProtocolLoginException(Reason.INVALID, "Invalid credentials.", 0);
    }
    ClientInfo client = new ClientInfo(ip, protocol);
    Optional<MemberPrincipal> app = appPassword(loginId, password, ip);
    if (app.isPresent()) {
      return app.get();
    }
    try {
      return basic.password(loginId, password, client);
    } catch (ProblemException e) {
      throw translate(e);
    }
  }

  @Override
  public boolean stillActive(MemberPrincipal member) {
    Instant now = clock.instant();
    boolean active =
        members
            .find(member.tenantId(), member.memberId())
            .filter(m -> m.status() == MemberStatus.ACTIVE)
            .isPresent();
    return active
        && (member.tokenId() == null
            || tokens
                .find(member.tokenId())
                .filter(t -> t.revokedAt() == null)
                .filter(t -> t.expiresAt() == null || t.expiresAt().isAfter(now))
                .isPresent());
  }

  private Optional<MemberPrincipal> appPassword(String loginId, String password, String ip) {
    if (!password.startsWith(BasicCredentials.APP_PASSWORD_PREFIX) || password.length() > 100) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Optional<TokenStore.TokenRow> token =
        tokens
            .findBySecret(password)
            .filter(t -> t.revokedAt() == null)
            .filter(t -> t.expiresAt() == null || t.expiresAt().isAfter(now));
    if (token.isEmpty()) {
      return Optional.empty();
    }
    TokenStore.TokenRow t = token.get();
    Optional<MemberRow> member =
        members
            .find(t.tenantId(), t.memberId())
            .filter(m -> m.status() == MemberStatus.ACTIVE)
            .filter(m -> SignIn.loginKey(m.loginId()).equals(SignIn.loginKey(loginId)));
    if (member.isEmpty()) {
      return Optional.empty();
    }
    MemberRow m = member.get();
    SecurityPolicy policy = companies.policy(m.tenantId());
    if (!IpAllowlist.allows(policy.ipAllowlist(), ip)) {
      throw new ProtocolLoginException(
          Reason.IP_NOT_ALLOWED, "Access from this network is not allowed.", 0);
    }
    if (!t.scopes().containsAll(Set.of("read", "write"))) {
      throw new ProtocolLoginException(
          Reason.INSUFFICIENT_SCOPE, "This app password needs the read and write scopes.", 0);
    }
    tokens.used(t.id(), now);
    return Optional.of(
        new MemberPrincipal(
            m.tenantId(),
            m.id(),
            m.loginId(),
            members.roles(m.id()),
            null,
            t.id(),
            Set.copyOf(t.scopes())));
  }

  private static ProtocolLoginException translate(ProblemException e) {
    return switch (e.type()) {
      case "rate-limited" ->
          new ProtocolLoginException(
              Reason.THROTTLED,
              "Too many attempts; try again later.",
              parse(e.headers().get("Retry-After")));
      case "app-password-required" ->
          new ProtocolLoginException(
              Reason.APP_PASSWORD_REQUIRED,
              "Two-step verification is on: use an app password from My account.",
              0);
      case "ip-not-allowed" ->
          new ProtocolLoginException(
              Reason.IP_NOT_ALLOWED, "Access from this network is not allowed.", 0);
      case "password-expired" ->
          new ProtocolLoginException(
              Reason.PASSWORD_EXPIRED,
              "Your password has expired: change it in My account first.",
              0);
      default -> new ProtocolLoginException(Reason.INVALID, "Invalid credentials.", 0);
    };
  }

  private static long parse(String seconds) {
    try {
      return seconds == null ? 1 : Long.parseLong(seconds);
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
