package dev.musubi.drive;

import java.util.Optional;

/** What a member may do in a drive: read, change contents, or also manage who has access. */
public enum DriveRole {
  VIEWER("viewer"),
  EDITOR("editor"),
  MANAGER("manager");

  private final String code;

  DriveRole(String code) {
    this.code = code;
  }

  @com.fasterxml.jackson.annotation.JsonValue
  public String code() {
    return code;
  }

  public boolean atLeast(DriveRole other) {
    return ordinal() >= other.ordinal();
  }

  public static Optional<DriveRole> fromCode(String code) {
    for (DriveRole r : values()) {
      if (r.code.equals(code)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
