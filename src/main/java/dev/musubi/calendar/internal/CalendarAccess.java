package dev.musubi.calendar.internal;

import dev.musubi.calendar.internal.CalendarStore.CalendarRow;
import dev.musubi.calendar.internal.CalendarStore.ShareRow;
import dev.musubi.identity.Groups;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * Who may do what with a calendar, and the lazily created default and holiday calendars. Levels
 * grow: none, free/busy, details, edit, owner.
 */
@Component
public class CalendarAccess {

  public enum Level {
    NONE,
    FREEBUSY,
    DETAILS,
    EDIT,
    OWNER;

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean atLeast(Level other) {
      return compareTo(other) >= 0;
    }

    public static Level ofShare(String code) {
      return switch (code) {
        case "freebusy" -> FREEBUSY;
        case "details" -> DETAILS;
        case "edit" -> EDIT;
        default -> NONE;
      };
    }
  }

  private final CalendarStore store;
  private final Groups groups;
  private final Ids ids;
  private final Clock clock;

  CalendarAccess(CalendarStore store, Groups groups, Ids ids, Clock clock) {
    this.store = store;
    this.groups = groups;
    this.ids = ids;
    this.clock = clock;
  }

  /** The caller's level on a calendar. */
  public Level level(MemberPrincipal actor, CalendarRow c, List<UUID> myDepartments) {
    return switch (c.kind()) {
      case "personal" -> {
        if (actor.memberId().equals(c.ownerId())) {
          yield Level.OWNER;
        }
        yield shared(actor, c, myDepartments);
      }
      case "company" -> actor.isAdmin() ? Level.EDIT : Level.DETAILS;
      case "department" -> {
        if (actor.isAdmin()) {
          yield Level.EDIT;
        }
        Level s = shared(actor, c, myDepartments);
        if (myDepartments.contains(c.departmentId()) && !s.atLeast(Level.DETAILS)) {
          yield Level.DETAILS;
        }
        yield s;
      }
      case "holidays" -> Level.DETAILS;
      default -> Level.NONE;
    };
  }

  private Level shared(MemberPrincipal actor, CalendarRow c, List<UUID> myDepartments) {
    Level best = Level.NONE;
    for (ShareRow s : store.shares(actor.tenantId(), List.of(c.id()))) {
      boolean mine =
          (s.granteeType().equals("member") && s.granteeId().equals(actor.memberId()))
              || ((s.granteeType().equals("department") || s.granteeType().equals("group"))
                  && myDepartments.contains(s.granteeId()));
      if (mine) {
        Level l = Level.ofShare(s.level());
        if (l.atLeast(best)) {
          best = l;
        }
      }
    }
    return best;
  }

  /** The calendar and the caller's level; 404 when the caller may not know it exists. */
  public record Access(CalendarRow calendar, Level level) {}

  public Access require(MemberPrincipal actor, UUID calendarId, Level needed) {
    CalendarRow c = store.calendar(actor.tenantId(), calendarId).orElseThrow(Problems::notFound);
    Level l = level(actor, c, departmentsAndGroups(actor));
    if (l == Level.NONE) {
      throw Problems.notFound();
    }
    if (!l.atLeast(needed)) {
      throw Problems.forbidden("You may not change this calendar.");
    }
    return new Access(c, l);
  }

  public List<UUID> departments(MemberPrincipal actor) {
    return store.departmentsOf(actor.tenantId(), actor.memberId());
  }

  /**
   * The caller's departments and custom groups: what department and group shares are matched
   * against (IDs are random, so the two kinds never collide). Read at each request, so a change to
   * a group applies to its calendars at once.
   */
  public List<UUID> departmentsAndGroups(MemberPrincipal actor) {
    List<UUID> all = new java.util.ArrayList<>(departments(actor));
    all.addAll(groups.groupsOf(actor.tenantId(), actor.memberId()));
    return all;
  }

  /** The member's default calendar, created on first use. */
  public CalendarRow defaultCalendar(UUID tenantId, UUID memberId) {
    String key = "default:" + memberId;
    return store
        .calendarByKey(tenantId, key)
        .orElseGet(
            () -> {
              try {
                store.insertCalendar(
                    new CalendarRow(
                        ids.next(),
                        tenantId,
                        "personal",
                        memberId,
                        null,
                        "マイカレンダー",
                        "#2f6fde",
                        key,
                        false,
                        0,
                        clock.instant()));
              } catch (DuplicateKeyException raced) {
                // another request created it first
              }
              return store.calendarByKey(tenantId, key).orElseThrow();
            });
  }

  /** The company's built-in, read-only calendar of Japanese public holidays. */
  public CalendarRow holidayCalendar(UUID tenantId) {
    String key = "holidays:" + tenantId;
    return store
        .calendarByKey(tenantId, key)
        .orElseGet(
            () -> {
              try {
                store.insertCalendar(
                    new CalendarRow(
                        ids.next(),
                        tenantId,
                        "holidays",
                        null,
                        null,
                        "日本の祝日",
                        "#d33b3b",
                        key,
                        false,
                        0,
                        clock.instant()));
              } catch (DuplicateKeyException raced) {
                // another request created it first
              }
              return store.calendarByKey(tenantId, key).orElseThrow();
            });
  }
}
