package dev.musubi.identity;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.internal.AdminAccessStore;
import dev.musubi.identity.internal.AdminAccessStore.CustomRoleRow;
import dev.musubi.identity.internal.Fields;
import dev.musubi.identity.internal.MemberRow;
import dev.musubi.identity.internal.MemberStore;
import dev.musubi.identity.internal.RefusalAudit;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Least privilege for admins: the permissions each role carries, custom roles a company builds from
 * them, and department scopes that restrict a member admin to part of the company. Anything outside
 * a scope answers 404 and is audited as a refusal.
 */
@Service
public class AdminAccess {

  private static final Map<Role, Set<Permission>> BUILT_IN = new EnumMap<>(Role.class);

  static {
    BUILT_IN.put(Role.SUPER_ADMIN, EnumSet.allOf(Permission.class));
    BUILT_IN.put(
        Role.MEMBER_ADMIN,
        EnumSet.of(
            Permission.MEMBERS_READ, Permission.MEMBERS_WRITE, Permission.DEPARTMENTS_WRITE));
    BUILT_IN.put(
        Role.SECURITY_ADMIN,
        EnumSet.of(
            Permission.MEMBERS_READ,
            Permission.SECURITY_READ,
            Permission.SECURITY_WRITE,
            Permission.STATISTICS_READ,
            Permission.ACCESS_REVIEW_READ,
            Permission.ACCESS_REVIEW_DECIDE,
            Permission.ALERTS_READ));
    BUILT_IN.put(
        Role.AUDITOR,
        EnumSet.of(
            Permission.SECURITY_READ, Permission.STATISTICS_READ, Permission.ACCESS_REVIEW_READ));
  }

  /** A role as the console lists it: built-in (code) or custom (id). */
  public record RoleView(
      @Nullable UUID id,
      String code,
      String name,
      boolean builtIn,
      List<String> permissions,
      long holders) {}

  /** A member's admin grants: built-in roles, custom roles and department scope. */
  public record MemberAccess(
      UUID memberId, List<String> roles, List<RoleView> customRoles, List<UUID> adminScope) {}

  private final AdminAccessStore store;
  private final MemberStore members;
  private final RefusalAudit refusals;
  private final AuditTrail audit;
  private final ApplicationEventPublisher events;
  private final Ids ids;
  private final Clock clock;

  AdminAccess(
      AdminAccessStore store,
      MemberStore members,
      RefusalAudit refusals,
      AuditTrail audit,
      ApplicationEventPublisher events,
      Ids ids,
      Clock clock) {
    this.store = store;
    this.members = members;
    this.refusals = refusals;
    this.audit = audit;
    this.events = events;
    this.ids = ids;
    this.clock = clock;
  }

  // Permissions -------------------------------------------------------------------------------

  /** Everything the caller may do as an admin (empty for a plain member). */
  public Set<Permission> permissions(MemberPrincipal p) {
    Set<Permission> result = EnumSet.noneOf(Permission.class);
    for (Role r : p.roles()) {
      result.addAll(BUILT_IN.getOrDefault(r, Set.of()));
    }
    for (CustomRoleRow row : store.rolesOfMember(p.tenantId(), p.memberId())) {
      result.addAll(parse(row.permissions()));
    }
    result.retainAll(allowedForRoles(p));
    return result;
  }

  private static Set<Permission> allowedForRoles(MemberPrincipal p) {
    // Role management stays with super admins whatever a custom role says.
    return p.has(Role.SUPER_ADMIN) ? EnumSet.allOf(Permission.class) : Permission.grantable();
  }

  public boolean has(MemberPrincipal p, Permission permission) {
    return permissions(p).contains(permission);
  }

  /** 403 unless the caller holds the permission. */
  public void require(MemberPrincipal p, Permission permission) {
    if (!has(p, permission)) {
      throw Problems.forbidden("You need the permission " + permission.code() + " for this.");
    }
  }

  /** 403 unless the caller holds one of the permissions. */
  public void requireAny(MemberPrincipal p, Permission... anyOf) {
    Set<Permission> mine = permissions(p);
    for (Permission x : anyOf) {
      if (mine.contains(x)) {
        return;
      }
    }
    throw Problems.forbidden("You need an admin permission for this.");
  }

  // Scopes ------------------------------------------------------------------------------------

  /**
   * The departments (with their sub-departments) the caller may act in, or null for the whole
   * company (super admins, and admins granted without a scope).
   */
  public @Nullable Set<UUID> scope(MemberPrincipal p) {
    if (p.has(Role.SUPER_ADMIN)) {
      return null;
    }
    List<UUID> roots = store.scopeRoots(p.tenantId(), p.memberId());
    return roots.isEmpty() ? null : store.withDescendants(p.tenantId(), roots);
  }

  /**
   * 404 (and an audited refusal) when the member is outside the caller's scope. Call after the
   * member was found in the caller's company.
   */
  public void checkMember(MemberPrincipal p, UUID memberId, String action) {
    Set<UUID> scope = scope(p);
    if (scope == null) {
      return;
    }
    Set<UUID> deps = store.departmentsOfMember(p.tenantId(), memberId);
    deps.retainAll(scope);
    if (deps.isEmpty()) {
      refusals.outOfScope(p, "member", memberId, action);
      throw Problems.notFound();
    }
  }

  /**
   * 403 (and an audited refusal) unless the caller acts for the whole company: for things that span
   * departments, such as custom groups. {@code targetId} is the company's ID when nothing more
   * specific exists yet.
   */
  public void requireWholeCompany(
      MemberPrincipal p, String targetType, UUID targetId, String action) {
    if (scope(p) != null) {
      refusals.outOfScope(p, targetType, targetId, action);
      throw Problems.forbidden(
          "out-of-scope", "This spans the company; an admin limited to departments cannot do it.");
    }
  }

  /** 404 (and an audited refusal) when the department is outside the caller's scope. */
  public void checkDepartment(MemberPrincipal p, UUID departmentId, String action) {
    Set<UUID> scope = scope(p);
    if (scope != null && !scope.contains(departmentId)) {
      refusals.outOfScope(p, "department", departmentId, action);
      throw Problems.notFound();
    }
  }

  /** The caller's admin grants (for the console). */
  public MemberAccess access(MemberPrincipal actor, UUID memberId) {
    requireAny(actor, Permission.MEMBERS_READ, Permission.ACCESS_REVIEW_READ);
    members.find(actor.tenantId(), memberId).orElseThrow(Problems::notFound);
    checkMember(actor, memberId, "read_access");
    return accessOf(actor.tenantId(), memberId);
  }

  MemberAccess accessOf(UUID tenantId, UUID memberId) {
    return new MemberAccess(
        memberId,
        members.roles(memberId).stream().map(Role::code).sorted().toList(),
        store.rolesOfMember(tenantId, memberId).stream().map(r -> view(r, -1)).toList(),
        store.scopeRoots(tenantId, memberId));
  }

  /** The company's active members who hold the permission (built-in or custom role). */
  public List<UUID> holders(UUID tenantId, Permission permission) {
    Set<UUID> candidates = new LinkedHashSet<>(members.withRoles(tenantId));
    for (CustomRoleRow r : store.roles(tenantId)) {
      if (parse(r.permissions()).contains(permission)) {
        candidates.addAll(store.holdersOf(tenantId, r.id()));
      }
    }
    List<UUID> out = new ArrayList<>();
    for (UUID id : candidates) {
      members
          .find(tenantId, id)
          .filter(m -> m.status() == dev.musubi.identity.MemberStatus.ACTIVE)
          .map(
              m ->
                  new MemberPrincipal(
                      tenantId, id, m.loginId(), members.roles(id), null, null, Set.of()))
          .filter(p -> has(p, permission))
          .ifPresent(p -> out.add(id));
    }
    return out;
  }

  /**
   * Keys of every admin role of the company: the built-in role codes ({@code super_admin}, …) and
   * {@code custom:<id>} for each custom role. Never null.
   */
  public Set<String> roleKeys(UUID tenantId) {
    Set<String> keys = new LinkedHashSet<>();
    BUILT_IN.keySet().forEach(r -> keys.add(r.code()));
    store.roles(tenantId).forEach(r -> keys.add("custom:" + r.id()));
    return keys;
  }

  /** Keys (as {@link #roleKeys}) of the admin roles the caller holds; empty for a plain member. */
  public Set<String> roleKeysOf(MemberPrincipal p) {
    Set<String> keys = new LinkedHashSet<>();
    p.roles().stream().filter(BUILT_IN::containsKey).forEach(r -> keys.add(r.code()));
    store.rolesOfMember(p.tenantId(), p.memberId()).forEach(r -> keys.add("custom:" + r.id()));
    return keys;
  }

  /** Whether the member holds any admin role or custom role. */
  public boolean isAdmin(UUID tenantId, UUID memberId) {
    return members.roles(memberId).stream().anyMatch(Role::isAdmin)
        || !store.rolesOfMember(tenantId, memberId).isEmpty();
  }

  /** Takes every admin grant away: built-in admin roles, custom roles and scope. */
  void revokeAdmin(UUID tenantId, UUID memberId) {
    members.setRoles(tenantId, memberId, EnumSet.of(Role.MEMBER));
    store.clearMember(tenantId, memberId);
  }

  /** Custom role names per member (access review). */
  Map<UUID, List<String>> customRoleNames(UUID tenantId) {
    Map<UUID, List<String>> result = new java.util.HashMap<>();
    for (CustomRoleRow r : store.roles(tenantId)) {
      for (UUID m : store.holdersOf(tenantId, r.id())) {
        result.computeIfAbsent(m, k -> new ArrayList<>()).add(r.name());
      }
    }
    return result;
  }

  /** Removes a member's custom roles and scope (purge). */
  void clearGrants(UUID tenantId, UUID memberId) {
    store.clearMember(tenantId, memberId);
  }

  /** Every member's scope roots in the company (access review). */
  Map<UUID, List<UUID>> scopesOf(UUID tenantId) {
    return store.scopeRootsOf(tenantId);
  }

  /** Sets the departments a member admin may act in (empty: the whole company). Super admin. */
  @Transactional
  public MemberAccess setScope(MemberPrincipal actor, UUID memberId, List<UUID> departmentIds) {
    require(actor, Permission.ROLES_MANAGE);
    MemberRow m = members.find(actor.tenantId(), memberId).orElseThrow(Problems::notFound);
    if (departmentIds.size() > 100) {
      throw Problems.invalid("departmentIds", "too_many", "At most 100 departments.");
    }
    Set<UUID> unique = new LinkedHashSet<>(departmentIds);
    for (UUID d : unique) {
      if (d == null || !store.departmentExists(actor.tenantId(), d)) {
        throw Problems.invalid("departmentIds", "unknown_department", "No such department.");
      }
    }
    store.setScope(actor.tenantId(), memberId, unique);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.ADMIN_SCOPE_SET)
            .actor(actor.memberId(), actor.loginId())
            .target("member", memberId)
            .with("loginId", m.loginId())
            .with("departments", unique.size()));
    return accessOf(actor.tenantId(), memberId);
  }

  // Custom roles ------------------------------------------------------------------------------

  /** Built-in and custom roles with their permissions. */
  public List<RoleView> roles(MemberPrincipal actor) {
    requireAny(actor, Permission.MEMBERS_READ, Permission.SECURITY_READ, Permission.ROLES_MANAGE);
    List<RoleView> result = new ArrayList<>();
    for (Map.Entry<Role, Set<Permission>> e : BUILT_IN.entrySet()) {
      result.add(
          new RoleView(
              null,
              e.getKey().code(),
              e.getKey().code(),
              true,
              e.getValue().stream().map(Permission::code).toList(),
              -1));
    }
    for (CustomRoleRow r : store.roles(actor.tenantId())) {
      result.add(view(r, store.holders(actor.tenantId(), r.id())));
    }
    return result;
  }

  @Transactional
  public RoleView createRole(MemberPrincipal actor, @Nullable String name, List<String> perms) {
    require(actor, Permission.ROLES_MANAGE);
    UUID id = ids.next();
    String clean = validateRole(actor.tenantId(), id, name, perms);
    String codes = codes(perms);
    store.insertRole(new CustomRoleRow(id, actor.tenantId(), clean, codes, clock.instant()));
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.CUSTOM_ROLE_CREATED)
            .actor(actor.memberId(), actor.loginId())
            .target("role", id)
            .with("name", clean)
            .with("permissions", codes));
    return view(store.role(actor.tenantId(), id).orElseThrow(), 0);
  }

  @Transactional
  public RoleView updateRole(
      MemberPrincipal actor, UUID id, @Nullable String name, List<String> perms) {
    require(actor, Permission.ROLES_MANAGE);
    CustomRoleRow before = store.role(actor.tenantId(), id).orElseThrow(Problems::notFound);
    String clean = validateRole(actor.tenantId(), id, name, perms);
    String codes = codes(perms);
    store.updateRole(actor.tenantId(), id, clean, codes, clock.instant());
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.CUSTOM_ROLE_UPDATED)
            .actor(actor.memberId(), actor.loginId())
            .target("role", id)
            .with("before", before.name() + ":" + before.permissions())
            .with("after", clean + ":" + codes));
    return view(
        store.role(actor.tenantId(), id).orElseThrow(), store.holders(actor.tenantId(), id));
  }

  @Transactional
  public void deleteRole(MemberPrincipal actor, UUID id) {
    require(actor, Permission.ROLES_MANAGE);
    CustomRoleRow r = store.role(actor.tenantId(), id).orElseThrow(Problems::notFound);
    store.deleteRole(actor.tenantId(), id);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.CUSTOM_ROLE_DELETED)
            .actor(actor.memberId(), actor.loginId())
            .target("role", id)
            .with("name", r.name()));
  }

  /** Replaces the custom roles a member holds. Super admin; each new grant raises an alert. */
  @Transactional
  public MemberAccess assignRoles(MemberPrincipal actor, UUID memberId, List<UUID> roleIds) {
    require(actor, Permission.ROLES_MANAGE);
    MemberRow m = members.find(actor.tenantId(), memberId).orElseThrow(Problems::notFound);
    if (roleIds.size() > 50) {
      throw Problems.invalid("roleIds", "too_many", "At most 50 roles.");
    }
    Set<UUID> unique = new LinkedHashSet<>();
    List<CustomRoleRow> granted = new ArrayList<>();
    Set<UUID> held = new java.util.HashSet<>();
    store.rolesOfMember(actor.tenantId(), memberId).forEach(r -> held.add(r.id()));
    for (UUID id : roleIds) {
      CustomRoleRow r = id == null ? null : store.role(actor.tenantId(), id).orElse(null);
      if (r == null) {
        throw Problems.invalid("roleIds", "unknown_role", "No such role.");
      }
      if (unique.add(id) && !held.contains(id)) {
        granted.add(r);
      }
    }
    store.setMemberRoles(actor.tenantId(), memberId, unique);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.CUSTOM_ROLE_ASSIGNED)
            .actor(actor.memberId(), actor.loginId())
            .target("member", memberId)
            .with("roles", String.join(",", unique.stream().map(UUID::toString).toList())));
    for (CustomRoleRow r : granted) {
      events.publishEvent(
          new AdminRoleGranted(
              actor.tenantId(),
              memberId,
              m.loginId(),
              "custom:" + r.name(),
              actor.memberId(),
              actor.loginId()));
    }
    return accessOf(actor.tenantId(), memberId);
  }

  private String validateRole(UUID tenantId, UUID id, @Nullable String name, List<String> perms) {
    List<FieldError> errors = new ArrayList<>();
    Fields.text(errors, "name", name, 1, 100);
    if (perms.isEmpty()) {
      errors.add(new FieldError("permissions", "required", "Choose at least one permission."));
    }
    for (String code : perms) {
      Permission p = code == null ? null : Permission.fromCode(code).orElse(null);
      if (p == null) {
        errors.add(new FieldError("permissions", "unknown", "Unknown permission."));
        break;
      }
      if (!Permission.grantable().contains(p)) {
        errors.add(
            new FieldError(
                "permissions",
                "not_grantable",
                "Role management cannot be part of a custom role."));
        break;
      }
    }
    if (errors.isEmpty() && store.nameTaken(tenantId, name.strip(), id)) {
      errors.add(new FieldError("name", "taken", "A role with this name exists."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return name.strip();
  }

  private static String codes(Collection<String> perms) {
    return String.join(",", new java.util.TreeSet<>(perms));
  }

  private static Set<Permission> parse(String codes) {
    Set<Permission> result = EnumSet.noneOf(Permission.class);
    for (String c : codes.split(",")) {
      Permission.fromCode(c.strip()).ifPresent(result::add);
    }
    return result;
  }

  private static RoleView view(CustomRoleRow r, long holders) {
    return new RoleView(
        r.id(),
        "custom:" + r.id(),
        r.name(),
        false,
        parse(r.permissions()).stream().map(Permission::code).toList(),
        holders);
  }
}
