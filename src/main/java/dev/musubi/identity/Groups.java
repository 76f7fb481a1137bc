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
import java.text.Normalizer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Custom groups: named sets of members across departments (a project, a committee, an on-call
 * rota). Every member can read them in the directory; member admins with the whole company in their
 * scope keep them (a department-scoped admin could otherwise place people outside their scope).
 * Deleted members drop out of their groups when purged; until then they are not listed.
 */
@Service
public class Groups {

  /** At most this many members in one group. */
  public static final int MAX_MEMBERS = 10_000;

  /** A group with the IDs of its members who are not deleted. */
  public record Group(UUID id, String name, String description, List<UUID> memberIds) {}

  private final JdbcClient jdbc;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;
  private final AdminAccess access;

  Groups(JdbcClient jdbc, AuditTrail audit, Ids ids, Clock clock, AdminAccess access) {
    this.jdbc = jdbc;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
    this.access = access;
  }

  /** Every group of the company, by name. */
  public List<Group> list(UUID tenantId) {
    return load(tenantId, null);
  }

  /** One group of the company, or empty (another company's ID included). */
  public Optional<Group> find(UUID tenantId, UUID id) {
    return load(tenantId, id).stream().findFirst();
  }

  /** The groups the member belongs to (their IDs), read each time so that changes apply at once. */
  public List<UUID> groupsOf(UUID tenantId, UUID memberId) {
    return jdbc.sql(
            "SELECT group_id FROM member_group_member WHERE tenant_id = ? AND member_id = ?")
        .params(tenantId, memberId)
        .query(UUID.class)
        .list();
  }

  /**
   * The members of one of the company's groups who are active now (not suspended, not deleted), or
   * empty when the company has no such group (another company's ID included). For features that
   * take a group's members at one moment (adding them to a talk room) or at read time (calendar
   * sharing).
   */
  public Optional<Set<UUID>> activeMembers(UUID tenantId, UUID groupId) {
    boolean exists =
        jdbc.sql("SELECT COUNT(*) FROM member_group WHERE tenant_id = ? AND id = ?")
                .params(tenantId, groupId)
                .query(Long.class)
                .single()
            > 0;
    if (!exists) {
      return Optional.empty();
    }
    return Optional.of(
        new LinkedHashSet<>(
            jdbc.sql(
                    "SELECT gm.member_id FROM member_group_member gm JOIN member m ON m.id ="
                        + " gm.member_id WHERE gm.tenant_id = ? AND gm.group_id = ?"
                        + " AND m.tenant_id = ? AND m.status = 'ACTIVE' ORDER BY gm.member_id")
                .params(tenantId, groupId, tenantId)
                .query(UUID.class)
                .list()));
  }

  /** The company's groups, or only the one with {@code onlyId}, with their members. */
  private List<Group> load(UUID tenantId, @Nullable UUID onlyId) {
    String one = onlyId == null ? "" : " AND id = ?";
    Object[] params = onlyId == null ? new Object[] {tenantId} : new Object[] {tenantId, onlyId};
    Map<UUID, Group> groups = new LinkedHashMap<>();
    jdbc.sql(
            "SELECT id, name, description FROM member_group WHERE tenant_id = ?"
                + one
                + " ORDER BY name_key, id")
        .params(params)
        .query(
            rs -> {
              UUID id = rs.getObject("id", UUID.class);
              groups.put(
                  id,
                  new Group(
                      id, rs.getString("name"), rs.getString("description"), new ArrayList<>()));
            });
    if (groups.isEmpty()) {
      return List.of();
    }
    jdbc.sql(
            "SELECT gm.group_id, gm.member_id FROM member_group_member gm JOIN member m ON m.id ="
                + " gm.member_id WHERE gm.tenant_id = ? AND m.status <> 'DELETED'"
                + (onlyId == null ? "" : " AND gm.group_id = ?"))
        .params(params)
        .query(
            rs -> {
              Group g = groups.get(rs.getObject("group_id", UUID.class));
              if (g != null) {
                g.memberIds().add(rs.getObject("member_id", UUID.class));
              }
            });
    return List.copyOf(groups.values());
  }

  @Transactional
  public Group create(
      MemberPrincipal actor,
      @Nullable String name,
      @Nullable String description,
      @Nullable List<UUID> memberIds) {
    requireAdmin(actor, null, "create_group");
    List<FieldError> errors = new ArrayList<>();
    Fields.text(errors, "name", name == null ? null : name.strip(), 1, 100);
    Fields.text(errors, "description", description, 0, 1000);
    Set<UUID> members = checkMembers(actor.tenantId(), memberIds, errors);
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    UUID id = ids.next();
    String clean = name.strip();
    try {
      jdbc.sql(
              "INSERT INTO member_group (id, tenant_id, name, name_key, description, created_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?)")
          .params(
              id,
              actor.tenantId(),
              clean,
              key(clean),
              Fields.orEmpty(description).strip(),
              ts(clock.instant()))
          .update();
    } catch (DuplicateKeyException e) {
      throw taken();
    }
    setMembers(actor.tenantId(), id, members);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.GROUP_CREATED)
            .actor(actor.memberId(), actor.loginId())
            .target("group", id)
            .with("name", clean)
            .with("members", members.size()));
    return find(actor.tenantId(), id).orElseThrow();
  }

  /** Changes what is given (null leaves a field as it is); {@code memberIds} replaces the set. */
  @Transactional
  public Group update(
      MemberPrincipal actor,
      UUID id,
      @Nullable String name,
      @Nullable String description,
      @Nullable List<UUID> memberIds) {
    requireAdmin(actor, id, "update_group");
    Group before = find(actor.tenantId(), id).orElseThrow(Problems::notFound);
    List<FieldError> errors = new ArrayList<>();
    if (name != null) {
      Fields.text(errors, "name", name.strip(), 1, 100);
    }
    Fields.text(errors, "description", description, 0, 1000);
    Set<UUID> members =
        memberIds == null ? null : checkMembers(actor.tenantId(), memberIds, errors);
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    String newName = name == null ? before.name() : name.strip();
    try {
      jdbc.sql(
              "UPDATE member_group SET name = ?, name_key = ?, description = ? WHERE tenant_id = ?"
                  + " AND id = ?")
          .params(
              newName,
              key(newName),
              description == null ? before.description() : description.strip(),
              actor.tenantId(),
              id)
          .update();
    } catch (DuplicateKeyException e) {
      throw taken();
    }
    AuditRecord record =
        AuditRecord.of(actor.tenantId(), AuditAction.GROUP_UPDATED)
            .actor(actor.memberId(), actor.loginId())
            .target("group", id)
            .with("name", newName);
    if (members != null) {
      Set<UUID> old = new LinkedHashSet<>(before.memberIds());
      long added = members.stream().filter(m -> !old.contains(m)).count();
      long removed = old.stream().filter(m -> !members.contains(m)).count();
      jdbc.sql("DELETE FROM member_group_member WHERE tenant_id = ? AND group_id = ?")
          .params(actor.tenantId(), id)
          .update();
      setMembers(actor.tenantId(), id, members);
      record = record.with("added", added).with("removed", removed);
    }
    audit.record(record);
    return find(actor.tenantId(), id).orElseThrow();
  }

  @Transactional
  public void delete(MemberPrincipal actor, UUID id) {
    requireAdmin(actor, id, "delete_group");
    Group g = find(actor.tenantId(), id).orElseThrow(Problems::notFound);
    jdbc.sql("DELETE FROM member_group WHERE tenant_id = ? AND id = ?")
        .params(actor.tenantId(), id)
        .update();
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.GROUP_DELETED)
            .actor(actor.memberId(), actor.loginId())
            .target("group", id)
            .with("name", g.name()));
  }

  private Set<UUID> checkMembers(
      UUID tenantId, @Nullable List<UUID> memberIds, List<FieldError> errors) {
    Set<UUID> wanted = new LinkedHashSet<>();
    if (memberIds == null) {
      return wanted;
    }
    if (memberIds.size() > MAX_MEMBERS) {
      errors.add(new FieldError("memberIds", "too_many", "At most " + MAX_MEMBERS + " members."));
      return wanted;
    }
    for (UUID m : memberIds) {
      if (m == null) {
        errors.add(new FieldError("memberIds", "unknown_member", "No such member."));
        return wanted;
      }
      wanted.add(m);
    }
    if (wanted.isEmpty()) {
      return wanted;
    }
    // One query for the whole set: members of this company who are not deleted.
    Set<UUID> known =
        new java.util.HashSet<>(
            jdbc.sql("SELECT id FROM member WHERE tenant_id = ? AND status <> 'DELETED'")
                .param(tenantId)
                .query(UUID.class)
                .list());
    if (!known.containsAll(wanted)) {
      errors.add(new FieldError("memberIds", "unknown_member", "No such member."));
    }
    return wanted;
  }

  private void setMembers(UUID tenantId, UUID groupId, Set<UUID> members) {
    for (UUID m : members) {
      jdbc.sql("INSERT INTO member_group_member (group_id, member_id, tenant_id) VALUES (?, ?, ?)")
          .params(groupId, m, tenantId)
          .update();
    }
  }

  private void requireAdmin(MemberPrincipal actor, @Nullable UUID groupId, String action) {
    access.require(actor, Permission.DEPARTMENTS_WRITE);
    access.requireWholeCompany(
        actor, "group", groupId == null ? actor.tenantId() : groupId, action);
  }

  private static String key(String name) {
    return Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
  }

  private static RuntimeException taken() {
    return Problems.invalid("name", "taken", "Another group has this name.");
  }
}
