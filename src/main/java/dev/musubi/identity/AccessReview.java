package dev.musubi.identity;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.internal.Fields;
import dev.musubi.identity.internal.MemberRow;
import dev.musubi.identity.internal.MemberStore;
import dev.musubi.identity.internal.Revocations;
import dev.musubi.platform.Ids;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The access review: every member with their roles, admin scope, two-step status, last sign-in,
 * dormant flag and tokens; and review cycles in which a reviewer signs off ("keep") or revokes per
 * member. Each decision is audited; a revoke takes admin grants, sessions and tokens away.
 */
@Service
public class AccessReview {

  /** One member in the report. */
  public record Entry(
      UUID memberId,
      String loginId,
      String displayName,
      MemberStatus status,
      List<String> roles,
      List<String> customRoles,
      List<UUID> adminScope,
      boolean mfaEnabled,
      @Nullable Instant lastLoginAt,
      boolean dormant,
      long activeTokens,
      @Nullable String decision) {}

  /** A review cycle with its progress. */
  public record Cycle(
      UUID id,
      String name,
      Instant startedAt,
      @Nullable Instant closedAt,
      long decided,
      long kept,
      long revoked) {}

  private final JdbcClient jdbc;
  private final MemberStore members;
  private final AdminAccess access;
  private final AdminSettings settings;
  private final Revocations revocations;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;

  AccessReview(
      JdbcClient jdbc,
      MemberStore members,
      AdminAccess access,
      AdminSettings settings,
      Revocations revocations,
      AuditTrail audit,
      Ids ids,
      Clock clock) {
    this.jdbc = jdbc;
    this.members = members;
    this.access = access;
    this.settings = settings;
    this.revocations = revocations;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  /** The report, a page at a time; with a cycle, each member's decision in it. */
  public PageResult<Entry> report(
      MemberPrincipal actor, @Nullable UUID cycleId, boolean dormantOnly, int page, int size) {
    access.require(actor, Permission.ACCESS_REVIEW_READ);
    PageResult.check(page, size, 500);
    if (cycleId != null) {
      cycle(actor, cycleId);
    }
    UUID t = actor.tenantId();
    Instant now = clock.instant();
    Instant dormantBefore = now.minus(Duration.ofDays(settings.of(t).dormantDays()));
    String where = " WHERE tenant_id = ? AND status <> 'DELETED'";
    if (dormantOnly) {
      where += " AND COALESCE(last_login_at, created_at) < ?";
    }
    List<Object> params = new java.util.ArrayList<>(List.of(t));
    if (dormantOnly) {
      params.add(ts(dormantBefore));
    }
    long total =
        jdbc.sql("SELECT COUNT(*) FROM member" + where).params(params).query(Long.class).single();
    List<Object> pageParams = new java.util.ArrayList<>(params);
    pageParams.add(size);
    pageParams.add((long) page * size);
    List<MemberRow> rows =
        jdbc.sql("SELECT * FROM member" + where + " ORDER BY login_id LIMIT ? OFFSET ?")
            .params(pageParams)
            .query(memberRows())
            .list();
    Map<UUID, List<String>> custom = access.customRoleNames(t);
    Map<UUID, List<UUID>> scopes = access.scopesOf(t);
    Map<UUID, Long> tokens = new HashMap<>();
    jdbc.sql(
            "SELECT member_id, COUNT(*) FROM access_token WHERE tenant_id = ? AND revoked_at IS NULL"
                + " AND (expires_at IS NULL OR expires_at > ?) GROUP BY member_id")
        .params(t, ts(now))
        .query(
            rs -> {
              tokens.put(rs.getObject(1, UUID.class), rs.getLong(2));
            });
    Map<UUID, String> decisions = new HashMap<>();
    if (cycleId != null) {
      jdbc.sql(
              "SELECT member_id, decision FROM access_review_decision WHERE tenant_id = ?"
                  + " AND review_id = ?")
          .params(t, cycleId)
          .query(
              rs -> {
                decisions.put(rs.getObject(1, UUID.class), rs.getString(2));
              });
    }
    List<Entry> items =
        rows.stream()
            .map(
                m -> {
                  Instant seen = m.lastLoginAt() != null ? m.lastLoginAt() : m.createdAt();
                  return new Entry(
                      m.id(),
                      m.loginId(),
                      m.displayName(),
                      m.status(),
                      members.roles(m.id()).stream()
                          .filter(r -> r != Role.MEMBER)
                          .map(Role::code)
                          .sorted()
                          .toList(),
                      custom.getOrDefault(m.id(), List.of()),
                      scopes.getOrDefault(m.id(), List.of()),
                      m.totpEnabled(),
                      m.lastLoginAt(),
                      seen.isBefore(dormantBefore),
                      tokens.getOrDefault(m.id(), 0L),
                      decisions.get(m.id()));
                })
            .toList();
    return new PageResult<>(items, page, size, total);
  }

  private static RowMapper<MemberRow> memberRows() {
    return (rs, n) ->
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
            null,
            Jdbc.instant(rs, "password_changed_at"),
            rs.getString("totp_secret") == null ? null : "set",
            null,
            0,
            Jdbc.instant(rs, "last_login_at"),
            Jdbc.requiredInstant(rs, "created_at"));
  }

  public List<Cycle> cycles(MemberPrincipal actor) {
    access.require(actor, Permission.ACCESS_REVIEW_READ);
    return jdbc
        .sql("SELECT id FROM access_review WHERE tenant_id = ? ORDER BY started_at DESC LIMIT 100")
        .param(actor.tenantId())
        .query(UUID.class)
        .list()
        .stream()
        .map(id -> cycle(actor, id))
        .toList();
  }

  public Cycle cycle(MemberPrincipal actor, UUID id) {
    access.require(actor, Permission.ACCESS_REVIEW_READ);
    return jdbc.sql(
            "SELECT r.id, r.name, r.started_at, r.closed_at,"
                + " (SELECT COUNT(*) FROM access_review_decision d WHERE d.review_id = r.id),"
                + " (SELECT COUNT(*) FROM access_review_decision d WHERE d.review_id = r.id"
                + " AND d.decision = 'keep'),"
                + " (SELECT COUNT(*) FROM access_review_decision d WHERE d.review_id = r.id"
                + " AND d.decision = 'revoke')"
                + " FROM access_review r WHERE r.tenant_id = ? AND r.id = ?")
        .params(actor.tenantId(), id)
        .query(
            (rs, n) ->
                new Cycle(
                    rs.getObject(1, UUID.class),
                    rs.getString(2),
                    Jdbc.requiredInstant(rs, "started_at"),
                    Jdbc.instant(rs, "closed_at"),
                    rs.getLong(5),
                    rs.getLong(6),
                    rs.getLong(7)))
        .optional()
        .orElseThrow(Problems::notFound);
  }

  @Transactional
  public Cycle start(MemberPrincipal actor, @Nullable String name) {
    access.require(actor, Permission.ACCESS_REVIEW_DECIDE);
    List<dev.musubi.platform.web.ProblemException.FieldError> e = new java.util.ArrayList<>();
    Fields.text(e, "name", name, 1, 200);
    if (!e.isEmpty()) {
      throw Problems.invalid(e);
    }
    UUID id = ids.next();
    jdbc.sql(
            "INSERT INTO access_review (id, tenant_id, name, started_by, started_at)"
                + " VALUES (?, ?, ?, ?, ?)")
        .params(id, actor.tenantId(), name.strip(), actor.memberId(), ts(clock.instant()))
        .update();
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.ACCESS_REVIEW_STARTED)
            .actor(actor.memberId(), actor.loginId())
            .target("access_review", id)
            .with("name", name.strip()));
    return cycle(actor, id);
  }

  /**
   * Records a reviewer's decision: {@code keep} signs the member's access off; {@code revoke} takes
   * every admin grant, session and token away. A reviewer does not review themselves.
   */
  @Transactional
  public Cycle decide(
      MemberPrincipal actor,
      UUID cycleId,
      @Nullable UUID memberId,
      @Nullable String decision,
      @Nullable String note) {
    access.require(actor, Permission.ACCESS_REVIEW_DECIDE);
    Cycle c = cycle(actor, cycleId);
    if (c.closedAt() != null) {
      throw Problems.conflict("review-closed", "This review is closed.");
    }
    if (!"keep".equals(decision) && !"revoke".equals(decision)) {
      throw Problems.invalid("decision", "invalid", "Must be keep or revoke.");
    }
    List<dev.musubi.platform.web.ProblemException.FieldError> e = new java.util.ArrayList<>();
    Fields.text(e, "note", note, 0, 500);
    if (!e.isEmpty()) {
      throw Problems.invalid(e);
    }
    if (memberId == null) {
      throw Problems.invalid("memberId", "required", "Required.");
    }
    MemberRow m = members.find(actor.tenantId(), memberId).orElseThrow(Problems::notFound);
    if (actor.memberId().equals(memberId)) {
      throw Problems.conflict("self-review", "Another reviewer must review your own access.");
    }
    if ("revoke".equals(decision)
        && !actor.has(Role.SUPER_ADMIN)
        && members.roles(memberId).contains(Role.SUPER_ADMIN)) {
      throw Problems.forbidden("Only a super admin can revoke a super admin.");
    }
    Instant now = clock.instant();
    int updated =
        jdbc.sql(
                "UPDATE access_review_decision SET decision = ?, note = ?, reviewer_id = ?,"
                    + " decided_at = ? WHERE review_id = ? AND member_id = ? AND tenant_id = ?")
            .params(
                decision,
                Fields.orEmpty(note),
                actor.memberId(),
                ts(now),
                cycleId,
                memberId,
                actor.tenantId())
            .update();
    if (updated == 0) {
      jdbc.sql(
              "INSERT INTO access_review_decision (review_id, tenant_id, member_id, decision, note,"
                  + " reviewer_id, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
          .params(
              cycleId,
              actor.tenantId(),
              memberId,
              decision,
              Fields.orEmpty(note),
              actor.memberId(),
              ts(now))
          .update();
    }
    if ("revoke".equals(decision)) {
      access.revokeAdmin(actor.tenantId(), memberId);
      revocations.endAll(actor.tenantId(), memberId, null, true, "access_review");
    }
    audit.record(
        AuditRecord.of(
                actor.tenantId(),
                "keep".equals(decision)
                    ? AuditAction.ACCESS_REVIEW_SIGNED_OFF
                    : AuditAction.ACCESS_REVIEW_REVOKED)
            .actor(actor.memberId(), actor.loginId())
            .target("member", memberId)
            .with("review", cycleId)
            .with("loginId", m.loginId()));
    return cycle(actor, cycleId);
  }

  @Transactional
  public Cycle close(MemberPrincipal actor, UUID cycleId) {
    access.require(actor, Permission.ACCESS_REVIEW_DECIDE);
    Cycle c = cycle(actor, cycleId);
    if (c.closedAt() == null) {
      jdbc.sql("UPDATE access_review SET closed_at = ? WHERE tenant_id = ? AND id = ?")
          .params(ts(clock.instant()), actor.tenantId(), cycleId)
          .update();
      audit.record(
          AuditRecord.of(actor.tenantId(), AuditAction.ACCESS_REVIEW_CLOSED)
              .actor(actor.memberId(), actor.loginId())
              .target("access_review", cycleId)
              .with("decided", c.decided())
              .with("revoked", c.revoked()));
    }
    return cycle(actor, cycleId);
  }
}
