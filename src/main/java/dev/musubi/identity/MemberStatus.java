package dev.musubi.identity;

/** A member's account state. Only {@link #ACTIVE} members can sign in or use the API. */
public enum MemberStatus {
  ACTIVE,
  SUSPENDED,
  DELETED;

  @com.fasterxml.jackson.annotation.JsonValue
  public String code() {
    return name().toLowerCase();
  }
}
