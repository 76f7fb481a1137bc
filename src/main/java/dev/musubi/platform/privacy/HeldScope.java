package dev.musubi.platform.privacy;

import java.util.Set;
import java.util.UUID;

/**
 * What is under legal hold in one company: members (everything they wrote or own) and talk rooms.
 * Held data must survive retention and erasure until the hold is released.
 *
 * @param members members under hold
 * @param rooms talk rooms under hold
 */
public record HeldScope(Set<UUID> members, Set<UUID> rooms) {

  public HeldScope {
    members = Set.copyOf(members);
    rooms = Set.copyOf(rooms);
  }

  /** Nothing held. */
  public static HeldScope none() {
    return new HeldScope(Set.of(), Set.of());
  }

  public boolean memberHeld(UUID memberId) {
    return members.contains(memberId);
  }

  public boolean roomHeld(UUID roomId) {
    return rooms.contains(roomId);
  }
}
