package dev.musubi.platform.security;

import java.util.Arrays;
import java.util.Optional;

/**
 * Built-in roles. A member always holds {@link #MEMBER}; the admin roles add rights. {@link
 * #OPERATOR} belongs only to the hosting operator's account, which sits outside every company.
 */
public enum Role {
  MEMBER("member"),
  SUPER_ADMIN("super_admin"),
  MEMBER_ADMIN("member_admin"),
  SECURITY_ADMIN("security_admin"),
  AUDITOR("auditor"),
  OPERATOR("operator");

  private final String code;

  Role(String code) {
    this.code = code;
  }

  /** The stable code used in the API and the database. */
  public String code() {
    return code;
  }

  /** The Spring Security authority for this role. */
  public String authority() {
    return "ROLE_" + name();
  }

  public boolean isAdmin() {
    return this == SUPER_ADMIN || this == MEMBER_ADMIN || this == SECURITY_ADMIN || this == AUDITOR;
  }

  public static Optional<Role> fromCode(String code) {
    return Arrays.stream(values()).filter(r -> r.code.equals(code)).findFirst();
  }
}
