package dev.musubi.identity;

import dev.musubi.platform.security.MemberPrincipal;

/**
 * Sign-in for mail clients (IMAP, SMTP submission): the login ID with either the member's password
 * or an app password (a personal access token of that member with both the {@code read} and {@code
 * write} scopes). The same throttles, lockout, member status, IP allowlist and password expiry as
 * the web apply; a member with two-step verification must use an app password. Every attempt is
 * audited with the protocol named. Starts no session: the caller holds the connection and must end
 * it when {@link MemberSuspended} names the member.
 */
public interface ProtocolLogins {

  /**
   * The member the credentials belong to.
   *
   * @param protocol a short name for the audit trail, e.g. {@code imap} or {@code submission}
   * @throws ProtocolLoginException with the reason when they are refused
   */
  MemberPrincipal authenticate(String loginId, String password, String ip, String protocol);

  /**
   * Whether a connection opened earlier may go on: the member is active, the app password valid.
   */
  boolean stillActive(MemberPrincipal member);
}
