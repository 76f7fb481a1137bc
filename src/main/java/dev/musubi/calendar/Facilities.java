package dev.musubi.calendar;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.calendar.internal.CalendarStore;
import dev.musubi.calendar.internal.CalendarStore.BookingRow;
import dev.musubi.calendar.internal.CalendarStore.EventRow;
import dev.musubi.calendar.internal.CalendarStore.FacilityRow;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Facilities (meeting rooms, equipment, vehicles) that administrators define, with their booking
 * rules; bookings are made through events (see {@link Events}). Another company's facility answers
 * 404.
 */
@Service
public class Facilities {

  private static final Set<String> KINDS = Set.of("room", "equipment", "vehicle");

  private final CalendarStore store;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;

  Facilities(CalendarStore store, AuditTrail audit, Ids ids, Clock clock) {
    this.store = store;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  /** A facility and its booking rules; open hours are local to {@code timeZone}. */
  public record Facility(
      UUID id,
      String name,
      String kind,
      int capacity,
      String location,
      boolean needsApproval,
      String openFrom,
      String openTo,
      int maxMinutes,
      String timeZone,
      List<UUID> departments) {}

  /** What a create or update may set; on update, null keeps the value. */
  public record FacilityInput(
      @Nullable String name,
      @Nullable String kind,
      @Nullable Integer capacity,
      @Nullable String location,
      @Nullable Boolean needsApproval,
      @Nullable String openFrom,
      @Nullable String openTo,
      @Nullable Integer maxMinutes,
      @Nullable String timeZone,
      @Nullable List<String> departments) {}

  /** A booking as anyone in the company sees it: times, status and whether it is the caller's. */
  public record Booking(
      UUID id,
      UUID facilityId,
      @Nullable UUID eventId,
      Instant start,
      Instant end,
      String status,
      boolean mine,
      @Nullable String title) {}

  public List<Facility> list(MemberPrincipal actor) {
    return store.facilities(actor.tenantId()).stream().map(Facilities::view).toList();
  }

  public Facility get(MemberPrincipal actor, UUID id) {
    return view(store.facility(actor.tenantId(), id).orElseThrow(Problems::notFound));
  }

  @Transactional
  public Facility create(MemberPrincipal actor, FacilityInput in) {
    requireAdmin(actor);
    FacilityRow row = check(actor, in, null);
    store.insertFacility(row);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.FACILITY_CREATED)
            .actor(actor.memberId(), actor.loginId())
            .target("facility", row.id())
            .with("name", row.name()));
    return view(row);
  }

  @Transactional
  public Facility update(MemberPrincipal actor, UUID id, FacilityInput in) {
    FacilityRow old = store.facility(actor.tenantId(), id).orElseThrow(Problems::notFound);
    requireAdmin(actor);
    FacilityRow row = check(actor, in, old);
    store.updateFacility(row);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.FACILITY_UPDATED)
            .actor(actor.memberId(), actor.loginId())
            .target("facility", id));
    return view(row);
  }

  @Transactional
  public void delete(MemberPrincipal actor, UUID id) {
    store.facility(actor.tenantId(), id).orElseThrow(Problems::notFound);
    requireAdmin(actor);
    store.deleteFacility(actor.tenantId(), id);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.FACILITY_DELETED)
            .actor(actor.memberId(), actor.loginId())
            .target("facility", id));
  }

  /** Bookings of a facility in a window (at most 62 days); titles only for the caller's own. */
  public List<Booking> bookings(
      MemberPrincipal actor, UUID id, @Nullable String from, @Nullable String to) {
    store.facility(actor.tenantId(), id).orElseThrow(Problems::notFound);
    Instant[] w = Events.window(from, to);
    if (Duration.between(w[0], w[1]).compareTo(Duration.ofDays(62)) > 0) {
      throw Problems.invalid("to", "window_too_long", "At most 62 days.");
    }
    List<Booking> out = new ArrayList<>();
    for (BookingRow b : store.bookings(actor.tenantId(), id, w[0], w[1], List.of())) {
      boolean mine = actor.memberId().equals(b.bookedBy());
      String title = null;
      if (mine || actor.isAdmin()) {
        title = store.event(actor.tenantId(), b.eventId()).map(EventRow::title).orElse(null);
      }
      out.add(
          new Booking(
              b.id(),
              id,
              mine || actor.isAdmin() ? b.eventId() : null,
              b.startAt(),
              b.endAt(),
              b.status(),
              mine,
              title));
    }
    return out;
  }

  /** An administrator approves (or rejects, which frees the slot) the bookings of an event. */
  @Transactional
  public Booking decide(MemberPrincipal actor, UUID facilityId, UUID bookingId, boolean approve) {
    store.facility(actor.tenantId(), facilityId).orElseThrow(Problems::notFound);
    BookingRow b =
        store.booking(actor.tenantId(), facilityId, bookingId).orElseThrow(Problems::notFound);
    requireAdmin(actor);
    if (approve) {
      store.setBookingStatus(actor.tenantId(), b.eventId(), "confirmed");
    } else {
      store.deleteBookingsOfEvent(actor.tenantId(), b.eventId());
    }
    audit.record(
        AuditRecord.of(
                actor.tenantId(),
                approve
                    ? AuditAction.FACILITY_BOOKING_APPROVED
                    : AuditAction.FACILITY_BOOKING_REJECTED)
            .actor(actor.memberId(), actor.loginId())
            .target("facility", facilityId)
            .with("event", b.eventId()));
    return new Booking(
        b.id(),
        facilityId,
        b.eventId(),
        b.startAt(),
        b.endAt(),
        approve ? "confirmed" : "rejected",
        actor.memberId().equals(b.bookedBy()),
        null);
  }

  // ------------------------------------------------------------------------------------------

  private static void requireAdmin(MemberPrincipal actor) {
    if (!actor.isAdmin()) {
      throw Problems.forbidden("Only administrators manage facilities.");
    }
  }

  private FacilityRow check(MemberPrincipal actor, FacilityInput in, @Nullable FacilityRow old) {
    List<FieldError> errors = new ArrayList<>();
    String name = in.name() != null ? in.name().strip() : old != null ? old.name() : "";
    if (name.isEmpty() || name.length() > 200) {
      errors.add(new FieldError("name", "length", "Give a name of 1 to 200 characters."));
    }
    String kind = in.kind() != null ? in.kind() : old != null ? old.kind() : "room";
    if (!KINDS.contains(kind)) {
      errors.add(new FieldError("kind", "invalid", "Must be room, equipment or vehicle."));
    }
    int capacity = in.capacity() != null ? in.capacity() : old != null ? old.capacity() : 0;
    if (capacity < 0 || capacity > 100_000) {
      errors.add(new FieldError("capacity", "range", "Between 0 and 100000."));
    }
    String location =
        in.location() != null ? in.location().strip() : old != null ? old.location() : "";
    if (location.length() > 500) {
      errors.add(new FieldError("location", "too_long", "At most 500 characters."));
    }
    boolean approval =
        in.needsApproval() != null ? in.needsApproval() : old != null && old.needsApproval();
    int from = minutes(in.openFrom(), old != null ? old.openFrom() : 0, "openFrom", errors);
    int to = minutes(in.openTo(), old != null ? old.openTo() : 24 * 60, "openTo", errors);
    if (to <= from) {
      errors.add(new FieldError("openTo", "before_start", "Must be after openFrom."));
    }
    int max = in.maxMinutes() != null ? in.maxMinutes() : old != null ? old.maxMinutes() : 24 * 60;
    if (max < 5 || max > 7 * 24 * 60) {
      errors.add(new FieldError("maxMinutes", "range", "Between 5 and 10080 minutes."));
    }
    String zone =
        in.timeZone() != null ? in.timeZone() : old != null ? old.timeZone() : "Asia/Tokyo";
    if (!ZoneId.getAvailableZoneIds().contains(zone)) {
      errors.add(new FieldError("timeZone", "invalid", "Not an IANA time zone."));
    }
    List<UUID> departments = old != null ? old.departments() : List.of();
    if (in.departments() != null) {
      if (in.departments().size() > 100) {
        errors.add(new FieldError("departments", "too_many", "At most 100 departments."));
      } else {
        Set<UUID> ds = new LinkedHashSet<>();
        for (String d : in.departments()) {
          UUID id = d == null ? null : Ids.parseOrNull(d);
          if (id == null || !store.departmentExists(actor.tenantId(), id)) {
            errors.add(new FieldError("departments", "unknown", "Not a department."));
            break;
          }
          ds.add(id);
        }
        departments = List.copyOf(ds);
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return new FacilityRow(
        old != null ? old.id() : ids.next(),
        actor.tenantId(),
        name,
        kind,
        capacity,
        location,
        approval,
        from,
        to,
        max,
        zone,
        departments,
        old != null ? old.createdAt() : clock.instant());
  }

  private static int minutes(
      @Nullable String text, int fallback, String field, List<FieldError> errors) {
    if (text == null) {
      return fallback;
    }
    if (text.equals("24:00")) {
      return 24 * 60;
    }
    try {
      LocalTime t = LocalTime.parse(text);
      return t.getHour() * 60 + t.getMinute();
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(field, "invalid", "Must be a time such as 09:00."));
      return fallback;
    }
  }

  private static Facility view(FacilityRow f) {
    return new Facility(
        f.id(),
        f.name(),
        f.kind(),
        f.capacity(),
        f.location(),
        f.needsApproval(),
        hhmm(f.openFrom()),
        hhmm(f.openTo()),
        f.maxMinutes(),
        f.timeZone(),
        f.departments());
  }

  private static String hhmm(int minutes) {
    return String.format("%02d:%02d", minutes / 60, minutes % 60);
  }
}
