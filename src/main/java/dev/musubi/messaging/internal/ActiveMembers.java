package dev.musubi.messaging.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which of some member IDs are active members of a company.
 *
 * <p>Stopgap: identity's public API has no lookup by ID for non-admins yet, so this reads the
 * identity module's {@code member} table (read only, two columns). Replace with an identity service
 * method (e.g. {@code Members.activeAmong(tenantId, ids)}) when it exists.
 */
@Component
public class ActiveMembers {

  private final JdbcClient jdbc;

  ActiveMembers(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The subset of {@code ids} that are active members of the company; never null. */
  public Set<UUID> activeAmong(UUID tenantId, Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    params.addAll(ids);
    return new HashSet<>(
        jdbc.sql(
                "SELECT id FROM member WHERE tenant_id = ? AND status = 'ACTIVE' AND id IN ("
                    + String.join(", ", java.util.Collections.nCopies(ids.size(), "?"))
                    + ")")
            .params(params)
            .query((rs, i) -> rs.getObject(1, UUID.class))
            .list());
  }
}
