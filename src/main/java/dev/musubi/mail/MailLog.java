package dev.musubi.mail;

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
import dev.musubi.platform.web.Problems;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The mail log: one row per message handled (time, direction, envelope, subject, size, attachment
 * count, SPF/DKIM/DMARC, status, retries), never its content. Admins with the security permission
 * read and export it; rows older than the company's retention are deleted.
 */
@Service
public class MailLog {

  private static final Set<String> STATUSES =
      Set.of("delivered", "junk", "rejected", "refused", "queued", "sent", "deferred", "bounced");

  private static final RowMapper<MailLogEntry> ROW =
      (rs, n) ->
          new MailLogEntry(
              rs.getObject("id", UUID.class),
              Jdbc.requiredInstant(rs, "logged_at"),
              rs.getString("direction"),
              rs.getString("mail_from"),
              rs.getString("recipients").isEmpty()
                  ? List.of()
                  : Arrays.asList(rs.getString("recipients").split(" ")),
              rs.getString("subject"),
              rs.getLong("size"),
              rs.getInt("attachments"),
              rs.getString("spf"),
              rs.getString("dkim"),
              rs.getString("dmarc"),
              rs.getString("status"),
              rs.getInt("retries"),
              rs.getString("detail"));

  private final JdbcClient jdbc;
  private final AdminAccess access;
  private final MailDomains domains;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;

  MailLog(
      JdbcClient jdbc,
      AdminAccess access,
      MailDomains domains,
      AuditTrail audit,
      Ids ids,
      Clock clock) {
    this.jdbc = jdbc;
    this.access = access;
    this.domains = domains;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  /** Appends a row in the caller's transaction and returns its ID. */
  @Transactional
  public UUID record(
      UUID tenantId,
      String direction,
      String from,
      List<String> to,
      String subject,
      long size,
      int attachments,
      MailInbound.AuthResults auth,
      String status,
      String detail) {
    UUID id = ids.next();
    jdbc.sql(
            "INSERT INTO mail_log (id, tenant_id, logged_at, direction, mail_from, recipients,"
                + " subject, size, attachments, spf, dkim, dmarc, status, retries, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)")
        .params(
            id,
            tenantId,
            ts(clock.instant()),
            direction,
            clip(clean(from), 320),
            clip(clean(String.join(" ", to)), 20000),
            clip(clean(subject), 1000),
            size,
            attachments,
            clip(auth.spf(), 20),
            clip(auth.dkim(), 20),
            clip(auth.dmarc(), 20),
            status,
            clip(clean(detail), 1000))
        .update();
    return id;
  }

  /** Changes a row's status, retry count and detail. */
  @Transactional
  public void update(UUID tenantId, UUID id, String status, int retries, String detail) {
    jdbc.sql(
            "UPDATE mail_log SET status = ?, retries = ?, detail = ? WHERE tenant_id = ? AND id = ?")
        .params(status, retries, clip(clean(detail), 1000), tenantId, id)
        .update();
  }

  public PageResult<MailLogEntry> list(
      MemberPrincipal actor,
      @Nullable String direction,
      @Nullable String q,
      @Nullable String status,
      @Nullable String from,
      @Nullable String to,
      int page,
      int size) {
    access.require(actor, Permission.SECURITY_READ);
    PageResult.check(page, size, 500);
    Filter f = filter(actor.tenantId(), direction, q, status, from, to);
    long total =
        jdbc.sql("SELECT COUNT(*) FROM mail_log WHERE " + f.where())
            .params(f.params())
            .query(Long.class)
            .single();
    List<Object> params = new ArrayList<>(f.params());
    params.add(size);
    params.add((long) page * size);
    List<MailLogEntry> items =
        jdbc.sql(
                "SELECT * FROM mail_log WHERE "
                    + f.where()
                    + " ORDER BY logged_at DESC, id DESC LIMIT ? OFFSET ?")
            .params(params)
            .query(ROW)
            .list();
    return new PageResult<>(items, page, size, total);
  }

  /** The filtered log as CSV (UTF-8 with a byte order mark, for Excel); at most 100,000 rows. */
  @Transactional
  public byte[] csv(
      MemberPrincipal actor,
      @Nullable String direction,
      @Nullable String q,
      @Nullable String status,
      @Nullable String from,
      @Nullable String to) {
    access.require(actor, Permission.SECURITY_READ);
    Filter f = filter(actor.tenantId(), direction, q, status, from, to);
    StringBuilder b = new StringBuilder("\uFEFF");
    b.append(
        "time,direction,from,to,subject,size,attachments,spf,dkim,dmarc,status,retries,detail\r\n");
    List<MailLogEntry> rows =
        jdbc.sql(
                "SELECT * FROM mail_log WHERE "
                    + f.where()
                    + " ORDER BY logged_at DESC LIMIT 100000")
            .params(f.params())
            .query(ROW)
            .list();
    for (MailLogEntry e : rows) {
      b.append(
              String.join(
                  ",",
                  cell(e.time().toString()),
                  cell(e.direction()),
                  cell(e.from()),
                  cell(String.join(" ", e.to())),
                  cell(e.subject()),
                  Long.toString(e.size()),
                  Integer.toString(e.attachments()),
                  cell(e.spf()),
                  cell(e.dkim()),
                  cell(e.dmarc()),
                  cell(e.status()),
                  Integer.toString(e.retries()),
                  cell(e.detail())))
          .append("\r\n");
    }
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MAIL_LOG_EXPORTED)
            .actor(actor.memberId(), actor.loginId())
            .with("rows", rows.size()));
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Deletes rows older than each company's retention. */
  @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
  public void applyRetention() {
    List<UUID> tenants =
        jdbc.sql("SELECT DISTINCT tenant_id FROM mail_log").query(UUID.class).list();
    for (UUID t : tenants) {
      int days = domains.policy(t).logRetentionDays();
      jdbc.sql("DELETE FROM mail_log WHERE tenant_id = ? AND logged_at < ?")
          .params(t, ts(clock.instant().minus(Duration.ofDays(days))))
          .update();
    }
  }

  private record Filter(String where, List<Object> params) {}

  private static Filter filter(
      UUID tenantId,
      @Nullable String direction,
      @Nullable String q,
      @Nullable String status,
      @Nullable String from,
      @Nullable String to) {
    StringBuilder w = new StringBuilder("tenant_id = ?");
    List<Object> p = new ArrayList<>(List.of(tenantId));
    if (direction != null && !direction.isBlank()) {
      if (!direction.equals("in") && !direction.equals("out")) {
        throw Problems.invalid("direction", "invalid", "Must be in or out.");
      }
      w.append(" AND direction = ?");
      p.add(direction);
    }
    if (status != null && !status.isBlank()) {
      if (!STATUSES.contains(status)) {
        throw Problems.invalid("status", "invalid", "Unknown status.");
      }
      w.append(" AND status = ?");
      p.add(status);
    }
    if (q != null && !q.isBlank()) {
      if (q.length() > 200) {
        throw Problems.invalid("q", "too_long", "At most 200 characters.");
      }
      String like = Jdbc.likeContains(q.strip().toLowerCase(java.util.Locale.ROOT));
      w.append(
          " AND (LOWER(mail_from) LIKE ? ESCAPE '\\' OR LOWER(recipients) LIKE ? ESCAPE '\\'"
              + " OR LOWER(subject) LIKE ? ESCAPE '\\')");
      p.add(like);
      p.add(like);
      p.add(like);
    }
    if (from != null && !from.isBlank()) {
      w.append(" AND logged_at >= ?");
      p.add(ts(time("from", from)));
    }
    if (to != null && !to.isBlank()) {
      w.append(" AND logged_at < ?");
      p.add(ts(time("to", to)));
    }
    return new Filter(w.toString(), p);
  }

  private static Instant time(String field, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      try {
        return java.time.LocalDate.parse(value).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw Problems.invalid(field, "invalid", "An ISO-8601 instant or date.");
      }
    }
  }

  /** A CSV cell, quoted, with formula prefixes neutralised (CSV injection). */
  private static String cell(String value) {
    return dev.musubi.platform.web.Csv.cell(value);
  }

  private static String clean(String s) {
    return s.replaceAll("\\p{Cntrl}", " ");
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
