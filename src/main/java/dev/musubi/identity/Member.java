package dev.musubi.identity;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A member as admins see it (no credentials). */
public record Member(
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
    List<String> roles,
    List<DepartmentMembership> departments,
    boolean mfaEnabled,
    @Nullable Instant lastLoginAt,
    Instant createdAt) {

  /** A member's place in a department. */
  public record DepartmentMembership(UUID id, String name, String position, boolean primary) {}
}
