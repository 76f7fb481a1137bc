package dev.musubi.identity.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.identity.Company;
import dev.musubi.identity.SecurityPolicy;
import dev.musubi.platform.Jdbc;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Companies and their security policies. */
@Repository
public class CompanyStore {

  /** The company that holds the operator account; it is not a customer and has no domain. */
  public static final UUID SYSTEM_TENANT = new UUID(0, 0);

  private static final RowMapper<Company> COMPANY =
      (rs, n) ->
          new Company(
              rs.getObject("id", UUID.class),
              rs.getString("name"),
              rs.getString("domain"),
              rs.getString("status"),
              Jdbc.requiredInstant(rs, "created_at"));

  private final JdbcClient jdbc;

  CompanyStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void insert(Company company, boolean system) {
    jdbc.sql(
            "INSERT INTO company (id, name, domain, status, is_system, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)")
        .params(
            company.id(),
            company.name(),
            company.domain(),
            company.status(),
            system,
            ts(company.createdAt()))
        .update();
  }

  public Optional<Company> find(UUID id) {
    return jdbc.sql("SELECT * FROM company WHERE id = ? AND is_system = FALSE")
        .param(id)
        .query(COMPANY)
        .optional();
  }

  public Optional<Company> findByDomain(String domain) {
    return jdbc.sql("SELECT * FROM company WHERE domain = ?")
        .param(domain)
        .query(COMPANY)
        .optional();
  }

  public List<Company> list() {
    return jdbc.sql("SELECT * FROM company WHERE is_system = FALSE ORDER BY created_at")
        .query(COMPANY)
        .list();
  }

  public long countCustomers() {
    return jdbc.sql("SELECT COUNT(*) FROM company WHERE is_system = FALSE")
        .query(Long.class)
        .single();
  }

  public boolean systemExists() {
    return jdbc.sql("SELECT COUNT(*) FROM company WHERE id = ?")
            .param(SYSTEM_TENANT)
            .query(Long.class)
            .single()
        > 0;
  }

  public void insertPolicy(UUID tenantId, SecurityPolicy p, Instant now) {
    jdbc.sql(
            "INSERT INTO security_policy (tenant_id, password_min_length, password_history,"
                + " password_max_age_days, lockout_threshold, lockout_window_minutes,"
                + " lockout_duration_seconds, mfa_requirement, session_idle_minutes,"
                + " session_absolute_minutes, ip_allowlist, mfa_methods, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            tenantId,
            p.passwordMinLength(),
            p.passwordHistory(),
            p.passwordMaxAgeDays(),
            p.lockoutThreshold(),
            p.lockoutWindowMinutes(),
            p.lockoutDurationSeconds(),
            p.mfaRequirement(),
            p.sessionIdleMinutes(),
            p.sessionAbsoluteMinutes(),
            String.join("\n", p.ipAllowlist()),
            String.join(",", p.mfaMethods()),
            ts(now))
        .update();
  }

  public void updatePolicy(UUID tenantId, SecurityPolicy p, Instant now) {
    jdbc.sql(
            "UPDATE security_policy SET password_min_length = ?, password_history = ?,"
                + " password_max_age_days = ?, lockout_threshold = ?, lockout_window_minutes = ?,"
                + " lockout_duration_seconds = ?, mfa_requirement = ?, session_idle_minutes = ?,"
                + " session_absolute_minutes = ?, ip_allowlist = ?, mfa_methods = ?,"
                + " updated_at = ?"
                + " WHERE tenant_id = ?")
        .params(
            p.passwordMinLength(),
            p.passwordHistory(),
            p.passwordMaxAgeDays(),
            p.lockoutThreshold(),
            p.lockoutWindowMinutes(),
            p.lockoutDurationSeconds(),
            p.mfaRequirement(),
            p.sessionIdleMinutes(),
            p.sessionAbsoluteMinutes(),
            String.join("\n", p.ipAllowlist()),
            String.join(",", p.mfaMethods()),
            ts(now),
            tenantId)
        .update();
  }

  public SecurityPolicy policy(UUID tenantId) {
    return jdbc.sql("SELECT * FROM security_policy WHERE tenant_id = ?")
        .param(tenantId)
        .query((rs, n) -> policy(rs, ""))
        .optional()
        .orElse(SecurityPolicy.defaults());
  }

  /** The policy columns of a {@code security_policy} row, each named {@code prefix + column}. */
  static final String POLICY_COLUMNS =
      "password_min_length, password_history, password_max_age_days, lockout_threshold,"
          + " lockout_window_minutes, lockout_duration_seconds, mfa_requirement,"
          + " session_idle_minutes, session_absolute_minutes, ip_allowlist, mfa_methods";

  /** A policy read from a row whose policy columns carry {@code prefix}. */
  static SecurityPolicy policy(java.sql.ResultSet rs, String prefix) throws java.sql.SQLException {
    return new SecurityPolicy(
        rs.getInt(prefix + "password_min_length"),
        rs.getInt(prefix + "password_history"),
        rs.getInt(prefix + "password_max_age_days"),
        rs.getInt(prefix + "lockout_threshold"),
        rs.getInt(prefix + "lockout_window_minutes"),
        rs.getInt(prefix + "lockout_duration_seconds"),
        rs.getString(prefix + "mfa_requirement"),
        rs.getInt(prefix + "session_idle_minutes"),
        rs.getInt(prefix + "session_absolute_minutes"),
        Arrays.stream(rs.getString(prefix + "ip_allowlist").split("\n"))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList(),
        Arrays.stream(rs.getString(prefix + "mfa_methods").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList());
  }
}
