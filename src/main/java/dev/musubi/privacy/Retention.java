package dev.musubi.privacy;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.AdminAccess;
import dev.musubi.identity.Permission;
import dev.musubi.identity.RecentAuthentication;
import dev.musubi.platform.Ids;
import dev.musubi.platform.privacy.HeldScope;
import dev.musubi.platform.privacy.HoldableScope;
import dev.musubi.platform.privacy.RetentionTarget;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import dev.musubi.privacy.internal.PrivacyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The company's retention policy (days to keep, per service) and legal holds. {@link #run} asks
 * every {@link RetentionTarget} to really delete what is older than its policy, except what a hold
 * covers. The audit trail keeps at least {@link #AUDIT_MINIMUM_DAYS} days whatever the policy says.
 * Reading needs {@code security.read}, changing {@code security.write}; every change is audited.
 */
@Service
public class Retention {

  /** The audit trail is kept at least this long (SOC 2 evidence; the API refuses less). */
  public static final int AUDIT_MINIMUM_DAYS = 180;

  /** The longest policy accepted (100 years). */
  public static final int MAXIMUM_DAYS = 36_500;

  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  /** What one run deleted, per service. */
  public record RunReport(Map<String, Integer> deleted) {}

  private final PrivacyStore store;
  private final Map<String, RetentionTarget> targets = new TreeMap<>();
  private final Map<String, HoldableScope> scopes = new TreeMap<>();
  private final AdminAccess access;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;

  private final RecentAuthentication recentAuthentication;

  Retention(
      RecentAuthentication recentAuthentication,
      PrivacyStore store,
      List<RetentionTarget> targets,
      List<HoldableScope> scopes,
      AdminAccess access,
      AuditTrail audit,
      Ids ids,
      Clock clock) {
    this.recentAuthentication = recentAuthentication;
    this.store = store;
    targets.forEach(t -> this.targets.put(t.service(), t));
    scopes.forEach(s -> this.scopes.put(s.scopeType(), s));
    this.access = access;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  /** The services a policy may name. */
  public Set<String> services() {
    return targets.keySet();
  }

  // ---- policy --------------------------------------------------------------------------------

  /** Days to keep per service; services without a policy keep everything (absent). */
  public Map<String, Integer> policy(MemberPrincipal actor) {
    access.require(actor, Permission.SECURITY_READ);
    return store.retention(actor.tenantId());
  }

  /**
   * Replaces the company's policy. Each entry names a service and the days to keep (1 to {@link
   * #MAXIMUM_DAYS}); a service left out keeps everything. The audit trail needs at least {@link
   * #AUDIT_MINIMUM_DAYS}.
   */
  @Transactional
  public Map<String, Integer> update(MemberPrincipal actor, @Nullable Map<String, Integer> days) {
    access.require(actor, Permission.SECURITY_WRITE);
    recentAuthentication.require(actor);
    if (days == null) {
      throw Problems.invalid("days", "required", "Required.");
    }
    Map<String, Integer> clean = new TreeMap<>();
    for (var e : days.entrySet()) {
      String service = e.getKey();
      Integer d = e.getValue();
      if (!targets.containsKey(service)) {
        throw Problems.invalid(
            "days." + service, "unknown_service", "Unknown service; use one of " + services());
      }
      if (d == null || d < 1 || d > MAXIMUM_DAYS) {
        throw Problems.invalid(
            "days." + service, "out_of_range", "Days must be between 1 and " + MAXIMUM_DAYS + ".");
      }
      if (service.equals("audit") && d < AUDIT_MINIMUM_DAYS) {
        throw Problems.invalid(
            "days.audit",
            "below_minimum",
            "The audit trail is kept at least " + AUDIT_MINIMUM_DAYS + " days.");
      }
      clean.put(service, d);
    }
    Map<String, Integer> before = store.retention(actor.tenantId());
    store.replaceRetention(actor.tenantId(), clean, actor.memberId(), clock.instant());
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.RETENTION_POLICY_CHANGED)
            .actor(actor.memberId(), actor.loginId())
            .target("company", actor.tenantId())
            .with("before", before)
            .with("after", clean));
    return clean;
  }

  // ---- holds ---------------------------------------------------------------------------------

  public List<LegalHold> holds(MemberPrincipal actor) {
    access.require(actor, Permission.SECURITY_READ);
    return store.holds(actor.tenantId());
  }

  /** Everything held in the company now. */
  public HeldScope held(UUID tenantId) {
    Set<UUID> members = new HashSet<>();
    Set<UUID> rooms = new HashSet<>();
    for (LegalHold h : store.holds(tenantId)) {
      (h.scopeType().equals("member") ? members : rooms).add(h.scopeId());
    }
    return new HeldScope(members, rooms);
  }

  /** Places a hold on a member or a room of the caller's company; 409 when one exists already. */
  @Transactional
  public LegalHold place(
      MemberPrincipal actor,
      @Nullable String scopeType,
      @Nullable String scopeId,
      @Nullable String reason) {
    access.require(actor, Permission.SECURITY_WRITE);
    if (scopeType == null || !scopes.containsKey(scopeType)) {
      throw Problems.invalid("scopeType", "unknown_scope", "Use one of " + scopes.keySet() + ".");
    }
    UUID id = scopeId == null ? null : dev.musubi.platform.Ids.parseOrNull(scopeId.trim());
    if (id == null) {
      throw Problems.invalid("scopeId", "invalid", "A member or room ID is required.");
    }
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty() || why.length() > 500) {
      throw Problems.invalid("reason", "length", "Give a reason of 1 to 500 characters.");
    }
    if (!scopes.get(scopeType).exists(actor.tenantId(), id)) {
      throw Problems.invalid("scopeId", "not_found", "No such " + scopeType + " in this company.");
    }
    if (store.holdOn(actor.tenantId(), scopeType, id).isPresent()) {
      throw Problems.conflict("hold-exists", "This " + scopeType + " is already on hold.");
    }
    LegalHold h = new LegalHold(ids.next(), scopeType, id, why, actor.memberId(), clock.instant());
    store.insertHold(h, actor.tenantId());
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.LEGAL_HOLD_PLACED)
            .actor(actor.memberId(), actor.loginId())
            .target(scopeType, id)
            .with("hold", h.id()));
    return h;
  }

  @Transactional
  public void release(MemberPrincipal actor, UUID holdId) {
    access.require(actor, Permission.SECURITY_WRITE);
    LegalHold h = store.hold(actor.tenantId(), holdId).orElseThrow(Problems::notFound);
    store.deleteHold(actor.tenantId(), holdId);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.LEGAL_HOLD_RELEASED)
            .actor(actor.memberId(), actor.loginId())
            .target(h.scopeType(), h.scopeId())
            .with("hold", h.id()));
  }

  // ---- running -------------------------------------------------------------------------------

  /** Runs the caller's company's policy now (security.write); audited like the daily run. */
  public RunReport runNow(MemberPrincipal actor) {
    access.require(actor, Permission.SECURITY_WRITE);
    return run(actor.tenantId(), actor.memberId(), actor.loginId());
  }

  /** Runs one company's policy as the system (the operator's {@code retention-run} command). */
  public RunReport runAsSystem(UUID tenantId) {
    return run(tenantId, null, "system");
  }

  /** Companies that have a retention policy. */
  public List<UUID> companiesWithPolicy() {
    return store.tenantsWithRetention();
  }

  /** Runs every company's policy (the daily job). */
  public void runAll() {
    for (UUID tenant : store.tenantsWithRetention()) {
      try {
        run(tenant, null, "system");
      } catch (RuntimeException e) {
        log.warn("Retention run failed for company {}: {}", tenant, e.toString());
      }
    }
  }

  RunReport run(UUID tenantId, @Nullable UUID actorId, String actorLogin) {
    Map<String, Integer> policy = store.retention(tenantId);
    HeldScope held = held(tenantId);
    Instant now = clock.instant();
    Map<String, Integer> deleted = new LinkedHashMap<>();
    for (var e : policy.entrySet()) {
      RetentionTarget t = targets.get(e.getKey());
      if (t == null) {
        continue;
      }
      int days =
          e.getKey().equals("audit") ? Math.max(e.getValue(), AUDIT_MINIMUM_DAYS) : e.getValue();
      Instant cutoff = now.minus(Duration.ofDays(days));
      deleted.put(e.getKey(), t.purgeOlderThan(tenantId, cutoff, held));
    }
    var record =
        AuditRecord.of(tenantId, AuditAction.RETENTION_RUN)
            .actor(actorId, actorLogin)
            .target("company", tenantId)
            .with("heldMembers", held.members().size())
            .with("heldRooms", held.rooms().size());
    for (var e : deleted.entrySet()) {
      record = record.with("deleted." + e.getKey(), e.getValue());
    }
    audit.record(record);
    return new RunReport(deleted);
  }
}
