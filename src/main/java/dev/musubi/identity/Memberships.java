package dev.musubi.identity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Read-only questions other modules ask about who is an active member and who belongs to which
 * department. Every query is scoped to one company.
 */
@Service
public class Memberships {

  private final JdbcClient jdbc;

  Memberships(JdbcClient jdbc) {
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
                    + String.join(", ", Collections.nCopies(ids.size(), "?"))
                    + ")")
            .params(params)
            .query((rs, i) -> rs.getObject(1, UUID.class))
            .list());
  }

  /** Whether the member is an active member of the company. */
  public boolean isActive(UUID tenantId, UUID memberId) {
    return !activeAmong(tenantId, List.of(memberId)).isEmpty();
  }

  /**
   * The department and, with {@code includeSubDepartments}, every department below it; empty when
   * the department is not the company's.
   */
  public Set<UUID> departmentSubtree(
      UUID tenantId, UUID departmentId, boolean includeSubDepartments) {
    Map<UUID, List<UUID>> children = new HashMap<>();
    Set<UUID> all = new HashSet<>();
    jdbc.sql("SELECT id, parent_id FROM department WHERE tenant_id = ?")
        .param(tenantId)
        .query(
            (rs, i) -> {
              UUID id = rs.getObject(1, UUID.class);
              UUID parent = rs.getObject(2, UUID.class);
              all.add(id);
              if (parent != null) {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(id);
              }
              return id;
            })
        .list();
    Set<UUID> result = new LinkedHashSet<>();
    if (!all.contains(departmentId)) {
      return result;
    }
    List<UUID> queue = new ArrayList<>(List.of(departmentId));
    while (!queue.isEmpty()) {
      UUID d = queue.remove(queue.size() - 1);
      if (result.add(d) && includeSubDepartments) {
        queue.addAll(children.getOrDefault(d, List.of()));
      }
    }
    return result;
  }

  /**
   * The active members placed in the department (and, with {@code includeSubDepartments}, in any
   * department below it).
   */
  public Set<UUID> activeMembersOfDepartment(
      UUID tenantId, UUID departmentId, boolean includeSubDepartments) {
    Set<UUID> departments = departmentSubtree(tenantId, departmentId, includeSubDepartments);
    if (departments.isEmpty()) {
      return Set.of();
    }
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    params.add(tenantId);
    params.addAll(departments);
    return new LinkedHashSet<>(
        jdbc.sql(
                "SELECT DISTINCT md.member_id FROM member_department md JOIN member m"
                    + " ON m.id = md.member_id AND m.tenant_id = md.tenant_id"
                    + " WHERE md.tenant_id = ? AND m.tenant_id = ? AND m.status = 'ACTIVE'"
                    + " AND md.department_id IN ("
                    + String.join(", ", Collections.nCopies(departments.size(), "?"))
                    + ")")
            .params(params)
            .query((rs, i) -> rs.getObject(1, UUID.class))
            .list());
  }
}
