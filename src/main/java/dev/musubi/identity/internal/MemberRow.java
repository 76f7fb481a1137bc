package dev.musubi.identity.internal;

import dev.musubi.identity.MemberStatus;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A member row with its credential fields; never leaves the identity module. */
public record MemberRow(
    UUID id,
    UUID tenantId,
    String loginId,
    String displayName,
    String familyName,
    String givenName,
    String familyNameReading,
    String givenNameReading,
    String email,
    String phone,
    MemberStatus status,
    String locale,
    String timeZone,
    @Nullable String passwordHash,
    @Nullable Instant passwordChangedAt,
    @Nullable String totpSecret,
    @Nullable String totpPendingSecret,
    long totpLastStep,
    @Nullable Instant lastLoginAt,
    Instant createdAt) {

  public boolean totpEnabled() {
    return totpSecret != null;
  }
}
