package dev.musubi.identity;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** A company's thresholds for security alerts and the access review's dormant flag. */
@Service
public class AdminSettings {

  /**
   * @param failedSignInThreshold failed sign-ins of one member within the window that raise an
   *     alert
   * @param dormantDays no sign-in for this many days marks a member dormant
   * @param newCountryDays an admin's sign-in from a country not seen for them within this many days
   *     raises an alert (needs the operator's IP-to-country file)
   */
  public record Settings(
      int failedSignInThreshold,
      int failedSignInWindowMinutes,
      int dormantDays,
      int massDownloadThreshold,
      int massDeletionThreshold,
      int massWindowMinutes,
      int newCountryDays) {

    public static Settings defaults() {
      return new Settings(10, 60, 90, 200, 100, 60, 90);
    }
  }

  private final JdbcClient jdbc;
  private final AdminAccess access;
  private final AuditTrail audit;
  private final Clock clock;

  AdminSettings(JdbcClient jdbc, AdminAccess access, AuditTrail audit, Clock clock) {
    this.jdbc = jdbc;
    this.access = access;
    this.audit = audit;
    this.clock = clock;
  }

  public Settings of(UUID tenantId) {
    return jdbc.sql(
            "SELECT failed_signin_threshold, failed_signin_window_minutes, dormant_days,"
                + " mass_download_threshold, mass_deletion_threshold, mass_window_minutes,"
                + " new_country_days FROM admin_settings WHERE tenant_id = ?")
        .param(tenantId)
        .query(
            (rs, n) ->
                new Settings(
                    rs.getInt(1),
                    rs.getInt(2),
                    rs.getInt(3),
                    rs.getInt(4),
                    rs.getInt(5),
                    rs.getInt(6),
                    rs.getInt(7)))
        .optional()
        .orElse(Settings.defaults());
  }

  public Settings get(MemberPrincipal actor) {
    access.requireAny(actor, Permission.ALERTS_READ, Permission.ACCESS_REVIEW_READ);
    return of(actor.tenantId());
  }

  @Transactional
  public Settings update(
      MemberPrincipal actor,
      @org.jspecify.annotations.Nullable Integer threshold,
      @org.jspecify.annotations.Nullable Integer windowMinutes,
      @org.jspecify.annotations.Nullable Integer dormantDays,
      @org.jspecify.annotations.Nullable Integer massDownloads,
      @org.jspecify.annotations.Nullable Integer massDeletions,
      @org.jspecify.annotations.Nullable Integer massWindowMinutes,
      @org.jspecify.annotations.Nullable Integer newCountryDays) {
    access.require(actor, Permission.SECURITY_WRITE);
    Settings before = of(actor.tenantId());
    // The mass-action fields came later: a client that does not send them keeps what is set.
    int downloads = massDownloads == null ? before.massDownloadThreshold() : massDownloads;
    int deletions = massDeletions == null ? before.massDeletionThreshold() : massDeletions;
    int massWindow = massWindowMinutes == null ? before.massWindowMinutes() : massWindowMinutes;
    int countryDays = newCountryDays == null ? before.newCountryDays() : newCountryDays;
    List<FieldError> e = new ArrayList<>();
    range(e, "failedSignInThreshold", threshold, 2, 1000);
    range(e, "failedSignInWindowMinutes", windowMinutes, 1, 1440);
    range(e, "dormantDays", dormantDays, 7, 3650);
    range(e, "massDownloadThreshold", downloads, 10, 100_000);
    range(e, "massDeletionThreshold", deletions, 10, 100_000);
    range(e, "massWindowMinutes", massWindow, 5, 1440);
    range(e, "newCountryDays", countryDays, 1, 3650);
    if (!e.isEmpty()) {
      throw Problems.invalid(e);
    }
    Settings s =
        new Settings(
            threshold, windowMinutes, dormantDays, downloads, deletions, massWindow, countryDays);
    int n =
        jdbc.sql(
                "UPDATE admin_settings SET failed_signin_threshold = ?,"
                    + " failed_signin_window_minutes = ?, dormant_days = ?,"
                    + " mass_download_threshold = ?, mass_deletion_threshold = ?,"
                    + " mass_window_minutes = ?, new_country_days = ?, updated_at = ?"
                    + " WHERE tenant_id = ?")
            .params(
                s.failedSignInThreshold(),
                s.failedSignInWindowMinutes(),
                s.dormantDays(),
                s.massDownloadThreshold(),
                s.massDeletionThreshold(),
                s.massWindowMinutes(),
                s.newCountryDays(),
                ts(clock.instant()),
                actor.tenantId())
            .update();
    if (n == 0) {
      jdbc.sql(
              "INSERT INTO admin_settings (tenant_id, failed_signin_threshold,"
                  + " failed_signin_window_minutes, dormant_days, mass_download_threshold,"
                  + " mass_deletion_threshold, mass_window_minutes, new_country_days, updated_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .params(
              actor.tenantId(),
              s.failedSignInThreshold(),
              s.failedSignInWindowMinutes(),
              s.dormantDays(),
              s.massDownloadThreshold(),
              s.massDeletionThreshold(),
              s.massWindowMinutes(),
              s.newCountryDays(),
              ts(clock.instant()))
          .update();
    }
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.ALERT_SETTINGS_CHANGED)
            .actor(actor.memberId(), actor.loginId())
            .target("policy", "alerts")
            .with("before", before.toString())
            .with("after", s.toString()));
    return of(actor.tenantId());
  }

  private static void range(
      List<FieldError> e,
      String field,
      @org.jspecify.annotations.Nullable Integer v,
      int min,
      int max) {
    if (v == null || v < min || v > max) {
      e.add(FieldError.range(field, min, max));
    }
  }
}
