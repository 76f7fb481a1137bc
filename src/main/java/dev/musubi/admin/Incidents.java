package dev.musubi.admin;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.AdminAccess;
import dev.musubi.identity.Permission;
import dev.musubi.platform.Ids;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Incident reports from members: stored, audited (without the text), raised as an alert to the
 * company's security admins, listed for them in full and for the operator as a summary.
 */
@Service
public class Incidents {

  public static final Set<String> CATEGORIES =
      Set.of("phishing", "lost_device", "account_compromise", "data_leak", "malware", "other");

  /** An incident as security admins see it. */
  public record Incident(
      UUID id,
      String reporterLogin,
      String category,
      String summary,
      String details,
      Instant createdAt) {}

  /** What the operator sees: the company, category and time, not the text. */
  public record OperatorIncident(UUID id, UUID tenantId, String category, Instant createdAt) {}

  private static final RowMapper<Incident> ROW =
      (rs, n) ->
          new Incident(
              rs.getObject("id", UUID.class),
              rs.getString("reporter_login"),
              rs.getString("category"),
              rs.getString("summary"),
              rs.getString("details"),
              Jdbc.requiredInstant(rs, "created_at"));

  private final JdbcClient jdbc;
  private final Alerts alerts;
  private final AdminAccess access;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;

  Incidents(
      JdbcClient jdbc, Alerts alerts, AdminAccess access, AuditTrail audit, Ids ids, Clock clock) {
    this.jdbc = jdbc;
    this.alerts = alerts;
    this.access = access;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  @Transactional
  public Incident report(
      MemberPrincipal reporter,
      @Nullable String category,
      @Nullable String summary,
      @Nullable String details) {
    if (reporter.has(Role.OPERATOR)) {
      throw Problems.forbidden("The operator account does not belong to a company.");
    }
    List<FieldError> e = new ArrayList<>();
    if (category == null || !CATEGORIES.contains(category)) {
      e.add(new FieldError("category", "invalid", "Choose a category."));
    }
    text(e, "summary", summary, 1, 200);
    text(e, "details", details, 0, 4000);
    if (!e.isEmpty()) {
      throw Problems.invalid(e);
    }
    Incident i =
        new Incident(
            ids.next(),
            reporter.loginId(),
            category,
            summary.strip(),
            details == null ? "" : details.strip(),
            clock.instant());
    jdbc.sql(
            "INSERT INTO incident_report (id, tenant_id, reporter_id, reporter_login, category,"
                + " summary, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            i.id(),
            reporter.tenantId(),
            reporter.memberId(),
            i.reporterLogin(),
            i.category(),
            i.summary(),
            i.details(),
            ts(i.createdAt()))
        .update();
    audit.record(
        AuditRecord.of(reporter.tenantId(), AuditAction.INCIDENT_REPORTED)
            .actor(reporter.memberId(), reporter.loginId())
            .target("incident", i.id())
            .with("category", i.category()));
    alerts.raise(
        reporter.tenantId(),
        "incident_reported",
        reporter.memberId(),
        reporter.loginId(),
        "incident " + i.id() + " (" + i.category() + ")");
    return i;
  }

  public PageResult<Incident> list(MemberPrincipal actor, int page, int size) {
    access.require(actor, Permission.ALERTS_READ);
    PageResult.check(page, size, 200);
    long total =
        jdbc.sql("SELECT COUNT(*) FROM incident_report WHERE tenant_id = ?")
            .param(actor.tenantId())
            .query(Long.class)
            .single();
    List<Incident> items =
        jdbc.sql(
                "SELECT * FROM incident_report WHERE tenant_id = ?"
                    + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
            .params(actor.tenantId(), size, (long) page * size)
            .query(ROW)
            .list();
    return new PageResult<>(items, page, size, total);
  }

  /** Every company's incidents for the operator (no reporter, no text). */
  public List<OperatorIncident> forOperator(MemberPrincipal actor) {
    if (!actor.has(Role.OPERATOR)) {
      throw Problems.forbidden("Only the operator can list incidents of every company.");
    }
    return jdbc.sql(
            "SELECT id, tenant_id, category, created_at FROM incident_report"
                + " ORDER BY created_at DESC LIMIT 500")
        .query(
            (rs, n) ->
                new OperatorIncident(
                    rs.getObject(1, UUID.class),
                    rs.getObject(2, UUID.class),
                    rs.getString(3),
                    Jdbc.requiredInstant(rs, "created_at")))
        .list();
  }

  private static void text(List<FieldError> e, String field, @Nullable String v, int min, int max) {
    String s = v == null ? "" : v.strip();
    if (s.length() < min) {
      e.add(FieldError.required(field));
    } else if (s.length() > max) {
      e.add(FieldError.tooLong(field, max));
    }
  }
}
