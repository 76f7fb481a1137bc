package dev.musubi.calendar;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.calendar.internal.CalendarAccess;
import dev.musubi.calendar.internal.CalendarAccess.Level;
import dev.musubi.calendar.internal.CalendarStore;
import dev.musubi.calendar.internal.CalendarStore.CalendarRow;
import dev.musubi.calendar.internal.CalendarStore.ShareRow;
import dev.musubi.identity.Groups;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Calendars a member can see: their own (a default one is created on first use), the company's,
 * their departments', those shared with them and the built-in holiday calendar; sharing,
 * subscriptions and the secret read-only feed URL. Another company's calendar answers 404.
 */
@Service
public class Calendars {

  /** At most this many shares per calendar. */
  public static final int MAX_SHARES = 500;

  private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");

  private final CalendarStore store;
  private final CalendarAccess access;
  private final AuditTrail audit;
  private final Groups groups;
  private final Ids ids;
  private final Clock clock;

  Calendars(
      CalendarStore store,
      CalendarAccess access,
      AuditTrail audit,
      Groups groups,
      Ids ids,
      Clock clock) {
    this.store = store;
    this.groups = groups;
    this.access = access;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  /** A calendar as its viewer sees it. */
  public record CalendarInfo(
      UUID id,
      String kind,
      String name,
      String color,
      @Nullable UUID ownerId,
      @Nullable UUID departmentId,
      String access,
      boolean isDefault,
      boolean subscribed,
      boolean readOnly,
      boolean hasFeed,
      @Nullable List<Share> shares) {}

  /** A grant: to a member or a department, at freebusy, details or edit. */
  public record Share(String granteeType, String granteeId, String level) {}

  /** What a create or update may set. */
  public record CalendarInput(
      @Nullable String name,
      @Nullable String color,
      @Nullable String kind,
      @Nullable String departmentId) {}

  /** Every calendar the caller can see, their default first. */
  public List<CalendarInfo> list(MemberPrincipal actor) {
    CalendarRow mine = access.defaultCalendar(actor.tenantId(), actor.memberId());
    access.holidayCalendar(actor.tenantId());
    List<UUID> depts = access.departmentsAndGroups(actor);
    Set<UUID> subs = new HashSet<>(store.subscriptions(actor.tenantId(), actor.memberId()));
    List<CalendarInfo> result = new ArrayList<>();
    for (CalendarRow c : store.candidateCalendars(actor.tenantId(), actor.memberId(), depts)) {
      Level l = access.level(actor, c, depts);
      if (l == Level.NONE) {
        continue;
      }
      result.add(view(actor, c, l, subs.contains(c.id()), mine.id()));
    }
    result.sort((a, b) -> Boolean.compare(b.isDefault(), a.isDefault())); // stable: default first
    return result;
  }

  public CalendarInfo get(MemberPrincipal actor, UUID id) {
    var a = access.require(actor, id, Level.FREEBUSY);
    Set<UUID> subs = new HashSet<>(store.subscriptions(actor.tenantId(), actor.memberId()));
    CalendarRow mine = access.defaultCalendar(actor.tenantId(), actor.memberId());
    return view(actor, a.calendar(), a.level(), subs.contains(id), mine.id());
  }

  /** The caller's default calendar. */
  public CalendarInfo defaultCalendar(MemberPrincipal actor) {
    CalendarRow mine = access.defaultCalendar(actor.tenantId(), actor.memberId());
    return view(actor, mine, Level.OWNER, false, mine.id());
  }

  @Transactional
  public CalendarInfo create(MemberPrincipal actor, CalendarInput in) {
    List<FieldError> errors = new ArrayList<>();
    String name = checkName(in.name(), errors);
    String color = checkColor(in.color(), errors);
    String kind = in.kind() == null || in.kind().isBlank() ? "personal" : in.kind();
    UUID department = null;
    switch (kind) {
      case "personal" -> {}
      case "company" -> {
        if (!actor.isAdmin()) {
          throw Problems.forbidden("Only administrators create company calendars.");
        }
      }
      case "department" -> {
        if (!actor.isAdmin()) {
          throw Problems.forbidden("Only administrators create department calendars.");
        }
        department = in.departmentId() == null ? null : Ids.parseOrNull(in.departmentId());
        if (department == null || !store.departmentExists(actor.tenantId(), department)) {
          errors.add(new FieldError("departmentId", "unknown", "Not a department of the company."));
        }
      }
      default ->
          errors.add(new FieldError("kind", "invalid", "Must be personal, company or department."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    access.defaultCalendar(actor.tenantId(), actor.memberId());
    CalendarRow row =
        new CalendarRow(
            ids.next(),
            actor.tenantId(),
            kind,
            kind.equals("personal") ? actor.memberId() : null,
            department,
            name,
            color,
            null,
            false,
            0,
            clock.instant());
    store.insertCalendar(row);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.CALENDAR_CREATED)
            .actor(actor.memberId(), actor.loginId())
            .target("calendar", row.id())
            .with("kind", kind));
    return view(actor, row, access.level(actor, row, List.of()), false, null);
  }

  @Transactional
  public CalendarInfo update(MemberPrincipal actor, UUID id, CalendarInput in) {
    var a = requireManage(actor, id);
    List<FieldError> errors = new ArrayList<>();
    String name = in.name() == null ? a.calendar().name() : checkName(in.name(), errors);
    String color = in.color() == null ? a.calendar().color() : checkColor(in.color(), errors);
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    store.renameCalendar(actor.tenantId(), id, name, color);
    return get(actor, id);
  }

  @Transactional
  public void delete(MemberPrincipal actor, UUID id) {
    var a = requireManage(actor, id);
    if (a.calendar().uniqueKey() != null) {
      throw Problems.conflict("default-calendar", "The default calendar cannot be deleted.");
    }
    store.deleteCalendar(actor.tenantId(), id);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.CALENDAR_DELETED)
            .actor(actor.memberId(), actor.loginId())
            .target("calendar", id));
  }

  /** Replaces the calendar's shares; owner (personal) or administrator (company, department). */
  @Transactional
  public CalendarInfo share(MemberPrincipal actor, UUID id, @Nullable List<Share> shares) {
    requireManage(actor, id);
    if (shares == null) {
      throw Problems.invalid("shares", "required", "A list of shares is required.");
    }
    if (shares.size() > MAX_SHARES) {
      throw Problems.invalid("shares", "too_many", "At most " + MAX_SHARES + " shares.");
    }
    List<FieldError> errors = new ArrayList<>();
    Map<String, ShareRow> rows = new LinkedHashMap<>();
    Set<UUID> members = new HashSet<>();
    for (int i = 0; i < shares.size(); i++) {
      Share s = shares.get(i);
      String f = "shares[" + i + "]";
      if (s == null) {
        errors.add(new FieldError(f, "required", "A share is required."));
        continue;
      }
      UUID grantee = s.granteeId() == null ? null : Ids.parseOrNull(s.granteeId());
      Level level = s.level() == null ? Level.NONE : Level.ofShare(s.level());
      if (level == Level.NONE) {
        errors.add(new FieldError(f + ".level", "invalid", "Must be freebusy, details or edit."));
      }
      if (grantee == null) {
        errors.add(
            new FieldError(f + ".granteeId", "invalid", "Not a member, department or group."));
        continue;
      }
      if ("member".equals(s.granteeType())) {
        members.add(grantee);
      } else if ("department".equals(s.granteeType())) {
        if (!store.departmentExists(actor.tenantId(), grantee)) {
          errors.add(new FieldError(f + ".granteeId", "unknown", "Not a department."));
        }
      } else if ("group".equals(s.granteeType())) {
        if (groups.find(actor.tenantId(), grantee).isEmpty()) {
          errors.add(new FieldError(f + ".granteeId", "unknown", "Not a group."));
        }
      } else {
        errors.add(
            new FieldError(f + ".granteeType", "invalid", "Must be member, department or group."));
        continue;
      }
      rows.put(
          s.granteeType() + ":" + grantee, new ShareRow(id, s.granteeType(), grantee, s.level()));
    }
    Set<UUID> known = new HashSet<>();
    store.activeMembers(actor.tenantId(), members).forEach(p -> known.add(p.id()));
    for (UUID m : members) {
      if (!known.contains(m)) {
        errors.add(new FieldError("shares", "unknown_member", "Not an active member: " + m));
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    store.replaceShares(actor.tenantId(), id, List.copyOf(rows.values()));
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.CALENDAR_SHARED)
            .actor(actor.memberId(), actor.loginId())
            .target("calendar", id)
            .with("shares", rows.size()));
    return get(actor, id);
  }

  @Transactional
  public CalendarInfo subscribe(MemberPrincipal actor, UUID id) {
    access.require(actor, id, Level.FREEBUSY);
    store.subscribe(actor.tenantId(), actor.memberId(), id);
    return get(actor, id);
  }

  @Transactional
  public void unsubscribe(MemberPrincipal actor, UUID id) {
    access.require(actor, id, Level.FREEBUSY);
    store.unsubscribe(actor.tenantId(), actor.memberId(), id);
  }

  /**
   * Creates (or replaces) the calendar's secret feed token and returns it once; only its hash is
   * kept. Requires details access.
   */
  @Transactional
  public String createFeed(MemberPrincipal actor, UUID id) {
    access.require(actor, id, Level.DETAILS);
    var a = access.require(actor, id, Level.DETAILS);
    if (!a.level().atLeast(Level.EDIT) && !a.calendar().kind().equals("holidays")) {
      throw Problems.forbidden("Only those who may edit a calendar publish its feed.");
    }
    String token = ids.secret(32);
    store.setFeed(actor.tenantId(), id, hash(token));
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.CALENDAR_FEED_CREATED)
            .actor(actor.memberId(), actor.loginId())
            .target("calendar", id));
    return token;
  }

  @Transactional
  public void revokeFeed(MemberPrincipal actor, UUID id) {
    var a = access.require(actor, id, Level.DETAILS);
    if (!a.level().atLeast(Level.EDIT) && !a.calendar().kind().equals("holidays")) {
      throw Problems.forbidden("Only those who may edit a calendar revoke its feed.");
    }
    store.setFeed(actor.tenantId(), id, null);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.CALENDAR_FEED_REVOKED)
            .actor(actor.memberId(), actor.loginId())
            .target("calendar", id));
  }

  /** The calendar a feed token opens, if the token is current. */
  public Optional<UUID[]> feed(String token) {
    if (token.length() < 20 || token.length() > 100) {
      return Optional.empty();
    }
    return store.calendarByFeed(hash(token)).map(c -> new UUID[] {c.tenantId(), c.id()});
  }

  // ------------------------------------------------------------------------------------------

  private CalendarAccess.Access requireManage(MemberPrincipal actor, UUID id) {
    var a = access.require(actor, id, Level.FREEBUSY);
    CalendarRow c = a.calendar();
    boolean ok =
        switch (c.kind()) {
          case "personal" -> a.level() == Level.OWNER;
          case "company", "department" -> actor.isAdmin();
          default -> false;
        };
    if (!ok) {
      throw Problems.forbidden("You may not manage this calendar.");
    }
    return a;
  }

  private CalendarInfo view(
      MemberPrincipal actor, CalendarRow c, Level l, boolean subscribed, @Nullable UUID mine) {
    boolean manage =
        switch (c.kind()) {
          case "personal" -> l == Level.OWNER;
          case "company", "department" -> actor.isAdmin();
          default -> false;
        };
    List<Share> shares =
        manage
            ? store.shares(actor.tenantId(), List.of(c.id())).stream()
                .map(s -> new Share(s.granteeType(), s.granteeId().toString(), s.level()))
                .toList()
            : null;
    return new CalendarInfo(
        c.id(),
        c.kind(),
        c.name(),
        c.color(),
        c.ownerId(),
        c.departmentId(),
        l.code(),
        c.id().equals(mine),
        subscribed,
        c.kind().equals("holidays") || !l.atLeast(Level.EDIT),
        manage && c.hasFeed(),
        shares);
  }

  private static String checkName(@Nullable String name, List<FieldError> errors) {
    String n = name == null ? "" : name.strip();
    if (n.isEmpty() || n.length() > 200) {
      errors.add(new FieldError("name", "length", "Give a name of 1 to 200 characters."));
    }
    return n;
  }

  private static String checkColor(@Nullable String color, List<FieldError> errors) {
    if (color == null) {
      return "#2f6fde";
    }
    if (!COLOR.matcher(color).matches()) {
      errors.add(new FieldError("color", "invalid", "Must be #rrggbb."));
    }
    return color;
  }

  static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
