package dev.musubi.platform.privacy;

import java.util.UUID;

/**
 * Destroys a purged member's personal data in one module (after the deletion grace period). Must be
 * idempotent: the privacy module may call it again after a failure or after a legal hold ends.
 */
public interface PersonalDataEraser {

  /** A short, stable name for the audit evidence ({@code talk}, {@code drive}…). */
  String name();

  /**
   * Erases the member's data in this module, keeping what {@code held} covers (held rooms); returns
   * how many items were erased.
   */
  int erase(UUID companyId, UUID memberId, HeldScope held);
}
