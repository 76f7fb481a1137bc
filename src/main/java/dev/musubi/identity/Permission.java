package dev.musubi.identity;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What an admin may do. The built-in admin roles map to fixed sets; a company builds custom roles
 * from {@link #grantable()} (never role management itself, which stays with super admins, so a
 * custom role cannot be used to grant more power).
 */
public enum Permission {
  MEMBERS_READ("members.read"),
  MEMBERS_WRITE("members.write"),
  DEPARTMENTS_WRITE("departments.write"),
  SECURITY_READ("security.read"),
  SECURITY_WRITE("security.write"),
  STATISTICS_READ("statistics.read"),
  ACCESS_REVIEW_READ("access_review.read"),
  ACCESS_REVIEW_DECIDE("access_review.decide"),
  ALERTS_READ("alerts.read"),
  ROLES_MANAGE("roles.manage");

  private final String code;

  Permission(String code) {
    this.code = code;
  }

  @com.fasterxml.jackson.annotation.JsonValue
  public String code() {
    return code;
  }

  public static Optional<Permission> fromCode(String code) {
    return Arrays.stream(values()).filter(p -> p.code.equals(code)).findFirst();
  }

  /** The permissions a custom role may hold. */
  public static Set<Permission> grantable() {
    return EnumSet.complementOf(EnumSet.of(ROLES_MANAGE));
  }
}
