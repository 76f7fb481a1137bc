package dev.musubi.messaging.internal;

import dev.musubi.identity.Memberships;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Which of some member IDs are active members of a company, asked of identity. */
@Component
public class ActiveMembers {

  private final Memberships memberships;

  ActiveMembers(Memberships memberships) {
    this.memberships = memberships;
  }

  /** The subset of {@code ids} that are active members of the company; never null. */
  public Set<UUID> activeAmong(UUID tenantId, Collection<UUID> ids) {
    return memberships.activeAmong(tenantId, ids);
  }
}
