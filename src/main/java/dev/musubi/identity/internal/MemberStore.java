package dev.musubi.identity.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.identity.Member;
import dev.musubi.identity.MemberStatus;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.security.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Members, their roles and department memberships. Every query is scoped by tenant. */
@Repository
public class MemberStore {

  static final RowMapper<MemberRow> ROW =
      (rs, n) ->
          new MemberRow(
              rs.getObject("id", UUID.class),
              rs.getObject("tenant_id", UUID.class),
              rs.getString("login_id"),
              rs.getString("display_name"),
              rs.getString("family_name"),
              rs.getString("given_name"),
              rs.getString("family_name_reading"),
              rs.getString("given_name_reading"),
              rs.getString("email"),
              rs.getString("phone"),
              MemberStatus.valueOf(rs.getString("status")),
              rs.getString("locale"),
              rs.getString("time_zone"),
              rs.getString("password_hash"),
              Jdbc.instant(rs, "password_changed_at"),
              rs.getString("totp_secret"),
              rs.getString("totp_pending_secret"),
              rs.getLong("totp_last_step"),
              Jdbc.instant(rs, "last_login_at"),
              Jdbc.requiredInstant(rs, "created_at"));

  private final JdbcClient jdbc;

  MemberStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void insert(MemberRow m, String loginKey, String skeleton) {
    jdbc.sql(
            "INSERT INTO member (id, tenant_id, login_id, login_key, login_skeleton, display_name,"
                + " family_name, given_name, family_name_reading, given_name_reading, email, phone,"
                + " status, locale, time_zone, password_hash, password_changed_at, created_at,"
                + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            m.id(),
            m.tenantId(),
            m.loginId(),
            loginKey,
            skeleton,
            m.displayName(),
            m.familyName(),
            m.givenName(),
            m.familyNameReading(),
            m.givenNameReading(),
            m.email(),
            m.phone(),
            m.status().name(),
            m.locale(),
            m.timeZone(),
            m.passwordHash(),
            ts(m.passwordChangedAt()),
            ts(m.createdAt()),
            ts(m.createdAt()))
        .update();
  }

  public boolean loginTaken(String loginKey, String skeleton) {
    return jdbc.sql("SELECT COUNT(*) FROM member WHERE login_key = ? OR login_skeleton = ?")
            .params(loginKey, skeleton)
            .query(Long.class)
            .single()
        > 0;
  }

  /** Of the given keys and skeletons, those already held by a member (any company). */
  public Set<String> takenKeys(
      java.util.Collection<String> keys, java.util.Collection<String> skeletons) {
    Set<String> taken = new java.util.HashSet<>();
    if (keys.isEmpty()) {
      return taken;
    }
    String k = String.join(",", java.util.Collections.nCopies(keys.size(), "?"));
    String s = String.join(",", java.util.Collections.nCopies(skeletons.size(), "?"));
    List<Object> params = new ArrayList<>(keys);
    params.addAll(skeletons);
    jdbc.sql(
            "SELECT login_key, login_skeleton FROM member WHERE login_key IN ("
                + k
                + ") OR login_skeleton IN ("
                + s
                + ")")
        .params(params)
        .query(
            rs -> {
              taken.add("k:" + rs.getString(1));
              taken.add("s:" + rs.getString(2));
            });
    return taken;
  }

  public Optional<MemberRow> find(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM member WHERE tenant_id = ? AND id = ? AND status <> 'DELETED'")
        .params(tenantId, id)
        .query(ROW)
        .optional();
  }

  /** Looks a member up by login key across companies (login IDs are globally unique). */
  public Optional<MemberRow> findByLoginKey(String loginKey) {
    return jdbc.sql("SELECT * FROM member WHERE login_key = ? AND status <> 'DELETED'")
        .param(loginKey)
        .query(ROW)
        .optional();
  }

  public record Page(List<MemberRow> rows, long total) {}

  public Page search(
      UUID tenantId, @Nullable String query, @Nullable MemberStatus status, int page, int size) {
    return search(tenantId, query, status, null, page, size);
  }

  /**
   * Members matching the query; with {@code departments} only members of one of them (an admin's
   * scope).
   */
  public Page search(
      UUID tenantId,
      @Nullable String query,
      @Nullable MemberStatus status,
      java.util.@Nullable Collection<UUID> departments,
      int page,
      int size) {
    StringBuilder where = new StringBuilder(" WHERE tenant_id = ? AND status <> 'DELETED'");
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    if (departments != null) {
      if (departments.isEmpty()) {
        return new Page(List.of(), 0);
      }
      where.append(
          " AND id IN (SELECT member_id FROM member_department WHERE tenant_id = ?"
              + " AND department_id IN ("
              + String.join(",", java.util.Collections.nCopies(departments.size(), "?"))
              + "))");
      params.add(tenantId);
      params.addAll(departments);
    }
    if (status != null) {
      where.append(" AND status = ?");
      params.add(status.name());
    }
    if (query != null && !query.isBlank()) {
      String like = Jdbc.likeContains(query.trim().toLowerCase());
      where.append(
          " AND (LOWER(login_id) LIKE ? ESCAPE '\\' OR LOWER(display_name) LIKE ? ESCAPE '\\'"
              + " OR LOWER(family_name || given_name) LIKE ? ESCAPE '\\'"
              + " OR LOWER(family_name_reading || given_name_reading) LIKE ? ESCAPE '\\'"
              + " OR LOWER(email) LIKE ? ESCAPE '\\' OR phone LIKE ? ESCAPE '\\')");
      for (int i = 0; i < 6; i++) {
        params.add(like);
      }
    }
    long total =
        jdbc.sql("SELECT COUNT(*) FROM member" + where).params(params).query(Long.class).single();
    List<Object> pageParams = new ArrayList<>(params);
    pageParams.add(size);
    pageParams.add((long) page * size);
    List<MemberRow> rows =
        jdbc.sql(
                "SELECT * FROM member"
                    + where
                    + " ORDER BY family_name_reading, given_name_reading, login_id"
                    + " LIMIT ? OFFSET ?")
            .params(pageParams)
            .query(ROW)
            .list();
    return new Page(rows, total);
  }

  public void updateProfile(MemberRow m, Instant now) {
    jdbc.sql(
            "UPDATE member SET display_name = ?, family_name = ?, given_name = ?,"
                + " family_name_reading = ?, given_name_reading = ?, email = ?, phone = ?,"
                + " locale = ?, time_zone = ?, updated_at = ? WHERE tenant_id = ? AND id = ?")
        .params(
            m.displayName(),
            m.familyName(),
            m.givenName(),
            m.familyNameReading(),
            m.givenNameReading(),
            m.email(),
            m.phone(),
            m.locale(),
            m.timeZone(),
            ts(now),
            m.tenantId(),
            m.id())
        .update();
  }

  public void setStatus(UUID tenantId, UUID id, MemberStatus status, Instant now) {
    jdbc.sql(
            "UPDATE member SET status = ?, updated_at = ?, deleted_at = ?"
                + " WHERE tenant_id = ? AND id = ?")
        .params(
            status.name(), ts(now), status == MemberStatus.DELETED ? ts(now) : null, tenantId, id)
        .update();
  }

  public void setPassword(UUID tenantId, UUID id, String hash, Instant now) {
    jdbc.sql(
            "UPDATE member SET password_hash = ?, password_changed_at = ?, updated_at = ?"
                + " WHERE tenant_id = ? AND id = ?")
        .params(hash, ts(now), ts(now), tenantId, id)
        .update();
    jdbc.sql("INSERT INTO password_history (member_id, password_hash, created_at) VALUES (?, ?, ?)")
        .params(id, hash, ts(now))
        .update();
  }

  /**
   * Replaces a password hash by one of the same password made with the current costs. Keeps the
   * change date and the history (the password did not change); does nothing when the stored hash is
   * no longer {@code oldHash} (a password change or another sign-in came first).
   */
  public boolean rehashPassword(UUID id, String oldHash, String newHash) {
    return jdbc.sql("UPDATE member SET password_hash = ? WHERE id = ? AND password_hash = ?")
            .params(newHash, id, oldHash)
            .update()
        == 1;
  }

  public List<String> passwordHistory(UUID id, int count) {
    if (count <= 0) {
      return List.of();
    }
    return jdbc.sql(
            "SELECT password_hash FROM password_history WHERE member_id = ?"
                + " ORDER BY created_at DESC LIMIT ?")
        .params(id, count)
        .query(String.class)
        .list();
  }

  public void setLastLogin(UUID id, Instant now) {
    jdbc.sql("UPDATE member SET last_login_at = ? WHERE id = ?").params(ts(now), id).update();
  }

  public void setTotpPending(UUID tenantId, UUID id, @Nullable String secret) {
    jdbc.sql("UPDATE member SET totp_pending_secret = ? WHERE tenant_id = ? AND id = ?")
        .params(secret, tenantId, id)
        .update();
  }

  public void setTotp(UUID tenantId, UUID id, @Nullable String secret, long lastStep) {
    jdbc.sql(
            "UPDATE member SET totp_secret = ?, totp_pending_secret = NULL, totp_last_step = ?"
                + " WHERE tenant_id = ? AND id = ?")
        .params(secret, lastStep, tenantId, id)
        .update();
  }

  /** Moves the replay guard forward; false if another request used this step already. */
  public boolean advanceTotpStep(UUID id, long step) {
    return jdbc.sql("UPDATE member SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
            .params(step, id, step)
            .update()
        == 1;
  }

  public void replaceRecoveryCodes(UUID id, List<String> hashes) {
    jdbc.sql("DELETE FROM recovery_code WHERE member_id = ?").param(id).update();
    for (String h : hashes) {
      jdbc.sql("INSERT INTO recovery_code (member_id, code_hash) VALUES (?, ?)")
          .params(id, h)
          .update();
    }
  }

  public boolean useRecoveryCode(UUID id, String hash, Instant now) {
    return jdbc.sql(
                "UPDATE recovery_code SET used_at = ? WHERE member_id = ? AND code_hash = ?"
                    + " AND used_at IS NULL")
            .params(ts(now), id, hash)
            .update()
        == 1;
  }

  public int recoveryCodesLeft(UUID id) {
    return jdbc.sql("SELECT COUNT(*) FROM recovery_code WHERE member_id = ? AND used_at IS NULL")
        .param(id)
        .query(Integer.class)
        .single();
  }

  // Roles -------------------------------------------------------------------------------------

  public Set<Role> roles(UUID id) {
    return roles(
        jdbc.sql("SELECT role FROM member_role WHERE member_id = ?")
            .param(id)
            .query(String.class)
            .list());
  }

  /** The roles of these stored role codes, with {@link Role#MEMBER} that everyone has. */
  static Set<Role> roles(List<String> codes) {
    Set<Role> roles =
        codes.stream()
            .map(Role::fromCode)
            .flatMap(Optional::stream)
            .collect(Collectors.toCollection(() -> java.util.EnumSet.noneOf(Role.class)));
    roles.add(Role.MEMBER);
    return roles;
  }

  /** Members of the company holding any built-in role besides member. */
  public List<UUID> withRoles(UUID tenantId) {
    return jdbc.sql("SELECT DISTINCT member_id FROM member_role WHERE tenant_id = ?")
        .param(tenantId)
        .query(UUID.class)
        .list();
  }

  public void setRoles(UUID tenantId, UUID id, Set<Role> roles) {
    jdbc.sql("DELETE FROM member_role WHERE tenant_id = ? AND member_id = ?")
        .params(tenantId, id)
        .update();
    for (Role r : roles) {
      if (r != Role.MEMBER) {
        jdbc.sql("INSERT INTO member_role (tenant_id, member_id, role) VALUES (?, ?, ?)")
            .params(tenantId, id, r.code())
            .update();
      }
    }
  }

  // Departments -------------------------------------------------------------------------------

  public void setDepartments(UUID tenantId, UUID id, List<DepartmentAssignment> departments) {
    jdbc.sql("DELETE FROM member_department WHERE tenant_id = ? AND member_id = ?")
        .params(tenantId, id)
        .update();
    for (DepartmentAssignment d : departments) {
      jdbc.sql(
              "INSERT INTO member_department (tenant_id, member_id, department_id, position,"
                  + " is_primary) VALUES (?, ?, ?, ?, ?)")
          .params(tenantId, id, d.departmentId(), d.position(), d.primary())
          .update();
    }
  }

  public Map<UUID, List<Member.DepartmentMembership>> departmentsOf(
      UUID tenantId, List<UUID> memberIds) {
    Map<UUID, List<Member.DepartmentMembership>> result = new HashMap<>();
    if (memberIds.isEmpty()) {
      return result;
    }
    String in = String.join(",", java.util.Collections.nCopies(memberIds.size(), "?"));
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    params.addAll(memberIds);
    jdbc.sql(
            "SELECT md.member_id, d.id, d.name, md.position, md.is_primary"
                + " FROM member_department md JOIN department d ON d.id = md.department_id"
                + " WHERE md.tenant_id = ? AND md.member_id IN ("
                + in
                + ") ORDER BY md.is_primary DESC, d.sort_order, d.name")
        .params(params)
        .query(
            rs -> {
              result
                  .computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                  .add(
                      new Member.DepartmentMembership(
                          rs.getObject(2, UUID.class),
                          rs.getString(3),
                          rs.getString(4),
                          rs.getBoolean(5)));
            });
    return result;
  }

  public List<UUID> departmentIdsOf(UUID tenantId, UUID memberId) {
    return jdbc.sql(
            "SELECT department_id FROM member_department WHERE tenant_id = ? AND member_id = ?")
        .params(tenantId, memberId)
        .query(UUID.class)
        .list();
  }

  public Map<UUID, Set<Role>> rolesOf(UUID tenantId, List<UUID> memberIds) {
    Map<UUID, Set<Role>> result = new HashMap<>();
    for (UUID id : memberIds) {
      result.put(id, roles(id));
    }
    return result;
  }

  /** A member's place in a department, as given when creating or updating a member. */
  public record DepartmentAssignment(UUID departmentId, String position, boolean primary) {}
}
