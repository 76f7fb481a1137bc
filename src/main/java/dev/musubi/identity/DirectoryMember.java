package dev.musubi.identity;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A colleague as the directory shows them: no status, roles or security data.
 *
 * @param nameRomaji Hepburn romaji of the name (from the reading unless set explicitly)
 * @param manager the member's manager, or null
 * @param photo the version (SHA-256) of the member's photo, served at {@code
 *     /api/v1/directory/members/{id}/photo}, or null when they have none
 */
public record DirectoryMember(
    UUID id,
    String loginId,
    String displayName,
    String familyName,
    String givenName,
    String familyNameReading,
    String givenNameReading,
    String nameRomaji,
    String email,
    String phone,
    String extension,
    String office,
    String title,
    @Nullable Person manager,
    List<Placement> departments,
    @Nullable String photo) {

  /** A member named on a card (manager, direct report). */
  public record Person(UUID id, String displayName, String title) {}

  /** A member's place in a department, with the department's path from the top. */
  public record Placement(
      UUID id, String name, String position, boolean primary, List<String> path) {}
}
