package dev.musubi.identity;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What an admin gives to create a member. Null optional fields take defaults. */
public record NewMember(
    String loginId,
    String password,
    String displayName,
    @Nullable String familyName,
    @Nullable String givenName,
    @Nullable String familyNameReading,
    @Nullable String givenNameReading,
    @Nullable String email,
    @Nullable String phone,
    @Nullable String locale,
    @Nullable String timeZone,
    @Nullable List<String> roles,
    @Nullable List<Placement> departments) {

  /** A department the member belongs to, with their position there. */
  public record Placement(UUID departmentId, @Nullable String position, boolean primary) {}
}
