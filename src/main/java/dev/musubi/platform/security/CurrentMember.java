package dev.musubi.platform.security;

import dev.musubi.platform.web.Problems;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The principal of the current request. */
public final class CurrentMember {

  private CurrentMember() {}

  /** The signed-in member; throws 401 problem when nobody is signed in. */
  public static MemberPrincipal get() {
    return find().orElseThrow(Problems::unauthenticated);
  }

  public static Optional<MemberPrincipal> find() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth != null && auth.getPrincipal() instanceof MemberPrincipal p) {
      return Optional.of(p);
    }
    return Optional.empty();
  }

  /** The signed-in member if they hold one of the roles; otherwise a 403 problem. */
  public static MemberPrincipal requireAny(Role... roles) {
    MemberPrincipal p = get();
    if (!p.hasAny(roles)) {
      throw Problems.forbidden("This needs one of the roles " + java.util.Arrays.toString(roles));
    }
    return p;
  }
}
