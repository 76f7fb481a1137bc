package dev.musubi.messaging;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.RecentAuthentication;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The company's talk settings: every member reads them (the client needs the windows); admins may
 * read them in the admin API and only super admins change them.
 */
@Service
public class TalkPolicies {

  private final JdbcClient jdbc;
  private final AuditTrail audit;
  private final Clock clock;

  private final RecentAuthentication recentAuthentication;

  TalkPolicies(
      JdbcClient jdbc, AuditTrail audit, Clock clock, RecentAuthentication recentAuthentication) {
    this.recentAuthentication = recentAuthentication;
    this.jdbc = jdbc;
    this.audit = audit;
    this.clock = clock;
  }

  /** The settings of a company; the defaults when none were saved. */
  public TalkSettings of(UUID tenantId) {
    return jdbc.sql(
            "SELECT edit_window_hours, recall_window_hours, read_by_visible, attachment_max_mb"
                + " FROM talk_settings WHERE tenant_id = ?")
        .param(tenantId)
        .query(
            (rs, i) -> new TalkSettings(rs.getInt(1), rs.getInt(2), rs.getBoolean(3), rs.getInt(4)))
        .optional()
        .orElse(TalkSettings.DEFAULTS);
  }

  /** The settings as the admin API shows them; any admin role. */
  public TalkSettings forAdmin(MemberPrincipal actor) {
    if (!actor.isAdmin()) {
      throw Problems.forbidden("You need an admin role for this.");
    }
    return of(actor.tenantId());
  }

  /** Changed values; null keeps the current one. */
  public record Changes(
      @Nullable Integer editWindowHours,
      @Nullable Integer recallWindowHours,
      @Nullable Boolean readByVisible,
      @Nullable Integer attachmentMaxMb) {}

  /** Changes the settings; super admins only; 422 with field errors for invalid values. */
  @Transactional
  public TalkSettings update(MemberPrincipal actor, Changes c) {
    if (!actor.has(Role.SUPER_ADMIN)) {
      throw Problems.forbidden("Only a super admin can change the talk settings.");
    }
    recentAuthentication.require(actor);
    TalkSettings cur = of(actor.tenantId());
    List<FieldError> errors = new ArrayList<>();
    window(errors, "editWindowHours", c.editWindowHours());
    window(errors, "recallWindowHours", c.recallWindowHours());
    if (c.attachmentMaxMb() != null && (c.attachmentMaxMb() < 1 || c.attachmentMaxMb() > 100)) {
      errors.add(new FieldError("attachmentMaxMb", "range", "Must be between 1 and 100."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    TalkSettings next =
        new TalkSettings(
            c.editWindowHours() == null ? cur.editWindowHours() : c.editWindowHours(),
            c.recallWindowHours() == null ? cur.recallWindowHours() : c.recallWindowHours(),
            c.readByVisible() == null ? cur.readByVisible() : c.readByVisible(),
            c.attachmentMaxMb() == null ? cur.attachmentMaxMb() : c.attachmentMaxMb());
    int n =
        jdbc.sql(
                "UPDATE talk_settings SET edit_window_hours = ?, recall_window_hours = ?,"
                    + " read_by_visible = ?, attachment_max_mb = ?, updated_by = ?,"
                    + " updated_at = ? WHERE tenant_id = ?")
            .params(
                next.editWindowHours(),
                next.recallWindowHours(),
                next.readByVisible(),
                next.attachmentMaxMb(),
                actor.memberId(),
                ts(clock.instant()),
                actor.tenantId())
            .update();
    if (n == 0) {
      jdbc.sql(
              "INSERT INTO talk_settings (tenant_id, edit_window_hours, recall_window_hours,"
                  + " read_by_visible, attachment_max_mb, updated_by, updated_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
          .params(
              actor.tenantId(),
              next.editWindowHours(),
              next.recallWindowHours(),
              next.readByVisible(),
              next.attachmentMaxMb(),
              actor.memberId(),
              ts(clock.instant()))
          .update();
    }
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.TALK_SETTINGS_CHANGED)
            .actor(actor.memberId(), actor.loginId())
            .target("company", actor.tenantId())
            .with("before", cur.toString())
            .with("after", next.toString())
            .with("editWindowHours", Integer.toString(next.editWindowHours()))
            .with("recallWindowHours", Integer.toString(next.recallWindowHours()))
            .with("readByVisible", Boolean.toString(next.readByVisible()))
            .with("attachmentMaxMb", Integer.toString(next.attachmentMaxMb())));
    return next;
  }

  private static void window(List<FieldError> errors, String field, @Nullable Integer hours) {
    if (hours != null && hours != 1 && hours != 24) {
      errors.add(new FieldError(field, "invalid", "Must be 1 or 24 (hours)."));
    }
  }
}
