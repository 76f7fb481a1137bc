package dev.musubi.admin;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.AdminAccess;
import dev.musubi.identity.Companies;
import dev.musubi.identity.Company;
import dev.musubi.identity.Directory;
import dev.musubi.identity.DirectoryMember;
import dev.musubi.identity.MemberSignedIn;
import dev.musubi.identity.Members;
import dev.musubi.identity.Permission;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.stats.MemberStorageSource;
import dev.musubi.platform.stats.UsageSource;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Daily figures per company: members by status, sign-ins, daily/weekly/monthly active members
 * (members who signed in within 1, 7 and 30 days), and the usage figures every module reports
 * through {@link UsageSource} (messages, mail, uploads, stored bytes). Sign-ins are counted as they
 * happen; a job writes each company's row for yesterday and today. Days are calendar days in
 * Asia/Tokyo.
 */
@Service
public class Statistics {

  static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");
  private static final Logger log = LoggerFactory.getLogger(Statistics.class);

  /** One company's figures on one day. */
  public record Day(
      LocalDate day,
      long membersActive,
      long membersSuspended,
      long membersDeleted,
      long signIns,
      long dailyActive,
      long weeklyActive,
      long monthlyActive,
      Map<String, Long> usage) {}

  private final JdbcClient jdbc;
  private final Members members;
  private final Companies companies;
  private final AdminAccess access;
  private final AuditTrail audit;
  private final Clock clock;
  private final List<UsageSource> sources;
  private final List<MemberStorageSource> storage;
  private final Directory directory;

  Statistics(
      JdbcClient jdbc,
      Members members,
      Companies companies,
      AdminAccess access,
      AuditTrail audit,
      Clock clock,
      List<UsageSource> sources,
      List<MemberStorageSource> storage,
      Directory directory) {
    this.jdbc = jdbc;
    this.members = members;
    this.companies = companies;
    this.access = access;
    this.audit = audit;
    this.clock = clock;
    this.sources = List.copyOf(sources);
    this.storage = List.copyOf(storage);
    this.directory = directory;
  }

  /** The usage keys every day carries, in the order the console shows them. */
  public List<String> usageKeys() {
    return sources.stream().flatMap(s -> s.keys().stream()).toList();
  }

  LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZONE);
  }

  @EventListener
  void on(MemberSignedIn e) {
    LocalDate day = today();
    jdbc.sql(
            "INSERT INTO member_active_day (tenant_id, member_id, stat_day) VALUES (?, ?, ?)"
                + " ON CONFLICT DO NOTHING")
        .params(e.tenantId(), e.memberId(), day)
        .update();
    int n =
        jdbc.sql(
                "UPDATE signin_day SET sign_ins = sign_ins + 1 WHERE tenant_id = ? AND stat_day = ?")
            .params(e.tenantId(), day)
            .update();
    if (n == 0) {
      n =
          jdbc.sql(
                  "INSERT INTO signin_day (tenant_id, stat_day, sign_ins) VALUES (?, ?, 1)"
                      + " ON CONFLICT DO NOTHING")
              .params(e.tenantId(), day)
              .update();
      if (n == 0) {
        jdbc.sql(
                "UPDATE signin_day SET sign_ins = sign_ins + 1 WHERE tenant_id = ? AND stat_day = ?")
            .params(e.tenantId(), day)
            .update();
      }
    }
  }

  /** Writes yesterday's and today's rows for every company. Hourly by default. */
  @Scheduled(
      fixedDelayString = "${musubi.admin.statistics-interval:PT1H}",
      initialDelayString = "${musubi.admin.statistics-interval:PT1H}")
  public void recordAll() {
    LocalDate today = today();
    for (Company c : companies.list()) {
      try {
        record(c.id(), today.minusDays(1));
        record(c.id(), today);
      } catch (RuntimeException ex) {
        log.warn("Statistics failed for {}", c.id(), ex);
      }
    }
  }

  /** Computes and stores one company's figures for a day. */
  @Transactional
  public Day record(UUID tenantId, LocalDate day) {
    Map<String, Long> byStatus = members.countByStatus(tenantId);
    long signIns =
        jdbc.sql("SELECT sign_ins FROM signin_day WHERE tenant_id = ? AND stat_day = ?")
            .params(tenantId, day)
            .query(Long.class)
            .optional()
            .orElse(0L);
    Day d =
        new Day(
            day,
            byStatus.getOrDefault("ACTIVE", 0L),
            byStatus.getOrDefault("SUSPENDED", 0L),
            byStatus.getOrDefault("DELETED", 0L),
            signIns,
            active(tenantId, day, 1),
            active(tenantId, day, 7),
            active(tenantId, day, 30),
            usage(tenantId, day));
    jdbc.sql("DELETE FROM statistics_usage WHERE tenant_id = ? AND stat_day = ?")
        .params(tenantId, day)
        .update();
    for (Map.Entry<String, Long> e : d.usage().entrySet()) {
      jdbc.sql(
              "INSERT INTO statistics_usage (tenant_id, stat_day, name, amount) VALUES (?, ?, ?, ?)")
          .params(tenantId, day, e.getKey(), e.getValue())
          .update();
    }
    jdbc.sql("DELETE FROM statistics_daily WHERE tenant_id = ? AND stat_day = ?")
        .params(tenantId, day)
        .update();
    jdbc.sql(
            "INSERT INTO statistics_daily (tenant_id, stat_day, members_active, members_suspended,"
                + " members_deleted, sign_ins, daily_active, weekly_active, monthly_active)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            tenantId,
            day,
            d.membersActive(),
            d.membersSuspended(),
            d.membersDeleted(),
            d.signIns(),
            d.dailyActive(),
            d.weeklyActive(),
            d.monthlyActive())
        .update();
    return d;
  }

  /** What the modules report for the day (Tokyo calendar day; sizes as of now). */
  private Map<String, Long> usage(UUID tenantId, LocalDate day) {
    Instant from = day.atStartOfDay(ZONE).toInstant();
    Instant to = day.plusDays(1).atStartOfDay(ZONE).toInstant();
    Map<String, Long> out = new LinkedHashMap<>();
    for (UsageSource source : sources) {
      Map<String, Long> figures = source.usage(tenantId, from, to);
      for (String key : source.keys()) {
        out.put(key, figures.getOrDefault(key, 0L));
      }
    }
    return out;
  }

  private long active(UUID tenantId, LocalDate day, int days) {
    return jdbc.sql(
            "SELECT COUNT(DISTINCT member_id) FROM member_active_day WHERE tenant_id = ?"
                + " AND stat_day > ? AND stat_day <= ?")
        .params(tenantId, day.minusDays(days), day)
        .query(Long.class)
        .single();
  }

  /** The stored days in the range (today refreshed first), oldest first; at most 400 days. */
  @Transactional
  public List<Day> list(MemberPrincipal actor, @Nullable String from, @Nullable String to) {
    access.require(actor, Permission.STATISTICS_READ);
    LocalDate end = parse("to", to, today());
    LocalDate start = parse("from", from, end.minusDays(29));
    if (start.isAfter(end)) {
      throw Problems.invalid("from", "range", "from must not be after to.");
    }
    if (ChronoUnit.DAYS.between(start, end) > 400) {
      throw Problems.invalid("from", "range", "At most 400 days at once.");
    }
    if (!end.isBefore(today())) {
      record(actor.tenantId(), today());
    }
    Map<LocalDate, Map<String, Long>> usage = new HashMap<>();
    jdbc.sql(
            "SELECT stat_day, name, amount FROM statistics_usage WHERE tenant_id = ?"
                + " AND stat_day >= ? AND stat_day <= ?")
        .params(actor.tenantId(), start, end)
        .query(
            rs -> {
              usage
                  .computeIfAbsent(
                      rs.getObject("stat_day", LocalDate.class), k -> new LinkedHashMap<>())
                  .put(rs.getString("name"), rs.getLong("amount"));
            });
    List<String> keys = usageKeys();
    return jdbc.sql(
            "SELECT * FROM statistics_daily WHERE tenant_id = ? AND stat_day >= ? AND stat_day <= ?"
                + " ORDER BY stat_day")
        .params(actor.tenantId(), start, end)
        .query(
            (rs, n) ->
                new Day(
                    rs.getObject("stat_day", LocalDate.class),
                    rs.getLong("members_active"),
                    rs.getLong("members_suspended"),
                    rs.getLong("members_deleted"),
                    rs.getLong("sign_ins"),
                    rs.getLong("daily_active"),
                    rs.getLong("weekly_active"),
                    rs.getLong("monthly_active"),
                    ordered(keys, usage.get(rs.getObject("stat_day", LocalDate.class)))))
        .list();
  }

  /** Every key in order; days recorded before a source existed show 0 for it. */
  private static Map<String, Long> ordered(List<String> keys, @Nullable Map<String, Long> stored) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String k : keys) {
      out.put(k, stored == null ? 0L : stored.getOrDefault(k, 0L));
    }
    return out;
  }

  /** Audits a CSV export of the figures. */
  /** One member's stored bytes per module ({@link #storageKeys()}) and in all. */
  public record MemberStorage(
      UUID memberId,
      @Nullable String loginId,
      @Nullable String displayName,
      Map<String, Long> bytes,
      long total) {}

  /** The modules' per-member storage keys, in the order the console shows them. */
  public List<String> storageKeys() {
    return storage.stream().map(MemberStorageSource::key).toList();
  }

  /**
   * What each member stores now (mailbox, personal drive, talk files), largest first, at most
   * {@code limit} members (1–10,000; members storing nothing are left out). Members no longer
   * active keep their bytes until purged; they are listed without a name.
   */
  public List<MemberStorage> storage(MemberPrincipal actor, int limit) {
    access.require(actor, Permission.STATISTICS_READ);
    if (limit < 1 || limit > 10_000) {
      throw Problems.invalid("limit", "range", "limit must be between 1 and 10000.");
    }
    Map<UUID, Map<String, Long>> byMember = new HashMap<>();
    for (MemberStorageSource source : storage) {
      source
          .bytesByMember(actor.tenantId())
          .forEach(
              (member, bytes) ->
                  byMember
                      .computeIfAbsent(member, k -> new LinkedHashMap<>())
                      .put(source.key(), bytes));
    }
    Map<UUID, DirectoryMember> names = new HashMap<>();
    for (DirectoryMember m : directory.everyone(actor.tenantId())) {
      names.put(m.id(), m);
    }
    List<String> keys = storageKeys();
    return byMember.entrySet().stream()
        .map(
            e -> {
              Map<String, Long> bytes = new LinkedHashMap<>();
              long total = 0;
              for (String k : keys) {
                long b = e.getValue().getOrDefault(k, 0L);
                bytes.put(k, b);
                total += b;
              }
              DirectoryMember m = names.get(e.getKey());
              return new MemberStorage(
                  e.getKey(),
                  m == null ? null : m.loginId(),
                  m == null ? null : m.displayName(),
                  bytes,
                  total);
            })
        .filter(m -> m.total() > 0)
        .sorted(
            java.util.Comparator.comparingLong(MemberStorage::total)
                .reversed()
                .thenComparing(m -> m.memberId().toString()))
        .limit(limit)
        .toList();
  }

  /** Records a CSV export of the per-member storage table. */
  public void storageExported(MemberPrincipal actor, int rows) {
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.STATISTICS_EXPORTED)
            .actor(actor.memberId(), actor.loginId())
            .target("statistics", actor.tenantId())
            .with("report", "storage")
            .with("rows", rows));
  }

  public void exported(MemberPrincipal actor, int rows) {
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.STATISTICS_EXPORTED)
            .actor(actor.memberId(), actor.loginId())
            .target("statistics", actor.tenantId())
            .with("rows", rows));
  }

  private static LocalDate parse(String field, @Nullable String value, LocalDate fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw Problems.invalid(field, "invalid", "A date like 2026-04-01.");
    }
  }
}
