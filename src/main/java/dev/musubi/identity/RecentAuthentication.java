package dev.musubi.identity;

import dev.musubi.identity.internal.Reauthentication;
import dev.musubi.platform.security.MemberPrincipal;
import java.time.Duration;
import org.springframework.stereotype.Service;

/**
 * Recent re-authentication for changes to the company's policies, for every module that holds one
 * (security settings, drive policy, talk settings, retention): the caller must have signed in, or
 * re-entered their password with {@code POST /api/v1/me/reauthenticate}, in this browser session
 * within {@link #window()}. Tokens never count.
 */
@Service
public class RecentAuthentication {

  private final Reauthentication reauth;

  RecentAuthentication(Reauthentication reauth) {
    this.reauth = reauth;
  }

  /**
   * Returns normally when {@code actor} authenticated recently; otherwise throws a 403 problem of
   * type {@code reauthentication-required} that tells the client to ask for the password again.
   */
  public void require(MemberPrincipal actor) {
    reauth.requireRecent(actor);
  }

  /** How long a sign-in or re-authentication counts as recent. */
  public Duration window() {
    return reauth.window();
  }
}
