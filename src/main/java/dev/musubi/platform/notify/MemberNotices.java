package dev.musubi.platform.notify;

import java.util.UUID;

/**
 * Sends a member a plain-text notice from Musubi itself (security alerts, digests of unread
 * mentions). Implementations deliver it where the member reads mail; they join the caller's
 * transaction, so a notice is sent exactly when the caller's change commits.
 */
public interface MemberNotices {

  /**
   * Delivers the notice.
   *
   * @return an ID of the delivered notice
   * @throws IllegalArgumentException when the member is not an active member of the company
   */
  UUID deliver(UUID tenantId, UUID memberId, String subject, String text);
}
