package dev.musubi.identity.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.platform.Jdbc;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Admin scopes (departments a member admin may act on) and custom roles. Scoped by tenant. */
@Repository
public class AdminAccessStore {

  /** A custom role as stored: permissions are codes separated by commas. */
  public record CustomRoleRow(
      UUID id, UUID tenantId, String name, String permissions, Instant createdAt) {}

  private static final RowMapper<CustomRoleRow> ROLE =
      (rs, n) ->
          new CustomRoleRow(
              rs.getObject("id", UUID.class),
              rs.getObject("tenant_id", UUID.class),
              rs.getString("name"),
              rs.getString("permissions"),
              Jdbc.requiredInstant(rs, "created_at"));

  private final JdbcClient jdbc;

  AdminAccessStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  // Scopes ------------------------------------------------------------------------------------

  /** The departments given as the member's admin scope (without sub-departments). */
  public List<UUID> scopeRoots(UUID tenantId, UUID memberId) {
    return jdbc.sql("SELECT department_id FROM admin_scope WHERE tenant_id = ? AND member_id = ?")
        .params(tenantId, memberId)
        .query(UUID.class)
        .list();
  }

  public Map<UUID, List<UUID>> scopeRootsOf(UUID tenantId) {
    Map<UUID, List<UUID>> result = new HashMap<>();
    jdbc.sql("SELECT member_id, department_id FROM admin_scope WHERE tenant_id = ?")
        .param(tenantId)
        .query(
            rs -> {
              result
                  .computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                  .add(rs.getObject(2, UUID.class));
            });
    return result;
  }

  public void setScope(UUID tenantId, UUID memberId, Collection<UUID> departmentIds) {
    jdbc.sql("DELETE FROM admin_scope WHERE tenant_id = ? AND member_id = ?")
        .params(tenantId, memberId)
        .update();
    for (UUID d : departmentIds) {
      jdbc.sql("INSERT INTO admin_scope (tenant_id, member_id, department_id) VALUES (?, ?, ?)")
          .params(tenantId, memberId, d)
          .update();
    }
  }

  /** The given departments and every department below them. */
  public Set<UUID> withDescendants(UUID tenantId, Collection<UUID> roots) {
    Map<UUID, List<UUID>> children = new HashMap<>();
    jdbc.sql("SELECT id, parent_id FROM department WHERE tenant_id = ?")
        .param(tenantId)
        .query(
            rs -> {
              UUID parent = rs.getObject(2, UUID.class);
              if (parent != null) {
                children
                    .computeIfAbsent(parent, k -> new ArrayList<>())
                    .add(rs.getObject(1, UUID.class));
              }
            });
    Set<UUID> result = new LinkedHashSet<>();
    Deque<UUID> pending = new ArrayDeque<>(roots);
    while (!pending.isEmpty()) {
      UUID d = pending.pop();
      if (result.add(d)) {
        pending.addAll(children.getOrDefault(d, List.of()));
      }
    }
    return result;
  }

  public boolean departmentExists(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT COUNT(*) FROM department WHERE tenant_id = ? AND id = ?")
            .params(tenantId, id)
            .query(Long.class)
            .single()
        > 0;
  }

  /** The departments a member belongs to. */
  public Set<UUID> departmentsOfMember(UUID tenantId, UUID memberId) {
    return new HashSet<>(
        jdbc.sql(
                "SELECT department_id FROM member_department WHERE tenant_id = ? AND member_id = ?")
            .params(tenantId, memberId)
            .query(UUID.class)
            .list());
  }

  // Custom roles ------------------------------------------------------------------------------

  public List<CustomRoleRow> roles(UUID tenantId) {
    return jdbc.sql("SELECT * FROM custom_role WHERE tenant_id = ? ORDER BY name")
        .param(tenantId)
        .query(ROLE)
        .list();
  }

  public Optional<CustomRoleRow> role(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM custom_role WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(ROLE)
        .optional();
  }

  public boolean nameTaken(UUID tenantId, String name, UUID except) {
    return jdbc.sql(
                "SELECT COUNT(*) FROM custom_role WHERE tenant_id = ? AND LOWER(name) = ?"
                    + " AND id <> ?")
            .params(tenantId, name.toLowerCase(java.util.Locale.ROOT), except)
            .query(Long.class)
            .single()
        > 0;
  }

  public void insertRole(CustomRoleRow r) {
    jdbc.sql(
            "INSERT INTO custom_role (id, tenant_id, name, permissions, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)")
        .params(
            r.id(), r.tenantId(), r.name(), r.permissions(), ts(r.createdAt()), ts(r.createdAt()))
        .update();
  }

  public void updateRole(UUID tenantId, UUID id, String name, String permissions, Instant now) {
    jdbc.sql(
            "UPDATE custom_role SET name = ?, permissions = ?, updated_at = ?"
                + " WHERE tenant_id = ? AND id = ?")
        .params(name, permissions, ts(now), tenantId, id)
        .update();
  }

  public void deleteRole(UUID tenantId, UUID id) {
    jdbc.sql("DELETE FROM member_custom_role WHERE tenant_id = ? AND role_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM custom_role WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .update();
  }

  public long holders(UUID tenantId, UUID roleId) {
    return jdbc.sql("SELECT COUNT(*) FROM member_custom_role WHERE tenant_id = ? AND role_id = ?")
        .params(tenantId, roleId)
        .query(Long.class)
        .single();
  }

  public List<UUID> holdersOf(UUID tenantId, UUID roleId) {
    return jdbc.sql("SELECT member_id FROM member_custom_role WHERE tenant_id = ? AND role_id = ?")
        .params(tenantId, roleId)
        .query(UUID.class)
        .list();
  }

  /** The custom roles a member holds. */
  public List<CustomRoleRow> rolesOfMember(UUID tenantId, UUID memberId) {
    return jdbc.sql(
            "SELECT cr.* FROM custom_role cr JOIN member_custom_role m ON m.role_id = cr.id"
                + " WHERE m.tenant_id = ? AND m.member_id = ? ORDER BY cr.name")
        .params(tenantId, memberId)
        .query(ROLE)
        .list();
  }

  public void setMemberRoles(UUID tenantId, UUID memberId, Collection<UUID> roleIds) {
    jdbc.sql("DELETE FROM member_custom_role WHERE tenant_id = ? AND member_id = ?")
        .params(tenantId, memberId)
        .update();
    for (UUID r : roleIds) {
      jdbc.sql("INSERT INTO member_custom_role (tenant_id, member_id, role_id) VALUES (?, ?, ?)")
          .params(tenantId, memberId, r)
          .update();
    }
  }

  /** Removes every admin grant of a member (purge). */
  public void clearMember(UUID tenantId, UUID memberId) {
    setScope(tenantId, memberId, List.of());
    setMemberRoles(tenantId, memberId, List.of());
  }
}
