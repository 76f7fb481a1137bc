package dev.musubi.platform.security;

import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Who is calling: the member, their company and roles, and how they signed in.
 *
 * @param tenantId the member's company; every query filters on it
 * @param memberId the member
 * @param loginId the member's login ID
 * @param roles roles held now
 * @param sessionId the public ID of the browser session, or null for a token
 * @param tokenId the ID of the personal access token, or null for a session
 * @param scopes token scopes (empty for a session, which has every scope)
 */
public record MemberPrincipal(
    UUID tenantId,
    UUID memberId,
    String loginId,
    Set<Role> roles,
    @Nullable UUID sessionId,
    @Nullable UUID tokenId,
    Set<String> scopes) {

  public boolean has(Role role) {
    return roles.contains(role);
  }

  public boolean isAdmin() {
    return roles.stream().anyMatch(Role::isAdmin);
  }

  public boolean hasAny(Role... anyOf) {
    for (Role r : anyOf) {
      if (roles.contains(r)) {
        return true;
      }
    }
    return false;
  }
}
