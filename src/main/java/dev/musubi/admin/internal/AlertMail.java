package dev.musubi.admin.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.identity.AdminAccess;
import dev.musubi.identity.Permission;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.notify.MemberNotices;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Mails every new alert to the company's members who may read alerts (security admins, super admins
 * and custom roles with {@code alerts.read}), as a notice in their inbox. Each alert is claimed and
 * mailed in one transaction, so a failure retries it on the next run and two nodes never both mail
 * it. Alerts older than a day that could not be mailed are given up (they stay in the console).
 */
@Component
public class AlertMail {

  private static final Logger log = LoggerFactory.getLogger(AlertMail.class);
  private static final Duration GIVE_UP = Duration.ofDays(1);
  private static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  /** What each alert kind is called in the mail (Japanese / English). */
  private static final Map<String, String> KINDS =
      Map.of(
          "admin_role_granted", "管理者ロールの付与 / Admin role granted",
          "failed_signins", "ログイン失敗の繰り返し / Repeated failed sign-ins",
          "admin_new_network", "管理者の新しいネットワークからのログイン / Admin sign-in from a new network",
          "admin_new_country", "管理者の新しい国からのログイン / Admin sign-in from a new country",
          "audit_chain_broken", "監査ログの改ざん検知 / Audit chain broken",
          "incident_reported", "インシデント報告 / Incident reported",
          "mass_download", "大量ダウンロード / Mass download",
          "mass_deletion", "大量削除 / Mass deletion");

  private record Pending(
      UUID id, UUID tenantId, String kind, String subjectLogin, String detail, Instant createdAt) {}

  private final JdbcClient jdbc;
  private final AdminAccess access;
  private final MemberNotices notices;
  private final TransactionTemplate tx;
  private final Clock clock;

  AlertMail(
      JdbcClient jdbc,
      AdminAccess access,
      MemberNotices notices,
      TransactionTemplate tx,
      Clock clock) {
    this.jdbc = jdbc;
    this.access = access;
    this.notices = notices;
    this.tx = tx;
    this.clock = clock;
  }

  /** Mails the alerts not mailed yet; returns how many were mailed. Every minute by default. */
  @Scheduled(
      fixedDelayString = "${musubi.admin.alert-mail-interval:PT1M}",
      initialDelayString = "${musubi.admin.alert-mail-interval:PT1M}")
  public int deliverPending() {
    Instant now = clock.instant();
    List<Pending> pending =
        jdbc.sql(
                "SELECT id, tenant_id, kind, subject_login, detail, created_at FROM admin_alert"
                    + " WHERE mailed_at IS NULL ORDER BY created_at LIMIT 100")
            .query(
                (rs, n) ->
                    new Pending(
                        rs.getObject("id", UUID.class),
                        rs.getObject("tenant_id", UUID.class),
                        rs.getString("kind"),
                        rs.getString("subject_login"),
                        rs.getString("detail"),
                        Jdbc.requiredInstant(rs, "created_at")))
            .list();
    int mailed = 0;
    for (Pending p : pending) {
      try {
        Boolean done = tx.execute(s -> mail(p, now));
        if (Boolean.TRUE.equals(done)) {
          mailed++;
        }
      } catch (RuntimeException e) {
        log.warn("Alert {} could not be mailed yet: {}", p.id(), e.toString());
        if (p.createdAt().plus(GIVE_UP).isBefore(now)) {
          jdbc.sql("UPDATE admin_alert SET mailed_at = ? WHERE id = ? AND mailed_at IS NULL")
              .params(ts(now), p.id())
              .update();
        }
      }
    }
    return mailed;
  }

  private @Nullable Boolean mail(Pending p, Instant now) {
    int claimed =
        jdbc.sql("UPDATE admin_alert SET mailed_at = ? WHERE id = ? AND mailed_at IS NULL")
            .params(ts(now), p.id())
            .update();
    if (claimed == 0) {
      return false;
    }
    String kind = KINDS.getOrDefault(p.kind(), p.kind());
    String subject = "[Musubi] セキュリティアラート / Security alert: " + kind;
    String text =
        kind
            + "\n\n"
            + "対象 / Member: "
            + (p.subjectLogin().isBlank() ? "-" : p.subjectLogin())
            + "\n"
            + "内容 / Detail: "
            + p.detail()
            + "\n"
            + "日時 / Time: "
            + TIME.format(p.createdAt().atZone(ZONE))
            + " (Asia/Tokyo)\n\n"
            + "管理画面の「アラート」で確認済みにしてください。\n"
            + "Acknowledge it under Admin > Alerts: /#/admin/alerts\n";
    for (UUID reader : access.holders(p.tenantId(), Permission.ALERTS_READ)) {
      notices.deliver(p.tenantId(), reader, subject, text);
    }
    return true;
  }
}
