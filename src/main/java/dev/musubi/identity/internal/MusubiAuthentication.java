package dev.musubi.identity.internal;

import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A request authenticated by a Musubi session cookie or personal access token. */
final class MusubiAuthentication extends AbstractAuthenticationToken {

  private final MemberPrincipal principal;
  private final boolean mfaSetupRequired;
  private final boolean passwordExpired;

  MusubiAuthentication(
      MemberPrincipal principal, boolean mfaSetupRequired, boolean passwordExpired) {
    super(
        principal.roles().stream().map(Role::authority).map(SimpleGrantedAuthority::new).toList());
    this.principal = principal;
    this.mfaSetupRequired = mfaSetupRequired;
    this.passwordExpired = passwordExpired;
    setAuthenticated(true);
  }

  @Override
  public Object getCredentials() {
    return "";
  }

  @Override
  public String getName() {
    return principal.loginId();
  }

  @Override
  public MemberPrincipal getPrincipal() {
    return principal;
  }

  boolean passwordExpired() {
    return passwordExpired;
  }

  boolean mfaSetupRequired() {
    return mfaSetupRequired;
  }
}
