package dev.musubi.identity;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.internal.CompanyStore;
import dev.musubi.identity.internal.Fields;
import dev.musubi.identity.internal.MemberRow;
import dev.musubi.identity.internal.MemberStore;
import dev.musubi.identity.internal.MemberStore.DepartmentAssignment;
import dev.musubi.identity.internal.Passwords;
import dev.musubi.identity.internal.Revocations;
import dev.musubi.identity.internal.credentials.LoginIdPolicy;
import dev.musubi.platform.Ids;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Member administration within the caller's company: create, read, list, update, suspend, resume,
 * delete. Every method takes the acting principal, checks their roles, scopes every query by their
 * company (another company's IDs answer 404) and audits what it changed.
 */
@Service
public class Members {

  private final MemberStore store;
  private final CompanyStore companies;
  private final Passwords passwords;
  private final LoginIdPolicy loginIds;
  private final Revocations revocations;
  private final dev.musubi.identity.internal.Passkeys passkeys;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;
  private final ApplicationEventPublisher events;
  private final org.springframework.jdbc.core.simple.JdbcClient jdbc;
  private final AdminAccess access;
  private final MemberLifecycle lifecycle;
  private final TransactionTemplate tx;

  Members(
      MemberStore store,
      CompanyStore companies,
      Passwords passwords,
      LoginIdPolicy loginIds,
      Revocations revocations,
      dev.musubi.identity.internal.Passkeys passkeys,
      AuditTrail audit,
      Ids ids,
      Clock clock,
      ApplicationEventPublisher events,
      org.springframework.jdbc.core.simple.JdbcClient jdbc,
      AdminAccess access,
      MemberLifecycle lifecycle,
      TransactionTemplate tx) {
    this.tx = tx;
    this.access = access;
    this.lifecycle = lifecycle;
    this.store = store;
    this.companies = companies;
    this.passwords = passwords;
    this.loginIds = loginIds;
    this.revocations = revocations;
    this.passkeys = passkeys;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
    this.events = events;
    this.jdbc = jdbc;
  }

  /**
   * Creates a member; 422 with field errors for anything invalid. The password is hashed before the
   * transaction: Argon2 on a held connection starved the pool in a burst of creations.
   */
  public Member create(MemberPrincipal actor, NewMember cmd) {
    return create(actor, cmd, null);
  }

  /** Creates a member and, when given, sets their admin scope in the same transaction. */
  public Member create(MemberPrincipal actor, NewMember cmd, @Nullable List<UUID> adminScope) {
    access.require(actor, Permission.MEMBERS_WRITE);
    String hash = cmd.password() == null ? null : passwords.hashBeforeTransaction(cmd.password());
    return Objects.requireNonNull(
        tx.execute(
            s -> {
              Company company = companies.find(actor.tenantId()).orElseThrow(Problems::notFound);
              Set<UUID> scope = access.scope(actor);
              if (scope != null) {
                requireInScope(scope, cmd.departments());
              }
              Member m =
                  insert(
                      company,
                      cmd,
                      hash,
                      actor.memberId(),
                      actor.loginId(),
                      actor.has(Role.SUPER_ADMIN));
              if (adminScope != null && !adminScope.isEmpty()) {
                access.setScope(actor, m.id(), adminScope);
              }
              return m;
            }));
  }

  /**
   * Creates a member in a company without a signed-in admin (company creation, bootstrap, demo
   * data). The caller has already decided that this is allowed. Hashes the password first, so
   * before the transaction unless the caller holds one.
   */
  public Member createIn(
      Company company,
      NewMember cmd,
      @Nullable UUID actorId,
      String actorLogin,
      boolean mayGrantAdmin) {
    String hash = cmd.password() == null ? null : passwords.hash(cmd.password());
    return Objects.requireNonNull(
        tx.execute(s -> insert(company, cmd, hash, actorId, actorLogin, mayGrantAdmin)));
  }

  private Member insert(
      Company company,
      NewMember cmd,
      @Nullable String passwordHash,
      @Nullable UUID actorId,
      String actorLogin,
      boolean mayGrantAdmin) {
    List<FieldError> errors = new ArrayList<>();
    String loginId = fullLoginId(cmd.loginId(), company.domain(), errors);
    Fields.text(errors, "displayName", cmd.displayName(), 1, 200);
    Fields.text(errors, "familyName", cmd.familyName(), 0, 100);
    Fields.text(errors, "givenName", cmd.givenName(), 0, 100);
    Fields.text(errors, "familyNameReading", cmd.familyNameReading(), 0, 100);
    Fields.text(errors, "givenNameReading", cmd.givenNameReading(), 0, 100);
    Fields.email(errors, "email", cmd.email());
    Fields.phone(errors, "phone", cmd.phone());
    Fields.locale(errors, "locale", cmd.locale());
    Fields.timeZone(errors, "timeZone", cmd.timeZone());
    Set<Role> roles = roles(cmd.roles(), errors, mayGrantAdmin);
    List<DepartmentAssignment> placements = placements(company.id(), cmd.departments(), errors);
    SecurityPolicy policy = companies.policy(company.id());
    if (cmd.password() == null) {
      errors.add(FieldError.required("password"));
    } else {
      errors.addAll(
          passwords.violations(
              "password",
              cmd.password(),
              policy,
              loginId,
              List.of(
                  Fields.orEmpty(cmd.displayName()),
                  Fields.orEmpty(cmd.familyName()),
                  Fields.orEmpty(cmd.givenName()),
                  Fields.orEmpty(cmd.familyNameReading()),
                  Fields.orEmpty(cmd.givenNameReading()))));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    String key = LoginIdPolicy.key(loginId);
    String skeleton = LoginIdPolicy.skeleton(loginId);
    if (store.loginTaken(key, skeleton)) {
      throw Problems.invalid(
          "loginId", "taken", "This login ID, or one that looks the same, is already in use.");
    }
    Instant now = clock.instant();
    MemberRow row =
        new MemberRow(
            ids.next(),
            company.id(),
            loginId,
            cmd.displayName().strip(),
            Fields.orEmpty(cmd.familyName()),
            Fields.orEmpty(cmd.givenName()),
            Fields.orEmpty(cmd.familyNameReading()),
            Fields.orEmpty(cmd.givenNameReading()),
            Fields.orEmpty(cmd.email()).isEmpty() ? loginId : Fields.orEmpty(cmd.email()),
            Fields.orEmpty(cmd.phone()),
            MemberStatus.ACTIVE,
            cmd.locale() == null ? "ja" : cmd.locale(),
            cmd.timeZone() == null ? "Asia/Tokyo" : cmd.timeZone(),
            Objects.requireNonNull(passwordHash),
            now,
            null,
            null,
            0,
            null,
            now);
    store.insert(row, key, skeleton);
    store.setRoles(company.id(), row.id(), roles);
    store.setDepartments(company.id(), row.id(), placements);
    events.publishEvent(new DepartmentMembershipChanged(company.id(), row.id()));
    audit.record(
        AuditRecord.of(company.id(), AuditAction.MEMBER_CREATED)
            .actor(actorId, actorLogin)
            .target("member", row.id())
            .with("loginId", loginId));
    for (Role r : roles) {
      if (r != Role.MEMBER) {
        audit.record(
            AuditRecord.of(company.id(), AuditAction.ROLE_GRANTED)
                .actor(actorId, actorLogin)
                .target("member", row.id())
                .with("role", r.code()));
        events.publishEvent(
            new AdminRoleGranted(company.id(), row.id(), loginId, r.code(), actorId, actorLogin));
      }
    }
    return view(row);
  }

  public Member get(MemberPrincipal actor, UUID id) {
    access.require(actor, Permission.MEMBERS_READ);
    return view(load(actor, id, "read"));
  }

  public PageResult<Member> list(
      MemberPrincipal actor, @Nullable String query, @Nullable String status, int page, int size) {
    access.require(actor, Permission.MEMBERS_READ);
    PageResult.check(page, size, 200);
    MemberStatus st = null;
    if (status != null && !status.isBlank()) {
      st =
          switch (status) {
            case "active" -> MemberStatus.ACTIVE;
            case "suspended" -> MemberStatus.SUSPENDED;
            default -> throw Problems.invalid("status", "invalid", "Must be active or suspended.");
          };
    }
    if (query != null && query.length() > 200) {
      throw Problems.invalid("q", "too_long", "At most 200 characters.");
    }
    MemberStore.Page p = store.search(actor.tenantId(), query, st, access.scope(actor), page, size);
    return new PageResult<>(views(actor.tenantId(), p.rows()), page, size, p.total());
  }

  @Transactional
  public Member update(MemberPrincipal actor, UUID id, MemberChanges c) {
    access.require(actor, Permission.MEMBERS_WRITE);
    MemberRow m = load(actor, id, "update");
    guardAdminTarget(actor, m);
    Set<UUID> scope = access.scope(actor);
    if (scope != null && c.departments() != null) {
      requireInScope(scope, c.departments());
    }
    List<FieldError> errors = new ArrayList<>();
    if (c.displayName() != null) {
      Fields.text(errors, "displayName", c.displayName(), 1, 200);
    }
    Fields.text(errors, "familyName", c.familyName(), 0, 100);
    Fields.text(errors, "givenName", c.givenName(), 0, 100);
    Fields.text(errors, "familyNameReading", c.familyNameReading(), 0, 100);
    Fields.text(errors, "givenNameReading", c.givenNameReading(), 0, 100);
    Fields.email(errors, "email", c.email());
    Fields.phone(errors, "phone", c.phone());
    Fields.locale(errors, "locale", c.locale());
    Fields.timeZone(errors, "timeZone", c.timeZone());
    Set<Role> newRoles =
        c.roles() == null ? null : roles(c.roles(), errors, actor.has(Role.SUPER_ADMIN));
    List<DepartmentAssignment> placements =
        c.departments() == null ? null : placements(actor.tenantId(), c.departments(), errors);
    if (newRoles != null && actor.memberId().equals(id) && !newRoles.containsAll(store.roles(id))) {
      errors.add(new FieldError("roles", "self", "You cannot remove your own roles."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    MemberRow updated =
        new MemberRow(
            m.id(),
            m.tenantId(),
            m.loginId(),
            pick(c.displayName(), m.displayName()),
            pick(c.familyName(), m.familyName()),
            pick(c.givenName(), m.givenName()),
            pick(c.familyNameReading(), m.familyNameReading()),
            pick(c.givenNameReading(), m.givenNameReading()),
            pick(c.email(), m.email()),
            pick(c.phone(), m.phone()),
            m.status(),
            pick(c.locale(), m.locale()),
            pick(c.timeZone(), m.timeZone()),
            m.passwordHash(),
            m.passwordChangedAt(),
            m.totpSecret(),
            m.totpPendingSecret(),
            m.totpLastStep(),
            m.lastLoginAt(),
            m.createdAt());
    store.updateProfile(updated, clock.instant());
    if (placements != null) {
      store.setDepartments(actor.tenantId(), id, placements);
      events.publishEvent(new DepartmentMembershipChanged(actor.tenantId(), id));
    }
    if (newRoles != null) {
      Set<Role> before = store.roles(id);
      store.setRoles(actor.tenantId(), id, newRoles);
      for (Role r : newRoles) {
        if (!before.contains(r)) {
          audit.record(
              AuditRecord.of(actor.tenantId(), AuditAction.ROLE_GRANTED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("member", id)
                  .with("role", r.code()));
          if (r != Role.MEMBER) {
            events.publishEvent(
                new AdminRoleGranted(
                    actor.tenantId(),
                    id,
                    m.loginId(),
                    r.code(),
                    actor.memberId(),
                    actor.loginId()));
          }
        }
      }
      for (Role r : before) {
        if (!newRoles.contains(r) && r != Role.MEMBER) {
          audit.record(
              AuditRecord.of(actor.tenantId(), AuditAction.ROLE_REVOKED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("member", id)
                  .with("role", r.code()));
        }
      }
    }
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MEMBER_UPDATED)
            .actor(actor.memberId(), actor.loginId())
            .target("member", id)
            .with("fields", changedFields(c)));
    return view(store.find(actor.tenantId(), id).orElseThrow());
  }

  /** Suspends a member: every session and token ends at once. */
  @Transactional
  public Member suspend(MemberPrincipal actor, UUID id) {
    access.require(actor, Permission.MEMBERS_WRITE);
    MemberRow m = load(actor, id, "suspend");
    guardAdminTarget(actor, m);
    if (actor.memberId().equals(id)) {
      throw Problems.conflict("self", "You cannot suspend yourself.");
    }
    store.setStatus(actor.tenantId(), id, MemberStatus.SUSPENDED, clock.instant());
    revocations.endAll(actor.tenantId(), id, null, true, "suspended");
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MEMBER_SUSPENDED)
            .actor(actor.memberId(), actor.loginId())
            .target("member", id));
    events.publishEvent(new MemberSuspended(actor.tenantId(), id));
    return view(store.find(actor.tenantId(), id).orElseThrow());
  }

  @Transactional
  public Member resume(MemberPrincipal actor, UUID id) {
    access.require(actor, Permission.MEMBERS_WRITE);
    MemberRow m = load(actor, id, "resume");
    guardAdminTarget(actor, m);
    store.setStatus(actor.tenantId(), id, MemberStatus.ACTIVE, clock.instant());
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MEMBER_RESUMED)
            .actor(actor.memberId(), actor.loginId())
            .target("member", id));
    events.publishEvent(new DepartmentMembershipChanged(actor.tenantId(), id));
    return view(store.find(actor.tenantId(), id).orElseThrow());
  }

  /**
   * Deletes a member: they can no longer sign in and vanish from lists; restorable until the grace
   * period ends (see {@link MemberLifecycle}).
   */
  @Transactional
  public void delete(MemberPrincipal actor, UUID id) {
    delete(actor, id, null);
  }

  /**
   * Deletes a member and, when {@code handTo} names an active colleague, hands over what the member
   * held (see {@link MemberHandedOver}) in the same transaction; 422 when the colleague is not an
   * active member of the company or is the member being deleted.
   */
  @Transactional
  public void delete(MemberPrincipal actor, UUID id, @Nullable UUID handTo) {
    access.require(actor, Permission.MEMBERS_WRITE);
    MemberRow m = load(actor, id, "delete");
    guardAdminTarget(actor, m);
    if (actor.memberId().equals(id)) {
      throw Problems.conflict("self", "You cannot delete yourself.");
    }
    MemberRow heir = null;
    if (handTo != null) {
      heir =
          store
              .find(actor.tenantId(), handTo)
              .filter(h -> h.status() == MemberStatus.ACTIVE)
              .filter(h -> !h.id().equals(id))
              .orElseThrow(
                  () ->
                      Problems.invalid(
                          "handTo",
                          "invalid",
                          "Choose an active member other than the one being deleted."));
    }
    lifecycle.delete(actor, m);
    if (heir != null) {
      audit.record(
          AuditRecord.of(actor.tenantId(), AuditAction.MEMBER_HANDED_OVER)
              .actor(actor.memberId(), actor.loginId())
              .target("member", id)
              .with("from", m.loginId())
              .with("to", heir.loginId()));
      events.publishEvent(new MemberHandedOver(actor.tenantId(), id, m.displayName(), heir.id()));
    }
  }

  /** Members of the company per status name (ACTIVE, SUSPENDED, DELETED), for statistics. */
  public Map<String, Long> countByStatus(UUID tenantId) {
    Map<String, Long> result = new java.util.HashMap<>();
    jdbc.sql("SELECT status, COUNT(*) FROM member WHERE tenant_id = ? GROUP BY status")
        .param(tenantId)
        .query(
            rs -> {
              result.put(rs.getString(1), rs.getLong(2));
            });
    return result;
  }

  /** The colleague view of the directory: active members, no security data. */
  public PageResult<Member> directory(
      MemberPrincipal actor, @Nullable String query, int page, int size) {
    PageResult.check(page, size, 200);
    if (query != null && query.length() > 200) {
      throw Problems.invalid("q", "too_long", "At most 200 characters.");
    }
    MemberStore.Page p = store.search(actor.tenantId(), query, MemberStatus.ACTIVE, page, size);
    return new PageResult<>(views(actor.tenantId(), p.rows()), page, size, p.total());
  }

  // ------------------------------------------------------------------------------------------

  /** The member in the caller's company and scope; 404 (refusals audited) otherwise. */
  private MemberRow load(MemberPrincipal actor, UUID id, String action) {
    MemberRow m = store.find(actor.tenantId(), id).orElseThrow(Problems::notFound);
    access.checkMember(actor, id, action);
    return m;
  }

  /** A scoped admin places members only in departments of their scope. */
  private static void requireInScope(Set<UUID> scope, @Nullable List<NewMember.Placement> given) {
    if (given == null
        || given.isEmpty()
        || given.stream().anyMatch(p -> p == null || !scope.contains(p.departmentId()))) {
      throw Problems.invalid(
          "departments",
          "out_of_scope",
          "Place the member in at least one department you administer, and in no other.");
    }
  }

  /** Only a super admin may act on another super admin. */
  private void guardAdminTarget(MemberPrincipal actor, MemberRow target) {
    if (!actor.has(Role.SUPER_ADMIN) && store.roles(target.id()).contains(Role.SUPER_ADMIN)) {
      throw Problems.forbidden("Only a super admin can change a super admin.");
    }
  }

  String fullLoginId(@Nullable String raw, String domain, List<FieldError> errors) {
    if (raw == null || raw.isBlank()) {
      errors.add(FieldError.required("loginId"));
      return "";
    }
    if (raw.length() > 320) {
      errors.add(FieldError.tooLong("loginId", 320));
      return "";
    }
    String local = raw;
    int at = raw.lastIndexOf('@');
    if (at >= 0) {
      local = raw.substring(0, at);
      String dom = raw.substring(at + 1);
      if (!dom.equalsIgnoreCase(domain)) {
        errors.add(
            new FieldError("loginId", "domain", "The login ID must end with @" + domain + "."));
        return "";
      }
    }
    switch (loginIds.check(local)) {
      case LoginIdPolicy.Valid v -> {
        return v.normalised() + "@" + domain.toLowerCase(Locale.ROOT);
      }
      case LoginIdPolicy.Invalid inv -> {
        errors.add(new FieldError("loginId", inv.code(), inv.message()));
        return "";
      }
    }
  }

  private Set<Role> roles(
      @Nullable List<String> codes, List<FieldError> errors, boolean mayGrantAdmin) {
    Set<Role> roles = EnumSet.of(Role.MEMBER);
    if (codes == null) {
      return roles;
    }
    for (String code : codes) {
      Role r = Role.fromCode(code == null ? "" : code).orElse(null);
      if (r == null || r == Role.OPERATOR) {
        errors.add(new FieldError("roles", "unknown_role", "Unknown role: " + truncate(code)));
      } else if (r.isAdmin() && !mayGrantAdmin) {
        errors.add(
            new FieldError("roles", "forbidden", "Only a super admin can grant admin roles."));
      } else {
        roles.add(r);
      }
    }
    return roles;
  }

  private List<DepartmentAssignment> placements(
      UUID tenantId, @Nullable List<NewMember.Placement> given, List<FieldError> errors) {
    if (given == null || given.isEmpty()) {
      return List.of();
    }
    if (given.size() > 50) {
      errors.add(new FieldError("departments", "too_many", "At most 50 departments."));
      return List.of();
    }
    Set<UUID> seen = new LinkedHashSet<>();
    List<DepartmentAssignment> result = new ArrayList<>();
    long primaries = given.stream().filter(NewMember.Placement::primary).count();
    if (primaries > 1) {
      errors.add(new FieldError("departments", "primary", "Only one department can be primary."));
    }
    for (int i = 0; i < given.size(); i++) {
      NewMember.Placement p = given.get(i);
      if (p == null || p.departmentId() == null || !seen.add(p.departmentId())) {
        errors.add(new FieldError("departments", "invalid", "Duplicate or missing department."));
        continue;
      }
      boolean exists =
          jdbc.sql("SELECT COUNT(*) FROM department WHERE tenant_id = ? AND id = ?")
                  .params(tenantId, p.departmentId())
                  .query(Long.class)
                  .single()
              > 0;
      if (!exists) {
        errors.add(new FieldError("departments", "unknown_department", "No such department."));
        continue;
      }
      Fields.text(errors, "departments", p.position(), 0, 100);
      result.add(
          new DepartmentAssignment(
              p.departmentId(),
              Fields.orEmpty(p.position()),
              p.primary() || (primaries == 0 && i == 0)));
    }
    return result;
  }

  Member view(MemberRow row) {
    return views(row.tenantId(), List.of(row)).get(0);
  }

  private List<Member> views(UUID tenantId, List<MemberRow> rows) {
    List<UUID> idList = rows.stream().map(MemberRow::id).toList();
    Map<UUID, List<Member.DepartmentMembership>> deps = store.departmentsOf(tenantId, idList);
    Map<UUID, Set<Role>> roles = store.rolesOf(tenantId, idList);
    return rows.stream()
        .map(
            r ->
                new Member(
                    r.id(),
                    r.tenantId(),
                    r.loginId(),
                    r.displayName(),
                    r.familyName(),
                    r.givenName(),
                    r.familyNameReading(),
                    r.givenNameReading(),
                    r.email(),
                    r.phone(),
                    r.status(),
                    r.locale(),
                    r.timeZone(),
                    roles.getOrDefault(r.id(), Set.of(Role.MEMBER)).stream()
                        .map(Role::code)
                        .sorted()
                        .toList(),
                    deps.getOrDefault(r.id(), List.of()),
                    r.totpEnabled(),
                    r.lastLoginAt(),
                    r.createdAt()))
        .toList();
  }

  private static String pick(@Nullable String value, String current) {
    return value == null ? current : value.strip();
  }

  private static String truncate(@Nullable String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 40 ? s.substring(0, 40) : s;
  }

  private static String changedFields(MemberChanges c) {
    List<String> f = new ArrayList<>();
    if (c.displayName() != null) f.add("displayName");
    if (c.familyName() != null) f.add("familyName");
    if (c.givenName() != null) f.add("givenName");
    if (c.familyNameReading() != null) f.add("familyNameReading");
    if (c.givenNameReading() != null) f.add("givenNameReading");
    if (c.email() != null) f.add("email");
    if (c.phone() != null) f.add("phone");
    if (c.locale() != null) f.add("locale");
    if (c.timeZone() != null) f.add("timeZone");
    if (c.roles() != null) f.add("roles");
    if (c.departments() != null) f.add("departments");
    return String.join(",", f);
  }
}
