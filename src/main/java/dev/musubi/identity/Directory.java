package dev.musubi.identity;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.internal.DirectoryIndex;
import dev.musubi.identity.internal.Fields;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The company directory as colleagues see it: the department tree with member counts, member search
 * by name, reading (any kana, any width, with or without spaces), romaji, email and phone digits,
 * sorted in 五十音順, and profile cards. Every method reads only the caller's company; another
 * company's IDs answer 404.
 */
@Service
public class Directory {

  private static final int MAX_QUERY = 200;

  private final JdbcClient jdbc;
  private final DirectoryIndex index;
  private final AuditTrail audit;
  private final Clock clock;

  Directory(JdbcClient jdbc, DirectoryIndex index, AuditTrail audit, Clock clock) {
    this.jdbc = jdbc;
    this.index = index;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Every department, parents before children (siblings by sort order, then 五十音順), with depth, path
   * and member counts. With a query, only the departments whose name or reading matches.
   */
  public List<DirectoryDepartment> departments(MemberPrincipal actor, @Nullable String query) {
    checkQuery(query);
    List<DirectoryDepartment> flat = new ArrayList<>();
    for (DirectoryDepartment root : tree(actor)) {
      flatten(root, flat);
    }
    if (query == null || query.isBlank()) {
      return flat;
    }
    DirectoryIndex.Query q = DirectoryIndex.Query.of(query);
    return flat.stream()
        .filter(
            d -> {
              String text =
                  DirectoryText.fold(d.name()) + "\u0000" + DirectoryText.fold(d.nameReading());
              return (!q.text().isEmpty() && text.contains(q.text()))
                  || (!q.romaji().isEmpty()
                      && DirectoryText.romaji(d.nameReading()).contains(q.romaji()));
            })
        .toList();
  }

  /** The department tree: top-level departments, each with its children, at any depth. */
  public List<DirectoryDepartment> tree(MemberPrincipal actor) {
    UUID tenant = actor.tenantId();
    List<Department> all =
        jdbc.sql("SELECT * FROM department WHERE tenant_id = ?")
            .param(tenant)
            .query(
                (rs, n) ->
                    new Department(
                        rs.getObject("id", UUID.class),
                        rs.getObject("parent_id", UUID.class),
                        rs.getString("name"),
                        rs.getString("name_reading"),
                        rs.getInt("sort_order")))
            .list();
    Map<UUID, Integer> direct = new HashMap<>();
    jdbc.sql(
            "SELECT md.department_id AS d, COUNT(*) AS n FROM member_department md"
                + " JOIN member m ON m.id = md.member_id"
                + " WHERE md.tenant_id = ? AND m.tenant_id = ? AND m.status = 'ACTIVE'"
                + " GROUP BY md.department_id")
        .params(tenant, tenant)
        .query(
            rs -> {
              direct.put(rs.getObject("d", UUID.class), rs.getInt("n"));
            });
    Map<UUID, List<Department>> byParent = new HashMap<>();
    Set<UUID> ids = new HashSet<>();
    all.forEach(d -> ids.add(d.id()));
    Comparator<Department> order =
        Comparator.comparingInt(Department::sortOrder)
            .thenComparing((a, b) -> DirectoryText.compareReadings(reading(a), reading(b)))
            .thenComparing(Department::name);
    for (Department d : all) {
      // A parent outside the company cannot happen; treat it as top level all the same.
      UUID parent = d.parentId() != null && ids.contains(d.parentId()) ? d.parentId() : null;
      byParent.computeIfAbsent(parent, k -> new ArrayList<>()).add(d);
    }
    byParent.values().forEach(list -> list.sort(order));
    return build(null, byParent, direct, 0, List.of(), new HashSet<>());
  }

  /**
   * Searches active members. {@code department} narrows to a department and (unless {@code
   * directOnly}) every department below it.
   */
  public PageResult<DirectoryMember> search(
      MemberPrincipal actor,
      @Nullable String query,
      @Nullable UUID department,
      boolean directOnly,
      int page,
      int size) {
    PageResult.check(page, size, 200);
    checkQuery(query);
    UUID tenant = actor.tenantId();
    Set<UUID> inDepartment = null;
    if (department != null) {
      Set<UUID> departments = new HashSet<>();
      departments.add(department);
      if (!directOnly) {
        collectBelow(tree(actor), department, false, departments);
      }
      if (!exists(tenant, department)) {
        throw Problems.notFound();
      }
      inDepartment = membersOf(tenant, departments);
    }
    DirectoryIndex.Query q =
        query == null || query.isBlank() ? null : DirectoryIndex.Query.of(query);
    List<DirectoryIndex.Entry> matches = new ArrayList<>();
    for (DirectoryIndex.Entry e : index.members(tenant)) {
      if (inDepartment != null && !inDepartment.contains(e.id())) {
        continue;
      }
      if (q != null && !e.matches(q)) {
        continue;
      }
      matches.add(e);
    }
    int from = (int) Math.min((long) page * size, matches.size());
    int to = Math.min(from + size, matches.size());
    return new PageResult<>(views(tenant, matches.subList(from, to)), page, size, matches.size());
  }

  /** A member's profile card; 404 for anyone not active in the caller's company. */
  public DirectoryProfile profile(MemberPrincipal actor, UUID memberId) {
    UUID tenant = actor.tenantId();
    List<DirectoryIndex.Entry> all = index.members(tenant);
    DirectoryIndex.Entry e =
        all.stream()
            .filter(m -> m.id().equals(memberId))
            .findFirst()
            .orElseThrow(Problems::notFound);
    List<DirectoryMember.Person> reports =
        all.stream()
            .filter(m -> memberId.equals(m.managerId()))
            .map(m -> new DirectoryMember.Person(m.id(), m.displayName(), m.title()))
            .toList();
    return new DirectoryProfile(views(tenant, List.of(e)).get(0), reports);
  }

  /**
   * Changes the directory profile. Member admins may change anyone's; a member may change their own
   * extension, office, title and romaji but not their manager.
   */
  @Transactional
  public DirectoryProfile updateProfile(
      MemberPrincipal actor, UUID memberId, DirectoryProfileChanges c) {
    boolean admin = actor.hasAny(Role.SUPER_ADMIN, Role.MEMBER_ADMIN);
    boolean self = actor.memberId().equals(memberId);
    UUID tenant = actor.tenantId();
    long found =
        jdbc.sql("SELECT COUNT(*) FROM member WHERE tenant_id = ? AND id = ? AND status = 'ACTIVE'")
            .params(tenant, memberId)
            .query(Long.class)
            .single();
    if (found == 0) {
      throw Problems.notFound();
    }
    if (!admin && !self) {
      throw Problems.forbidden("Only member admins can change another member's profile.");
    }
    List<FieldError> errors = new ArrayList<>();
    Fields.text(errors, "extension", c.extension(), 0, 20);
    if (c.extension() != null
        && !c.extension().isBlank()
        && !DirectoryText.isPhoneLike(c.extension())) {
      errors.add(new FieldError("extension", "format", "Digits only."));
    }
    Fields.text(errors, "office", c.office(), 0, 200);
    Fields.text(errors, "title", c.title(), 0, 100);
    Fields.text(errors, "nameRomaji", c.nameRomaji(), 0, 200);
    if (c.managerId() != null || c.clearManager()) {
      if (!admin) {
        throw Problems.forbidden("Only member admins can set a manager.");
      }
      if (c.managerId() != null) {
        if (c.managerId().equals(memberId)) {
          errors.add(new FieldError("managerId", "self", "A member cannot manage themselves."));
        } else if (jdbc.sql(
                    "SELECT COUNT(*) FROM member WHERE tenant_id = ? AND id = ?"
                        + " AND status = 'ACTIVE'")
                .params(tenant, c.managerId())
                .query(Long.class)
                .single()
            == 0) {
          errors.add(new FieldError("managerId", "unknown_member", "No such member."));
        } else if (managesIndirectly(tenant, memberId, c.managerId())) {
          errors.add(new FieldError("managerId", "cycle", "That would make a reporting loop."));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    List<String> changed = new ArrayList<>();
    update(tenant, memberId, "extension", c.extension(), changed);
    update(tenant, memberId, "office", c.office(), changed);
    update(tenant, memberId, "job_title", c.title(), changed);
    update(tenant, memberId, "name_romaji", c.nameRomaji(), changed);
    if (c.managerId() != null || c.clearManager()) {
      jdbc.sql("UPDATE member SET manager_id = ? WHERE tenant_id = ? AND id = ?")
          .params(c.clearManager() ? null : c.managerId(), tenant, memberId)
          .update();
      changed.add("manager");
    }
    jdbc.sql("UPDATE member SET updated_at = ? WHERE tenant_id = ? AND id = ?")
        .params(Jdbc.ts(clock.instant()), tenant, memberId)
        .update();
    audit.record(
        AuditRecord.of(tenant, AuditAction.DIRECTORY_PROFILE_UPDATED)
            .actor(actor.memberId(), actor.loginId())
            .target("member", memberId)
            .with("fields", String.join(",", changed)));
    return profile(actor, memberId);
  }

  /** The company's active members in 五十音順 (for the read-only directory address book). */
  public List<DirectoryMember> everyone(UUID tenantId) {
    return views(tenantId, index.members(tenantId));
  }

  /**
   * The first active member, in the order of {@link #everyone}, whose login ID matches; for mail
   * delivery, which needs only the ID and looks up every recipient (without building the
   * directory's views of every member).
   */
  public java.util.Optional<UUID> activeMember(
      UUID tenantId, java.util.function.Predicate<String> loginIdMatches) {
    return index.members(tenantId).stream()
        .filter(e -> loginIdMatches.test(e.loginId()))
        .map(DirectoryIndex.Entry::id)
        .findFirst();
  }

  // ------------------------------------------------------------------------------------------

  private void update(
      UUID tenant, UUID id, String column, @Nullable String value, List<String> changed) {
    if (value == null) {
      return;
    }
    jdbc.sql("UPDATE member SET " + column + " = ? WHERE tenant_id = ? AND id = ?")
        .params(value.strip(), tenant, id)
        .update();
    changed.add(column);
  }

  private boolean managesIndirectly(UUID tenant, UUID member, UUID candidateManager) {
    UUID cursor = candidateManager;
    Set<UUID> seen = new HashSet<>();
    while (cursor != null && seen.add(cursor)) {
      if (cursor.equals(member)) {
        return true;
      }
      cursor =
          jdbc.sql("SELECT manager_id FROM member WHERE tenant_id = ? AND id = ?")
              .params(tenant, cursor)
              .query((rs, n) -> rs.getObject("manager_id", UUID.class))
              .optional()
              .orElse(null);
    }
    return false;
  }

  private static void checkQuery(@Nullable String query) {
    if (query != null && query.length() > MAX_QUERY) {
      throw Problems.invalid("q", "too_long", "At most " + MAX_QUERY + " characters.");
    }
  }

  private static String reading(Department d) {
    return d.nameReading().isBlank() ? d.name() : d.nameReading();
  }

  private boolean exists(UUID tenant, UUID department) {
    return jdbc.sql("SELECT COUNT(*) FROM department WHERE tenant_id = ? AND id = ?")
            .params(tenant, department)
            .query(Long.class)
            .single()
        > 0;
  }

  private Set<UUID> membersOf(UUID tenant, Set<UUID> departments) {
    Set<UUID> result = new HashSet<>();
    for (UUID d : departments) {
      result.addAll(
          jdbc.sql(
                  "SELECT member_id FROM member_department WHERE tenant_id = ? AND department_id = ?")
              .params(tenant, d)
              .query(UUID.class)
              .list());
    }
    return result;
  }

  private static void collectBelow(
      List<DirectoryDepartment> nodes, UUID target, boolean inside, Set<UUID> out) {
    for (DirectoryDepartment d : nodes) {
      boolean here = inside || d.id().equals(target);
      if (here) {
        out.add(d.id());
      }
      collectBelow(d.children(), target, here, out);
    }
  }

  private static List<DirectoryDepartment> build(
      @Nullable UUID parent,
      Map<UUID, List<Department>> byParent,
      Map<UUID, Integer> direct,
      int depth,
      List<String> path,
      Set<UUID> seen) {
    List<DirectoryDepartment> out = new ArrayList<>();
    for (Department d : byParent.getOrDefault(parent, List.of())) {
      if (!seen.add(d.id())) {
        continue;
      }
      List<String> myPath = new ArrayList<>(path);
      myPath.add(d.name());
      List<DirectoryDepartment> children =
          build(d.id(), byParent, direct, depth + 1, List.copyOf(myPath), seen);
      int own = direct.getOrDefault(d.id(), 0);
      int total = own + children.stream().mapToInt(DirectoryDepartment::totalMemberCount).sum();
      out.add(
          new DirectoryDepartment(
              d.id(),
              d.parentId(),
              d.name(),
              d.nameReading(),
              d.sortOrder(),
              depth,
              List.copyOf(myPath),
              own,
              total,
              children));
    }
    return out;
  }

  private static void flatten(DirectoryDepartment d, List<DirectoryDepartment> out) {
    out.add(
        new DirectoryDepartment(
            d.id(),
            d.parentId(),
            d.name(),
            d.nameReading(),
            d.sortOrder(),
            d.depth(),
            d.path(),
            d.memberCount(),
            d.totalMemberCount(),
            List.of()));
    d.children().forEach(c -> flatten(c, out));
  }

  private List<DirectoryMember> views(UUID tenant, List<DirectoryIndex.Entry> entries) {
    if (entries.isEmpty()) {
      return List.of();
    }
    Map<UUID, List<String>> paths = new HashMap<>();
    Map<UUID, Department> departments = new HashMap<>();
    jdbc.sql("SELECT * FROM department WHERE tenant_id = ?")
        .param(tenant)
        .query(
            rs -> {
              UUID id = rs.getObject("id", UUID.class);
              departments.put(
                  id,
                  new Department(
                      id,
                      rs.getObject("parent_id", UUID.class),
                      rs.getString("name"),
                      rs.getString("name_reading"),
                      rs.getInt("sort_order")));
            });
    Map<UUID, List<DirectoryMember.Placement>> placements = new LinkedHashMap<>();
    Set<UUID> wanted = new HashSet<>();
    entries.forEach(e -> wanted.add(e.id()));
    List<Object> params = new ArrayList<>();
    params.add(tenant);
    String only = "";
    if (wanted.size() <= 500) {
      only =
          " AND member_id IN ("
              + String.join(",", java.util.Collections.nCopies(wanted.size(), "?"))
              + ")";
      params.addAll(wanted);
    }
    jdbc.sql(
            "SELECT member_id, department_id, position, is_primary FROM member_department"
                + " WHERE tenant_id = ?"
                + only
                + " ORDER BY is_primary DESC")
        .params(params)
        .query(
            rs -> {
              UUID member = rs.getObject("member_id", UUID.class);
              if (!wanted.contains(member)) {
                return;
              }
              UUID dep = rs.getObject("department_id", UUID.class);
              Department d = departments.get(dep);
              if (d == null) {
                return;
              }
              placements
                  .computeIfAbsent(member, k -> new ArrayList<>())
                  .add(
                      new DirectoryMember.Placement(
                          dep,
                          d.name(),
                          rs.getString("position"),
                          rs.getBoolean("is_primary"),
                          paths.computeIfAbsent(dep, k -> path(k, departments))));
            });
    Map<UUID, String> photos = new HashMap<>();
    jdbc.sql(
            "SELECT id, photo_sha256 FROM member WHERE tenant_id = ?"
                + " AND photo_sha256 IS NOT NULL"
                + only.replace("member_id", "id"))
        .params(params)
        .query(
            rs -> {
              photos.put(rs.getObject("id", UUID.class), rs.getString("photo_sha256"));
            });
    Map<UUID, DirectoryIndex.Entry> byId = new HashMap<>();
    List<UUID> managerIds = entries.stream().map(DirectoryIndex.Entry::managerId).toList();
    if (managerIds.stream().anyMatch(java.util.Objects::nonNull)) {
      index.members(tenant).forEach(m -> byId.put(m.id(), m));
    }
    return entries.stream()
        .map(
            e -> {
              DirectoryIndex.Entry mgr = e.managerId() == null ? null : byId.get(e.managerId());
              return new DirectoryMember(
                  e.id(),
                  e.loginId(),
                  e.displayName(),
                  e.familyName(),
                  e.givenName(),
                  e.familyNameReading(),
                  e.givenNameReading(),
                  e.nameRomaji(),
                  e.email(),
                  e.phone(),
                  e.extension(),
                  e.office(),
                  e.title(),
                  mgr == null
                      ? null
                      : new DirectoryMember.Person(mgr.id(), mgr.displayName(), mgr.title()),
                  List.copyOf(placements.getOrDefault(e.id(), List.of())),
                  photos.get(e.id()));
            })
        .toList();
  }

  private static List<String> path(UUID id, Map<UUID, Department> departments) {
    List<String> names = new ArrayList<>();
    Set<UUID> seen = new HashSet<>();
    UUID cursor = id;
    while (cursor != null && seen.add(cursor)) {
      Department d = departments.get(cursor);
      if (d == null) {
        break;
      }
      names.add(0, d.name());
      cursor = d.parentId();
    }
    return List.copyOf(names);
  }
}
