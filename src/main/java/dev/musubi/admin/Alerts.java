package dev.musubi.admin;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.AdminAccess;
import dev.musubi.identity.AdminRoleGranted;
import dev.musubi.identity.Permission;
import dev.musubi.platform.Ids;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.geo.GeoIp;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * In-app alerts to a company's security admins (and super admins): an admin role granted, and the
 * other kinds raised through {@link #raise}. Alerts are never deleted; an admin acknowledges them.
 */
@Service
public class Alerts {

  /** Alert kinds (stable codes). */
  public static final String ADMIN_ROLE_GRANTED = "admin_role_granted";

  /** An alert as the console shows it. */
  public record Alert(
      UUID id,
      String kind,
      @Nullable UUID subjectId,
      String subjectLogin,
      String detail,
      Instant createdAt,
      @Nullable Instant acknowledgedAt) {}

  private static final RowMapper<Alert> ROW =
      (rs, n) ->
          new Alert(
              rs.getObject("id", UUID.class),
              rs.getString("kind"),
              rs.getObject("subject_id", UUID.class),
              rs.getString("subject_login"),
              rs.getString("detail"),
              Jdbc.requiredInstant(rs, "created_at"),
              Jdbc.instant(rs, "acknowledged_at"));

  /**
   * Whether alerts on admin sign-ins from a new country are working in this installation.
   *
   * @param state {@code loaded}, {@code off} (the operator set no IP-to-country file) or {@code
   *     failed} (the file could not be read)
   * @param rows ranges in the loaded file
   */
  public record CountryAlerts(
      boolean enabled,
      String state,
      long rows,
      long skipped,
      @Nullable Instant loadedAt,
      @Nullable String error) {}

  private final JdbcClient jdbc;
  private final GeoIp geoIp;
  private final AdminAccess access;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;

  Alerts(JdbcClient jdbc, GeoIp geoIp, AdminAccess access, AuditTrail audit, Ids ids, Clock clock) {
    this.jdbc = jdbc;
    this.geoIp = geoIp;
    this.access = access;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  /** Records an alert for the company's security admins; joins the caller's transaction. */
  public Alert raise(
      UUID tenantId, String kind, @Nullable UUID subjectId, String subjectLogin, String detail) {
    Alert a =
        new Alert(
            ids.next(),
            kind,
            subjectId,
            cut(subjectLogin, 320),
            cut(detail, 1000),
            clock.instant(),
            null);
    jdbc.sql(
            "INSERT INTO admin_alert (id, tenant_id, kind, subject_id, subject_login, detail,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(
            a.id(),
            tenantId,
            a.kind(),
            a.subjectId(),
            a.subjectLogin(),
            a.detail(),
            ts(a.createdAt()))
        .update();
    return a;
  }

  @EventListener
  void on(AdminRoleGranted e) {
    raise(
        e.tenantId(),
        ADMIN_ROLE_GRANTED,
        e.memberId(),
        e.memberLogin(),
        "role=" + e.role() + " by=" + e.grantedByLogin());
  }

  public PageResult<Alert> list(MemberPrincipal actor, boolean openOnly, int page, int size) {
    access.require(actor, Permission.ALERTS_READ);
    PageResult.check(page, size, 200);
    String where = " WHERE tenant_id = ?" + (openOnly ? " AND acknowledged_at IS NULL" : "");
    long total =
        jdbc.sql("SELECT COUNT(*) FROM admin_alert" + where)
            .param(actor.tenantId())
            .query(Long.class)
            .single();
    List<Alert> items =
        jdbc.sql(
                "SELECT * FROM admin_alert"
                    + where
                    + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
            .params(actor.tenantId(), size, (long) page * size)
            .query(ROW)
            .list();
    return new PageResult<>(items, page, size, total);
  }

  /** The state of country alerts; the operator's file name and path are not shown. */
  public CountryAlerts countryAlerts(MemberPrincipal actor) {
    access.require(actor, Permission.ALERTS_READ);
    GeoIp.Status s = geoIp.status();
    return new CountryAlerts(
        s.enabled(), s.state(), s.rows(), s.skipped(), s.loadedAt(), s.error());
  }

  @Transactional
  public Alert acknowledge(MemberPrincipal actor, UUID id) {
    access.require(actor, Permission.ALERTS_READ);
    Alert a =
        jdbc.sql("SELECT * FROM admin_alert WHERE tenant_id = ? AND id = ?")
            .params(actor.tenantId(), id)
            .query(ROW)
            .optional()
            .orElseThrow(Problems::notFound);
    if (a.acknowledgedAt() == null) {
      jdbc.sql(
              "UPDATE admin_alert SET acknowledged_at = ?, acknowledged_by = ?"
                  + " WHERE tenant_id = ? AND id = ?")
          .params(ts(clock.instant()), actor.memberId(), actor.tenantId(), id)
          .update();
      audit.record(
          AuditRecord.of(actor.tenantId(), AuditAction.ALERT_ACKNOWLEDGED)
              .actor(actor.memberId(), actor.loginId())
              .target("alert", id)
              .with("kind", a.kind()));
    }
    return jdbc.sql("SELECT * FROM admin_alert WHERE tenant_id = ? AND id = ?")
        .params(actor.tenantId(), id)
        .query(ROW)
        .single();
  }

  private static String cut(@Nullable String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() > max ? s.substring(0, max) : s;
  }
}
