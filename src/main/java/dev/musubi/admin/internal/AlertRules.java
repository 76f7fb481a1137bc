package dev.musubi.admin.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.admin.Alerts;
import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditLog;
import dev.musubi.audit.AuditVerification;
import dev.musubi.identity.AdminAccess;
import dev.musubi.identity.AdminSettings;
import dev.musubi.identity.MemberSignedIn;
import dev.musubi.identity.SignInFailed;
import dev.musubi.platform.geo.GeoIp;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The alert rules: repeated failed sign-ins of one member (company threshold and window), an admin
 * signing in from a network they never used or from a country not seen for them within the
 * company's window (when the operator supplied an IP-to-country file), a member downloading or
 * deleting more than the company's threshold within its window (from the audit trail, checked every
 * few minutes), and a broken audit chain (checked daily).
 */
@Component
public class AlertRules {

  public static final String FAILED_SIGNINS = "failed_signins";
  public static final String ADMIN_NEW_NETWORK = "admin_new_network";
  public static final String ADMIN_NEW_COUNTRY = "admin_new_country";
  public static final String AUDIT_CHAIN_BROKEN = "audit_chain_broken";
  public static final String MASS_DOWNLOAD = "mass_download";
  public static final String MASS_DELETION = "mass_deletion";

  /** What counts as a download: drive files and talk attachments fetched by a member. */
  static final Set<AuditAction> DOWNLOADS =
      Set.of(AuditAction.DRIVE_FILE_DOWNLOADED, AuditAction.TALK_ATTACHMENT_DOWNLOADED);

  /** What counts as a deletion: drive items moved to the trash or purged from it. */
  static final Set<AuditAction> DELETIONS =
      Set.of(AuditAction.DRIVE_ITEM_TRASHED, AuditAction.DRIVE_ITEM_PURGED);

  private static final Logger log = LoggerFactory.getLogger(AlertRules.class);

  private final JdbcClient jdbc;
  private final Alerts alerts;
  private final AdminSettings settings;
  private final AdminAccess access;
  private final AuditLog auditLog;
  private final GeoIp geoIp;
  private final Clock clock;

  AlertRules(
      JdbcClient jdbc,
      Alerts alerts,
      AdminSettings settings,
      AdminAccess access,
      AuditLog auditLog,
      GeoIp geoIp,
      Clock clock) {
    this.jdbc = jdbc;
    this.alerts = alerts;
    this.settings = settings;
    this.access = access;
    this.auditLog = auditLog;
    this.geoIp = geoIp;
    this.clock = clock;
  }

  @EventListener
  void on(SignInFailed e) {
    Instant now = clock.instant();
    AdminSettings.Settings s = settings.of(e.tenantId());
    Instant since = now.minus(Duration.ofMinutes(s.failedSignInWindowMinutes()));
    jdbc.sql("DELETE FROM signin_failure WHERE member_id = ? AND failed_at < ?")
        .params(e.memberId(), ts(since))
        .update();
    jdbc.sql("INSERT INTO signin_failure (tenant_id, member_id, failed_at) VALUES (?, ?, ?)")
        .params(e.tenantId(), e.memberId(), ts(now))
        .update();
    long count =
        jdbc.sql("SELECT COUNT(*) FROM signin_failure WHERE member_id = ? AND failed_at >= ?")
            .params(e.memberId(), ts(since))
            .query(Long.class)
            .single();
    // Once when the threshold is reached; again only after the window has passed.
    if (count == s.failedSignInThreshold()) {
      alerts.raise(
          e.tenantId(),
          FAILED_SIGNINS,
          e.memberId(),
          e.loginId(),
          count + " failed sign-ins within " + s.failedSignInWindowMinutes() + " minutes");
    }
  }

  @EventListener
  void on(MemberSignedIn e) {
    if (!access.isAdmin(e.tenantId(), e.memberId())) {
      return;
    }
    String network = network(e.ip());
    if (network == null) {
      return;
    }
    geoIp.country(e.ip()).ifPresent(country -> checkCountry(e, country, network));
    long known =
        jdbc.sql("SELECT COUNT(*) FROM admin_known_network WHERE member_id = ?")
            .param(e.memberId())
            .query(Long.class)
            .single();
    long same =
        jdbc.sql("SELECT COUNT(*) FROM admin_known_network WHERE member_id = ? AND network = ?")
            .params(e.memberId(), network)
            .query(Long.class)
            .single();
    if (same > 0) {
      return;
    }
    jdbc.sql(
            "INSERT INTO admin_known_network (tenant_id, member_id, network, first_seen_at)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
        .params(e.tenantId(), e.memberId(), network, ts(clock.instant()))
        .update();
    if (known > 0) {
      String login =
          jdbc.sql("SELECT login_id FROM member WHERE id = ?")
              .param(e.memberId())
              .query(String.class)
              .single();
      alerts.raise(
          e.tenantId(), ADMIN_NEW_NETWORK, e.memberId(), login, "admin sign-in from " + network);
    }
  }

  /**
   * Alerts when the admin signs in from a country not seen for them within the company's window.
   * The first country ever seen for an admin is their baseline and raises nothing.
   */
  private void checkCountry(MemberSignedIn e, String country, String network) {
    Instant now = clock.instant();
    int days = settings.of(e.tenantId()).newCountryDays();
    Instant since = now.minus(Duration.ofDays(days));
    long any =
        jdbc.sql("SELECT COUNT(*) FROM admin_known_country WHERE member_id = ?")
            .param(e.memberId())
            .query(Long.class)
            .single();
    long recent =
        jdbc.sql(
                "SELECT COUNT(*) FROM admin_known_country WHERE member_id = ? AND country = ?"
                    + " AND last_seen_at >= ?")
            .params(e.memberId(), country, ts(since))
            .query(Long.class)
            .single();
    int updated =
        jdbc.sql(
                "UPDATE admin_known_country SET last_seen_at = ? WHERE member_id = ?"
                    + " AND country = ?")
            .params(ts(now), e.memberId(), country)
            .update();
    if (updated == 0) {
      jdbc.sql(
              "INSERT INTO admin_known_country (tenant_id, member_id, country, first_seen_at,"
                  + " last_seen_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
          .params(e.tenantId(), e.memberId(), country, ts(now), ts(now))
          .update();
    }
    if (recent == 0 && any > 0) {
      String login =
          jdbc.sql("SELECT login_id FROM member WHERE id = ?")
              .param(e.memberId())
              .query(String.class)
              .single();
      alerts.raise(
          e.tenantId(),
          ADMIN_NEW_COUNTRY,
          e.memberId(),
          login,
          "admin sign-in from country "
              + country
              + " (not seen for this admin within "
              + days
              + " days; network "
              + network
              + ")");
    }
  }

  /** Looks for mass downloads and deletions in every company. Every five minutes by default. */
  @Scheduled(
      fixedDelayString = "${musubi.admin.mass-action-interval:PT5M}",
      initialDelayString = "${musubi.admin.mass-action-interval:PT5M}")
  public void scanMassActions() {
    for (UUID tenant : auditLog.tenantsWithTrail()) {
      try {
        checkMassActions(tenant);
      } catch (RuntimeException ex) {
        log.warn("Mass action check failed for {}", tenant, ex);
      }
    }
  }

  /**
   * Raises an alert for each member who downloaded or deleted at least the company's threshold
   * within its window; a member already alerted for the same kind within the window is not alerted
   * again. Returns how many alerts were raised.
   */
  @Transactional
  public int checkMassActions(UUID tenant) {
    AdminSettings.Settings s = settings.of(tenant);
    Instant now = clock.instant();
    Instant since = now.minus(Duration.ofMinutes(s.massWindowMinutes()));
    return massAlerts(tenant, MASS_DOWNLOAD, DOWNLOADS, s.massDownloadThreshold(), since, now, s)
        + massAlerts(tenant, MASS_DELETION, DELETIONS, s.massDeletionThreshold(), since, now, s);
  }

  private int massAlerts(
      UUID tenant,
      String kind,
      Set<AuditAction> actions,
      int threshold,
      Instant since,
      Instant now,
      AdminSettings.Settings s) {
    int raised = 0;
    for (AuditLog.ActorCount c : auditLog.countByActor(tenant, actions, since, now, threshold)) {
      long recent =
          jdbc.sql(
                  "SELECT COUNT(*) FROM admin_alert WHERE tenant_id = ? AND kind = ?"
                      + " AND subject_id = ? AND created_at >= ?")
              .params(tenant, kind, c.actorId(), ts(since))
              .query(Long.class)
              .single();
      if (recent == 0) {
        alerts.raise(
            tenant,
            kind,
            c.actorId(),
            c.actorLogin(),
            c.count()
                + (kind.equals(MASS_DOWNLOAD) ? " downloads" : " deletions")
                + " within "
                + s.massWindowMinutes()
                + " minutes");
        raised++;
      }
    }
    return raised;
  }

  /** The IPv4 /24 or IPv6 /48 the address belongs to; null if it is not an IP literal. */
  static String network(String ip) {
    if (ip == null || !ip.matches("[0-9a-fA-F:.]+")) {
      return null;
    }
    try {
      byte[] b = InetAddress.getByName(ip).getAddress();
      if (b.length == 4) {
        return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0/24";
      }
      return String.format("%02x%02x:%02x%02x:%02x%02x::/48", b[0], b[1], b[2], b[3], b[4], b[5]);
    } catch (java.net.UnknownHostException ex) {
      return null;
    }
  }

  /** Verifies every company's audit chain; a broken chain raises an alert. Daily by default. */
  @Scheduled(
      fixedDelayString = "${musubi.admin.audit-check-interval:PT24H}",
      initialDelayString = "${musubi.admin.audit-check-interval:PT24H}")
  public void verifyAuditChains() {
    for (UUID tenant : auditLog.tenantsWithTrail()) {
      try {
        checkAuditChain(tenant);
      } catch (RuntimeException ex) {
        log.warn("Audit chain check failed for {}", tenant, ex);
      }
    }
  }

  /** Verifies one company's chain; raises an alert and returns false when it is broken. */
  public boolean checkAuditChain(UUID tenant) {
    AuditVerification v = auditLog.verify(tenant);
    if (!v.valid()) {
      alerts.raise(
          tenant,
          AUDIT_CHAIN_BROKEN,
          null,
          "",
          "audit chain broken at seq " + v.firstBrokenSeq() + ": " + v.reason());
    }
    return v.valid();
  }
}
