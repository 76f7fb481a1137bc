package dev.musubi.identity.internal;

import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A request authenticated by a Musubi session cookie or personal access token. */
final class MusubiAuthentication extends AbstractAuthenticationToken {

  private final MemberPrincipal principal;
  private final boolean mfaSetupRequired;

  MusubiAuthentication(MemberPrincipal principal, boolean mfaSetupRequired) {
    super(
        principal.roles().stream().map(Role::authority).map(SimpleGrantedAuthority::new).toList());
    this.principal = principal;
    this.mfaSetupRequired = mfaSetupRequired;
    setAuthenticated(true);
  }

  @Override
  public Object getCredentials() {
    return "";
  }

  @Override
  public MemberPrincipal getPrincipal() {
    return principal;
  }

  boolean mfaSetupRequired() {
    return mfaSetupRequired;
  }
}
