package dev.musubi.identity;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.internal.Fields;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The company's department tree. Members read it; member admins change it. */
@Service
public class Departments {

  private static final RowMapper<Department> ROW =
      (rs, n) ->
          new Department(
              rs.getObject("id", UUID.class),
              rs.getObject("parent_id", UUID.class),
              rs.getString("name"),
              rs.getString("name_reading"),
              rs.getInt("sort_order"));

  private final JdbcClient jdbc;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;
  private final AdminAccess access;

  private final org.springframework.context.ApplicationEventPublisher events;

  Departments(
      JdbcClient jdbc,
      AuditTrail audit,
      Ids ids,
      Clock clock,
      AdminAccess access,
      org.springframework.context.ApplicationEventPublisher events) {
    this.access = access;
    this.events = events;
    this.jdbc = jdbc;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  /** Every department of the caller's company, parents before children by sort order. */
  public List<Department> list(UUID tenantId) {
    return jdbc.sql(
            "SELECT * FROM department WHERE tenant_id = ? ORDER BY sort_order, name_reading, name")
        .param(tenantId)
        .query(ROW)
        .list();
  }

  public Optional<Department> find(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM department WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(ROW)
        .optional();
  }

  @Transactional
  public Department create(
      MemberPrincipal actor,
      String name,
      @Nullable String reading,
      @Nullable UUID parentId,
      int sortOrder) {
    requireAdmin(actor);
    if (access.scope(actor) != null) {
      if (parentId == null) {
        throw Problems.invalid(
            "parentId", "out_of_scope", "Create departments inside one you administer.");
      }
      access.checkDepartment(actor, parentId, "create_department");
    }
    return createIn(
        actor.tenantId(), name, reading, parentId, sortOrder, actor.memberId(), actor.loginId());
  }

  /** Creates a department without a signed-in admin (demo data). */
  @Transactional
  public Department createIn(
      UUID tenantId,
      String name,
      @Nullable String reading,
      @Nullable UUID parentId,
      int sortOrder,
      @Nullable UUID actorId,
      String actorLogin) {
    List<FieldError> errors = new ArrayList<>();
    Fields.text(errors, "name", name, 1, 200);
    Fields.text(errors, "nameReading", reading, 0, 200);
    if (parentId != null && find(tenantId, parentId).isEmpty()) {
      errors.add(new FieldError("parentId", "unknown_department", "No such department."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    Department d =
        new Department(ids.next(), parentId, name.strip(), Fields.orEmpty(reading), sortOrder);
    jdbc.sql(
            "INSERT INTO department (id, tenant_id, parent_id, name, name_reading, sort_order,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(
            d.id(),
            tenantId,
            d.parentId(),
            d.name(),
            d.nameReading(),
            d.sortOrder(),
            ts(clock.instant()))
        .update();
    audit.record(
        AuditRecord.of(tenantId, AuditAction.DEPARTMENT_CREATED)
            .actor(actorId, actorLogin)
            .target("department", d.id())
            .with("name", d.name()));
    return d;
  }

  @Transactional
  public Department update(
      MemberPrincipal actor,
      UUID id,
      @Nullable String name,
      @Nullable String reading,
      @Nullable UUID parentId,
      @Nullable Integer sortOrder) {
    requireAdmin(actor);
    Department d = find(actor.tenantId(), id).orElseThrow(Problems::notFound);
    access.checkDepartment(actor, id, "update_department");
    if (parentId != null && find(actor.tenantId(), parentId).isPresent()) {
      access.checkDepartment(actor, parentId, "move_department");
    }
    List<FieldError> errors = new ArrayList<>();
    if (name != null) {
      Fields.text(errors, "name", name, 1, 200);
    }
    Fields.text(errors, "nameReading", reading, 0, 200);
    UUID newParent = parentId == null ? d.parentId() : parentId;
    if (parentId != null) {
      if (find(actor.tenantId(), parentId).isEmpty()) {
        errors.add(new FieldError("parentId", "unknown_department", "No such department."));
      } else if (isSelfOrDescendant(actor.tenantId(), id, parentId)) {
        errors.add(new FieldError("parentId", "cycle", "A department cannot move under itself."));
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    Department changed =
        new Department(
            id,
            newParent,
            name == null ? d.name() : name.strip(),
            reading == null ? d.nameReading() : reading.strip(),
            sortOrder == null ? d.sortOrder() : sortOrder);
    jdbc.sql(
            "UPDATE department SET parent_id = ?, name = ?, name_reading = ?, sort_order = ?"
                + " WHERE tenant_id = ? AND id = ?")
        .params(
            changed.parentId(),
            changed.name(),
            changed.nameReading(),
            changed.sortOrder(),
            actor.tenantId(),
            id)
        .update();
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.DEPARTMENT_UPDATED)
            .actor(actor.memberId(), actor.loginId())
            .target("department", id));
    events.publishEvent(new DepartmentMembershipChanged(actor.tenantId(), null));
    return changed;
  }

  /** Deletes an empty department (no members, no sub-departments); 409 otherwise. */
  @Transactional
  public void delete(MemberPrincipal actor, UUID id) {
    requireAdmin(actor);
    find(actor.tenantId(), id).orElseThrow(Problems::notFound);
    access.checkDepartment(actor, id, "delete_department");
    long scopes =
        jdbc.sql("SELECT COUNT(*) FROM admin_scope WHERE tenant_id = ? AND department_id = ?")
            .params(actor.tenantId(), id)
            .query(Long.class)
            .single();
    if (scopes > 0) {
      throw Problems.conflict(
          "admin-scope", "The department is part of an admin's scope; change that scope first.");
    }
    long children =
        jdbc.sql("SELECT COUNT(*) FROM department WHERE tenant_id = ? AND parent_id = ?")
            .params(actor.tenantId(), id)
            .query(Long.class)
            .single();
    long people =
        jdbc.sql("SELECT COUNT(*) FROM member_department WHERE tenant_id = ? AND department_id = ?")
            .params(actor.tenantId(), id)
            .query(Long.class)
            .single();
    if (children > 0 || people > 0) {
      throw Problems.conflict("not-empty", "The department still has members or sub-departments.");
    }
    jdbc.sql("DELETE FROM department WHERE tenant_id = ? AND id = ?")
        .params(actor.tenantId(), id)
        .update();
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.DEPARTMENT_DELETED)
            .actor(actor.memberId(), actor.loginId())
            .target("department", id));
  }

  /**
   * Merges a department into another: its members, sub-departments and admin scopes move to the
   * target, then it is removed. The target may not lie under the source.
   */
  @Transactional
  public Department merge(MemberPrincipal actor, UUID id, @Nullable UUID into) {
    requireAdmin(actor);
    Department source = find(actor.tenantId(), id).orElseThrow(Problems::notFound);
    access.checkDepartment(actor, id, "merge_department");
    if (into == null) {
      throw Problems.invalid("into", "required", "Choose the department to merge into.");
    }
    Department target =
        find(actor.tenantId(), into)
            .orElseThrow(
                () -> Problems.invalid("into", "unknown_department", "No such department."));
    access.checkDepartment(actor, into, "merge_department");
    if (isSelfOrDescendant(actor.tenantId(), id, into)) {
      throw Problems.invalid(
          "into", "cycle", "A department cannot merge into itself or one below it.");
    }
    UUID t = actor.tenantId();
    // Members already in the target keep their place there; the others move.
    jdbc.sql(
            "DELETE FROM member_department WHERE tenant_id = ? AND department_id = ?"
                + " AND member_id IN (SELECT member_id FROM member_department"
                + " WHERE tenant_id = ? AND department_id = ?)")
        .params(t, id, t, into)
        .update();
    int moved =
        jdbc.sql(
                "UPDATE member_department SET department_id = ? WHERE tenant_id = ?"
                    + " AND department_id = ?")
            .params(into, t, id)
            .update();
    jdbc.sql(
            "DELETE FROM admin_scope WHERE tenant_id = ? AND department_id = ?"
                + " AND member_id IN (SELECT member_id FROM admin_scope"
                + " WHERE tenant_id = ? AND department_id = ?)")
        .params(t, id, t, into)
        .update();
    jdbc.sql("UPDATE admin_scope SET department_id = ? WHERE tenant_id = ? AND department_id = ?")
        .params(into, t, id)
        .update();
    jdbc.sql("UPDATE department SET parent_id = ? WHERE tenant_id = ? AND parent_id = ?")
        .params(into, t, id)
        .update();
    jdbc.sql("DELETE FROM department WHERE tenant_id = ? AND id = ?").params(t, id).update();
    audit.record(
        AuditRecord.of(t, AuditAction.DEPARTMENT_MERGED)
            .actor(actor.memberId(), actor.loginId())
            .target("department", id)
            .with("name", source.name())
            .with("into", into)
            .with("members", moved));
    events.publishEvent(new DepartmentMembershipChanged(actor.tenantId(), null));
    return target;
  }

  private boolean isSelfOrDescendant(UUID tenantId, UUID id, UUID candidate) {
    UUID cursor = candidate;
    for (int depth = 0; cursor != null && depth < 1000; depth++) {
      if (cursor.equals(id)) {
        return true;
      }
      cursor = find(tenantId, cursor).map(Department::parentId).orElse(null);
    }
    return false;
  }

  private void requireAdmin(MemberPrincipal actor) {
    access.require(actor, Permission.DEPARTMENTS_WRITE);
  }
}
