package dev.musubi.calendar;

import dev.musubi.calendar.EventInput.AttachmentInput;
import dev.musubi.calendar.EventInput.AttendeeInput;
import dev.musubi.calendar.internal.CalendarAccess;
import dev.musubi.calendar.internal.CalendarAccess.Level;
import dev.musubi.calendar.internal.CalendarStore;
import dev.musubi.calendar.internal.CalendarStore.AttachmentRow;
import dev.musubi.calendar.internal.CalendarStore.AttendeeRow;
import dev.musubi.calendar.internal.CalendarStore.BookingRow;
import dev.musubi.calendar.internal.CalendarStore.CalendarRow;
import dev.musubi.calendar.internal.CalendarStore.EventRow;
import dev.musubi.calendar.internal.CalendarStore.FacilityRow;
import dev.musubi.calendar.internal.CalendarStore.Person;
import dev.musubi.calendar.internal.InvitationMail;
import dev.musubi.calendar.internal.JapaneseHolidays;
import dev.musubi.calendar.internal.OccurrenceAnswers;
import dev.musubi.calendar.internal.OccurrenceAnswers.Answer;
import dev.musubi.calendar.internal.Occurrences;
import dev.musubi.calendar.internal.Recurrence;
import dev.musubi.drive.DriveItem;
import dev.musubi.drive.Drives;
import dev.musubi.mail.MailDomains;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Events and their occurrences: create, read, update and delete with the "this", "following" and
 * "all" scopes of a series; invitations and answers; free/busy and "find a time". Every check
 * happens before the first write, and each change is one transaction, so a refused request leaves
 * nothing behind.
 */
@Service
public class Events {

  public static final int MAX_ATTENDEES = 300;
  public static final int MAX_DESCRIPTION = 10_000;
  public static final int MAX_TITLE = 300;
  public static final int MAX_LOCATION = 500;
  public static final int MAX_DATES = 500;
  public static final int MAX_REMINDERS = 5;
  public static final int MAX_ATTACHMENTS = 20;

  /** The longest window one listing may ask for. */
  public static final Duration MAX_WINDOW = Duration.ofDays(400);

  /** At most this many occurrences of one series in one listing. */
  public static final int MAX_PER_SERIES = 1000;

  /** A series with a facility may book at most this many occurrences. */
  public static final int MAX_BOOKED_OCCURRENCES = 500;

  static final String DEFAULT_ZONE = "Asia/Tokyo";
  private static final Set<String> VISIBILITIES = Set.of("public", "private", "busy");
  private static final Set<String> TRANSPARENCIES = Set.of(EventRow.OPAQUE, EventRow.TRANSPARENT);
  private static final Set<String> STATUSES =
      Set.of(EventRow.CONFIRMED, EventRow.TENTATIVE, EventRow.CANCELLED);
  private static final Set<String> ANSWERS = Set.of("accepted", "tentative", "declined");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}");
  private static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("2200-01-01T00:00:00Z");

  private final CalendarStore store;
  private final CalendarAccess access;
  private final Ids ids;
  private final Clock clock;
  private final InvitationMail invitations;
  private final OccurrenceAnswers answers;
  private final Drives drives;
  private final MailDomains mailDomains;

  Events(
      CalendarStore store,
      CalendarAccess access,
      Ids ids,
      Clock clock,
      InvitationMail invitations,
      OccurrenceAnswers answers,
      Drives drives,
      MailDomains mailDomains) {
    this.drives = drives;
    this.mailDomains = mailDomains;
    this.invitations = invitations;
    this.answers = answers;
    this.store = store;
    this.access = access;
    this.ids = ids;
    this.clock = clock;
  }

  // ---- reading -------------------------------------------------------------------------------

  /**
   * Occurrences of one calendar in {@code [from, to)}; the caller's default calendar also shows the
   * events they are invited to.
   */
  public List<Occurrence> occurrences(
      MemberPrincipal actor, UUID calendarId, @Nullable String from, @Nullable String to) {
    var a = access.require(actor, calendarId, Level.FREEBUSY);
    Instant[] w = window(from, to);
    CalendarRow mine = access.defaultCalendar(actor.tenantId(), actor.memberId());
    return collect(actor, List.of(a), w[0], w[1], calendarId.equals(mine.id()));
  }

  /**
   * Occurrences in {@code [from, to)} across the calendars the caller shows: their own, the
   * company's, their departments', subscriptions and the holidays (or those in {@code
   * calendarIds}), with their invitations.
   */
  public List<Occurrence> agenda(
      MemberPrincipal actor,
      @Nullable String from,
      @Nullable String to,
      @Nullable List<String> calendarIds) {
    Instant[] w = window(from, to);
    access.defaultCalendar(actor.tenantId(), actor.memberId());
    access.holidayCalendar(actor.tenantId());
    List<UUID> depts = access.departmentsAndGroups(actor);
    Set<UUID> subs = new HashSet<>(store.subscriptions(actor.tenantId(), actor.memberId()));
    Set<UUID> wanted = null;
    if (calendarIds != null && !calendarIds.isEmpty()) {
      wanted = new HashSet<>();
      for (String s : calendarIds) {
        UUID id = Ids.parseOrNull(s.strip());
        if (id != null) {
          wanted.add(id);
        }
      }
    }
    List<CalendarAccess.Access> shown = new ArrayList<>();
    for (CalendarRow c : store.candidateCalendars(actor.tenantId(), actor.memberId(), depts)) {
      Level l = access.level(actor, c, depts);
      if (l == Level.NONE) {
        continue;
      }
      boolean byDefault = !c.kind().equals("personal") || l == Level.OWNER || subs.contains(c.id());
      if (wanted == null ? byDefault : wanted.contains(c.id())) {
        shown.add(new CalendarAccess.Access(c, l));
      }
    }
    return collect(actor, shown, w[0], w[1], true);
  }

  public EventDetail get(MemberPrincipal actor, UUID eventId) {
    return get(actor, eventId, null);
  }

  /**
   * An event; with {@code occurrence} (the original start of an occurrence of a series) its
   * attendees and the caller's answer are those for that occurrence.
   */
  public EventDetail get(MemberPrincipal actor, UUID eventId, @Nullable String occurrence) {
    EventRow e = store.event(actor.tenantId(), eventId).orElseThrow(Problems::notFound);
    Level l = viewLevel(actor, e);
    return detail(actor, e, l, answerOccurrence(actor, e, occurrence));
  }

  // ---- writing -------------------------------------------------------------------------------

  @Transactional
  public EventDetail create(MemberPrincipal actor, UUID calendarId, @Nullable EventInput in) {
    var a = access.require(actor, calendarId, Level.FREEBUSY);
    requireWritable(a);
    Draft d = validate(actor, in == null ? EventInput.empty() : in, null, true);
    lockFacilities(actor, d.facilityId());
    Instant now = clock.instant();
    EventRow row = toRow(d, ids.next(), actor.tenantId(), calendarId, null, null, actor, now);
    row = withUid(row, row.id() + "@musubi");
    store.insertEvent(row);
    store.replaceAttendees(actor.tenantId(), row.id(), attendeeRows(row.id(), d.attendees()));
    saveAttachments(actor.tenantId(), row.id(), d.attachments());
    book(actor, row, List.of());
    store.touchCalendar(actor.tenantId(), calendarId);
    invitations.sync(actor.tenantId(), row.id());
    return detail(actor, row, a.level());
  }

  /**
   * Updates an event. For a series, {@code scope} is "this" (one occurrence, named by {@code
   * occurrence}, its original start), "following" (that occurrence and the later ones become a new
   * series) or "all".
   */
  @Transactional
  public EventDetail update(
      MemberPrincipal actor,
      UUID eventId,
      @Nullable String scope,
      @Nullable String occurrence,
      @Nullable EventInput input) {
    EventRow e = store.event(actor.tenantId(), eventId).orElseThrow(Problems::notFound);
    Level l = viewLevel(actor, e);
    if (!l.atLeast(Level.EDIT)) {
      throw Problems.forbidden("You may not change this event.");
    }
    EventInput in = input == null ? EventInput.empty() : input;
    String sc = scope(scope);
    lockFacilities(
        actor,
        e.facilityId(),
        in.facilityId() == null ? null : Ids.parseOrNull(in.facilityId()),
        e.parentId() == null
            ? null
            : store.event(actor.tenantId(), e.parentId()).map(EventRow::facilityId).orElse(null));
    Instant now = clock.instant();
    if (e.parentId() != null) {
      // An overridden occurrence edited directly: only itself.
      Draft d = validate(actor, in, e, false);
      EventRow updated = fromDraft(e, d, now);
      store.updateEvent(updated);
      saveAttachments(actor.tenantId(), e.id(), d.attachments());
      if (movedFrom(e, updated)) {
        answers.clearOccurrence(actor.tenantId(), e.parentId(), e.recurrenceId());
      }
      EventRow master = store.event(actor.tenantId(), e.parentId()).orElseThrow();
      book(actor, master, List.of());
      store.touchCalendar(actor.tenantId(), e.calendarId());
      invitations.sync(actor.tenantId(), master.id());
      return detail(actor, updated, l);
    }
    if (e.rrule() == null && e.rdates().isEmpty()) {
      sc = "all";
    }
    switch (sc) {
      case "this" -> {
        Instant rid = occurrence(actor, e, occurrence, true);
        EventRow existing =
            store.overrides(actor.tenantId(), List.of(e.id())).stream()
                .filter(o -> rid.equals(o.recurrenceId()))
                .findFirst()
                .orElse(null);
        EventRow base = existing != null ? existing : occurrenceRow(e, rid);
        if (in.rrule() != null && !in.rrule().isBlank()) {
          throw Problems.invalid("rrule", "not_allowed", "One occurrence cannot recur.");
        }
        Draft d = validate(actor, withoutSeriesFields(in), base, false);
        EventRow o = fromDraft(base, d, now);
        if (existing == null) {
          o =
              new EventRow(
                  ids.next(),
                  o.tenantId(),
                  o.calendarId(),
                  e.uid(),
                  e.id(),
                  rid,
                  e.organizerId(),
                  o.title(),
                  o.location(),
                  o.description(),
                  o.allDay(),
                  o.timeZone(),
                  o.startLocal(),
                  o.startAt(),
                  o.endAt(),
                  o.duration(),
                  null,
                  List.of(),
                  List.of(),
                  o.endAt(),
                  o.visibility(),
                  o.reminders(),
                  o.emailReminders(),
                  e.facilityId(),
                  0,
                  etag(),
                  now,
                  now,
                  o.transparency(),
                  o.status());
          store.insertEvent(o);
          // A new override starts with the series' attachments unless the change names its own.
          saveAttachments(
              actor.tenantId(),
              o.id(),
              d.attachments() != null
                  ? d.attachments()
                  : store.attachments(actor.tenantId(), List.of(e.id())));
        } else {
          store.updateEvent(o);
          saveAttachments(actor.tenantId(), o.id(), d.attachments());
        }
        if (movedFrom(base, o)) {
          // Answers were given for the old time.
          answers.clearOccurrence(actor.tenantId(), e.id(), rid);
        }
        touchMaster(e, now);
        book(actor, store.event(actor.tenantId(), e.id()).orElseThrow(), List.of());
        store.touchCalendar(actor.tenantId(), e.calendarId());
        invitations.sync(actor.tenantId(), e.id());
        return detail(actor, o, l);
      }
      case "following" -> {
        Instant rid = occurrence(actor, e, occurrence, false);
        if (!rid.isAfter(e.startAt())) {
          return updateAll(actor, e, in, l, now);
        }
        ZoneId zone = ZoneId.of(e.timeZone());
        // The new series starts at the chosen occurrence unless the input moves it.
        EventRow tail = occurrenceRow(e, rid);
        Draft d = validate(actor, in, tail, true);
        String rule = d.rrule();
        if (in.rrule() == null && e.rrule() != null) {
          int used = Recurrence.countBefore(e.startLocal(), zone, e.rrule(), rid, 10_000_000);
          rule = Recurrence.withCountReduced(e.rrule(), used);
        }
        Instant splitAt = rid;
        List<Instant> tailEx = e.exdates().stream().filter(x -> !x.isBefore(splitAt)).toList();
        List<Instant> headEx = e.exdates().stream().filter(x -> x.isBefore(splitAt)).toList();
        List<Instant> tailR = e.rdates().stream().filter(x -> !x.isBefore(splitAt)).toList();
        List<Instant> headR = e.rdates().stream().filter(x -> x.isBefore(splitAt)).toList();
        Draft td =
            new Draft(
                d.title(),
                d.location(),
                d.description(),
                d.allDay(),
                d.zone(),
                d.startLocal(),
                d.endLocal(),
                rule,
                in.exdates() != null ? d.exdates() : tailEx,
                in.rdates() != null ? d.rdates() : tailR,
                d.visibility(),
                d.reminders(),
                d.attendees(),
                d.facilityId(),
                d.emailReminders(),
                d.attachments(),
                d.transparency(),
                d.status());
        String headRule = Recurrence.endBefore(e.rrule(), splitAt, e.allDay(), zone);
        Instant headEnd = Recurrence.rangeEnd(e.startLocal(), zone, e.duration(), headRule, headR);
        EventRow head =
            new EventRow(
                e.id(),
                e.tenantId(),
                e.calendarId(),
                e.uid(),
                null,
                null,
                e.organizerId(),
                e.title(),
                e.location(),
                e.description(),
                e.allDay(),
                e.timeZone(),
                e.startLocal(),
                e.startAt(),
                e.endAt(),
                e.duration(),
                headRule,
                headEx,
                headR,
                headEnd,
                e.visibility(),
                e.reminders(),
                e.emailReminders(),
                e.facilityId(),
                e.sequence() + 1,
                etag(),
                e.createdAt(),
                now,
                e.transparency(),
                e.status());
        for (EventRow o : store.overrides(actor.tenantId(), List.of(e.id()))) {
          if (o.recurrenceId() != null && !o.recurrenceId().isBefore(splitAt)) {
            store.deleteEventRows(actor.tenantId(), o.id());
          }
        }
        store.updateEvent(head);
        List<AttendeeRow> attendees =
            d.attendees() != null
                ? attendeeRows(null, d.attendees())
                : store.attendees(actor.tenantId(), List.of(e.id()));
        EventRow newSeries =
            toRow(td, ids.next(), actor.tenantId(), e.calendarId(), null, null, actor, now);
        newSeries = withUid(newSeries, newSeries.id() + "@musubi");
        store.insertEvent(newSeries);
        UUID nid = newSeries.id();
        saveAttachments(
            actor.tenantId(),
            nid,
            d.attachments() != null
                ? d.attachments()
                : store.attachments(actor.tenantId(), List.of(e.id())));
        store.replaceAttendees(
            actor.tenantId(),
            nid,
            attendees.stream()
                .map(
                    x ->
                        new AttendeeRow(
                            nid, x.memberId(), x.email(), x.name(), x.status(), x.required()))
                .toList());
        if (newSeries.startAt().equals(rid)
            && newSeries.duration().equals(e.duration())
            && in.rrule() == null
            && in.rdates() == null) {
          // The same occurrences continue in the new series: their answers go with them.
          answers.moveFrom(actor.tenantId(), e.id(), rid, nid);
          answers.retainAttendees(actor.tenantId(), nid);
        } else {
          answers.clearFrom(actor.tenantId(), e.id(), rid);
        }
        book(actor, head, List.of(newSeries.id()));
        book(actor, newSeries, List.of(head.id()));
        store.touchCalendar(actor.tenantId(), e.calendarId());
        invitations.sync(actor.tenantId(), head.id());
        invitations.sync(actor.tenantId(), newSeries.id());
        return detail(actor, newSeries, l);
      }
      default -> {
        return updateAll(actor, e, in, l, now);
      }
    }
  }

  /** Whether a change moved an occurrence (its answers then no longer hold). */
  private static boolean movedFrom(EventRow before, EventRow after) {
    return !before.startAt().equals(after.startAt()) || !before.endAt().equals(after.endAt());
  }

  private EventDetail updateAll(
      MemberPrincipal actor, EventRow e, EventInput in, Level l, Instant now) {
    Draft d = validate(actor, in, e, true);
    EventRow updated = fromDraft(e, d, now);
    saveAttachments(actor.tenantId(), e.id(), d.attachments());
    boolean moved =
        !updated.startAt().equals(e.startAt())
            || !updated.endAt().equals(e.endAt())
            || !java.util.Objects.equals(updated.rrule(), e.rrule());
    store.updateEvent(updated);
    if (d.attendees() != null) {
      store.replaceAttendees(
          actor.tenantId(), e.id(), mergeStatuses(actor, e.id(), d.attendees(), moved));
    } else if (moved) {
      store.replaceAttendees(
          actor.tenantId(),
          e.id(),
          mergeStatuses(actor, e.id(), store.attendees(actor.tenantId(), List.of(e.id())), true));
    }
    if (moved) {
      answers.clearFrom(actor.tenantId(), e.id(), null);
    } else if (d.attendees() != null) {
      answers.retainAttendees(actor.tenantId(), e.id());
    }
    book(actor, updated, List.of());
    store.touchCalendar(actor.tenantId(), e.calendarId());
    invitations.sync(actor.tenantId(), e.id());
    return detail(actor, updated, l);
  }

  /** Deletes an event, or for a series one occurrence ("this"), the rest ("following") or all. */
  @Transactional
  public void delete(
      MemberPrincipal actor, UUID eventId, @Nullable String scope, @Nullable String occurrence) {
    EventRow e = store.event(actor.tenantId(), eventId).orElseThrow(Problems::notFound);
    Level l = viewLevel(actor, e);
    if (!l.atLeast(Level.EDIT)) {
      throw Problems.forbidden("You may not delete this event.");
    }
    String sc = scope(scope);
    lockFacilities(
        actor,
        e.facilityId(),
        e.parentId() == null
            ? null
            : store.event(actor.tenantId(), e.parentId()).map(EventRow::facilityId).orElse(null));
    Instant now = clock.instant();
    if (e.parentId() != null) {
      // Deleting an overridden occurrence removes that occurrence from the series.
      EventRow master = store.event(actor.tenantId(), e.parentId()).orElseThrow();
      List<Instant> ex = new ArrayList<>(master.exdates());
      ex.add(e.recurrenceId());
      store.deleteEventRows(actor.tenantId(), e.id());
      answers.clearOccurrence(actor.tenantId(), master.id(), e.recurrenceId());
      EventRow m = withExdates(master, ex, now);
      store.updateEvent(m);
      book(actor, m, List.of());
      store.touchCalendar(actor.tenantId(), e.calendarId());
      invitations.cancelOccurrence(actor.tenantId(), m.id(), e);
      return;
    }
    if ((e.rrule() == null && e.rdates().isEmpty()) || sc.equals("all")) {
      invitations.cancelAll(actor.tenantId(), e.id());
      store.deleteEventRows(actor.tenantId(), e.id());
      store.touchCalendar(actor.tenantId(), e.calendarId());
      return;
    }
    Instant rid = occurrence(actor, e, occurrence, sc.equals("this"));
    if (sc.equals("this")) {
      List<Instant> ex = new ArrayList<>(e.exdates());
      if (!ex.contains(rid)) {
        ex.add(rid);
      }
      EventRow cancelled = occurrenceRow(e, rid);
      for (EventRow o : store.overrides(actor.tenantId(), List.of(e.id()))) {
        if (rid.equals(o.recurrenceId())) {
          cancelled = o;
          store.deleteEventRows(actor.tenantId(), o.id());
        }
      }
      answers.clearOccurrence(actor.tenantId(), e.id(), rid);
      EventRow m = withExdates(e, ex, now);
      store.updateEvent(m);
      book(actor, m, List.of());
      store.touchCalendar(actor.tenantId(), e.calendarId());
      // RFC 5546 §3.2.5: outside attendees get a CANCEL for this occurrence, not the series again.
      invitations.cancelOccurrence(actor.tenantId(), e.id(), cancelled);
      return;
    } else {
      if (!rid.isAfter(e.startAt())) {
        invitations.cancelAll(actor.tenantId(), e.id());
        store.deleteEventRows(actor.tenantId(), e.id());
        store.touchCalendar(actor.tenantId(), e.calendarId());
        return;
      }
      ZoneId zone = ZoneId.of(e.timeZone());
      for (EventRow o : store.overrides(actor.tenantId(), List.of(e.id()))) {
        if (o.recurrenceId() != null && !o.recurrenceId().isBefore(rid)) {
          store.deleteEventRows(actor.tenantId(), o.id());
        }
      }
      answers.clearFrom(actor.tenantId(), e.id(), rid);
      String headRule =
          e.rrule() == null ? null : Recurrence.endBefore(e.rrule(), rid, e.allDay(), zone);
      List<Instant> headR = e.rdates().stream().filter(x -> x.isBefore(rid)).toList();
      Instant end =
          headRule == null
              ? e.endAt()
              : Recurrence.rangeEnd(e.startLocal(), zone, e.duration(), headRule, headR);
      EventRow m =
          new EventRow(
              e.id(),
              e.tenantId(),
              e.calendarId(),
              e.uid(),
              null,
              null,
              e.organizerId(),
              e.title(),
              e.location(),
              e.description(),
              e.allDay(),
              e.timeZone(),
              e.startLocal(),
              e.startAt(),
              e.endAt(),
              e.duration(),
              headRule,
              e.exdates().stream().filter(x -> x.isBefore(rid)).toList(),
              headR,
              end,
              e.visibility(),
              e.reminders(),
              e.emailReminders(),
              e.facilityId(),
              e.sequence() + 1,
              etag(),
              e.createdAt(),
              now,
              e.transparency(),
              e.status());
      store.updateEvent(m);
      book(actor, m, List.of());
    }
    store.touchCalendar(actor.tenantId(), e.calendarId());
    invitations.sync(actor.tenantId(), e.id());
  }

  /**
   * The caller's answer to an invitation: accepted, tentative or declined. With {@code occurrence}
   * (the original start of one occurrence of a series, as DELETE and PATCH name it) it answers that
   * occurrence only; without, the whole series, replacing any answers given for single occurrences.
   */
  @Transactional
  public EventDetail reply(
      MemberPrincipal actor, UUID eventId, @Nullable String status, @Nullable String occurrence) {
    EventRow e = store.event(actor.tenantId(), eventId).orElseThrow(Problems::notFound);
    Level l = viewLevel(actor, e);
    UUID master = e.parentId() != null ? e.parentId() : e.id();
    AttendeeRow me =
        store.attendees(actor.tenantId(), List.of(master)).stream()
            .filter(a -> actor.memberId().equals(a.memberId()))
            .findFirst()
            .orElseThrow(
                () -> Problems.forbidden("not-invited", "You are not invited to this event."));
    String s = status == null ? "" : status.strip().toLowerCase(Locale.ROOT);
    if (!ANSWERS.contains(s)) {
      throw Problems.invalid("status", "invalid", "Must be accepted, tentative or declined.");
    }
    Instant rid = answerOccurrence(actor, e, occurrence);
    if (rid == null) {
      store.setAttendeeStatus(actor.tenantId(), master, actor.memberId(), s);
      answers.clearAttendee(actor.tenantId(), master, me.email());
    } else {
      answers.set(actor.tenantId(), new Answer(master, rid, me.email(), actor.memberId(), s));
    }
    EventRow m = store.event(actor.tenantId(), master).orElseThrow();
    touchMaster(m, clock.instant());
    store.touchCalendar(actor.tenantId(), m.calendarId());
    return detail(actor, e, l, rid);
  }

  /**
   * The occurrence an answer or a reading is for: null when none is named; 422 when the event does
   * not repeat or the instant is not one of its occurrences.
   */
  private @Nullable Instant answerOccurrence(
      MemberPrincipal actor, EventRow e, @Nullable String occurrence) {
    if (occurrence == null || occurrence.isBlank()) {
      return null;
    }
    EventRow m =
        e.parentId() == null
            ? e
            : store.event(actor.tenantId(), e.parentId()).orElseThrow(Problems::notFound);
    if (m.rrule() == null && m.rdates().isEmpty()) {
      throw Problems.invalid(
          "occurrence", "not_recurring", "This event does not repeat; answer it as a whole.");
    }
    return occurrence(actor, m, occurrence.strip(), true);
  }

  // ---- attachments ---------------------------------------------------------------------------

  /**
   * Opens a Drive file attached to an event for anyone who may see the event's details, whether or
   * not they can see the drive it lives in; audited as their drive download. 404 when the event is
   * not theirs to see (or another company's) or the file is not attached to it; 403 when they see
   * only that the time is busy; 410 when the file has since been deleted.
   */
  public Drives.Download openAttachment(MemberPrincipal actor, UUID eventId, UUID fileId) {
    EventRow e = store.event(actor.tenantId(), eventId).orElseThrow(Problems::notFound);
    Level l = viewLevel(actor, e);
    if (detailsHidden(actor, e, l)) {
      throw Problems.forbidden("You see only when this event is busy.");
    }
    // The file may hang on the event itself or on another row of its series (an occurrence read
    // through its series), each as visible as that row is.
    UUID master = e.parentId() != null ? e.parentId() : e.id();
    Map<UUID, EventRow> family = new HashMap<>();
    family.put(e.id(), e);
    store.event(actor.tenantId(), master).ifPresent(m -> family.put(m.id(), m));
    store.overrides(actor.tenantId(), List.of(master)).forEach(o -> family.put(o.id(), o));
    boolean attached =
        store.attachments(actor.tenantId(), family.keySet()).stream()
            .anyMatch(
                a ->
                    fileId.equals(a.fileId()) && !detailsHidden(actor, family.get(a.eventId()), l));
    if (!attached) {
      throw Problems.notFound();
    }
    return drives
        .openAttached(actor, fileId, "calendar.event", e.id())
        .orElseThrow(
            () ->
                new dev.musubi.platform.web.ProblemException(
                    org.springframework.http.HttpStatus.GONE,
                    "attachment-gone",
                    "The file was deleted from the drive.",
                    List.of()));
  }

  /**
   * The row whose attachments an event shows: for a series read at one occurrence, that
   * occurrence's override when it has one.
   */
  private UUID attachmentsRow(MemberPrincipal actor, EventRow e, @Nullable Instant occurrence) {
    if (occurrence == null || e.parentId() != null) {
      return e.id();
    }
    return store.overrides(actor.tenantId(), List.of(e.id())).stream()
        .filter(o -> occurrence.equals(o.recurrenceId()))
        .map(EventRow::id)
        .findFirst()
        .orElse(e.id());
  }

  /** Whether the viewer sees only that a private or busy event's time is taken. */
  private boolean detailsHidden(MemberPrincipal actor, EventRow e, Level l) {
    if (e.visibility().equals("public")
        || l == Level.OWNER
        || actor.memberId().equals(e.organizerId())) {
      return false;
    }
    UUID master = e.parentId() != null ? e.parentId() : e.id();
    return store.attendees(actor.tenantId(), List.of(master)).stream()
        .noneMatch(a -> actor.memberId().equals(a.memberId()));
  }

  // ---- free/busy -------------------------------------------------------------------------

  /** A busy time of a member: only the times, never what it is. */
  public record Busy(Instant start, Instant end, String status) {}

  /** Busy times of each member in {@code [from, to)} (at most 100 members, 62 days). */
  public Map<UUID, List<Busy>> freeBusy(
      MemberPrincipal actor,
      @Nullable List<String> memberIds,
      @Nullable String from,
      @Nullable String to) {
    Instant[] w = window(from, to);
    if (Duration.between(w[0], w[1]).compareTo(Duration.ofDays(62)) > 0) {
      throw Problems.invalid("to", "window_too_long", "At most 62 days.");
    }
    List<UUID> members = members(actor, memberIds);
    return busyOf(actor.tenantId(), members, w[0], w[1]);
  }

  /**
   * RFC 4791 §7.10: the busy times of one calendar in {@code [from, to)} for a CalDAV
   * free-busy-query, for anyone who may see at least its free/busy (times only, never what the
   * events are). The calendar owner's answers count as in {@link #freeBusy} (their default calendar
   * also holds the events they are invited to); on a calendar without an owner every event is busy.
   * The window is at most {@link #MAX_WINDOW}.
   */
  public List<Busy> calendarBusy(MemberPrincipal actor, UUID calendarId, Instant from, Instant to) {
    var a = access.require(actor, calendarId, Level.FREEBUSY);
    if (!from.isBefore(to)) {
      throw Problems.invalid("time-range", "end_before_start", "The end must be after the start.");
    }
    if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
      throw Problems.invalid("time-range", "window_too_long", "At most 400 days.");
    }
    if (a.calendar().kind().equals("holidays")) {
      return List.of();
    }
    UUID owner = a.calendar().ownerId();
    List<EventRow> masters =
        new ArrayList<>(store.masters(actor.tenantId(), List.of(calendarId), from, to));
    if (owner != null && ("default:" + owner).equals(a.calendar().uniqueKey())) {
      // The default calendar is where the owner's invitations show, so their time counts there.
      Set<UUID> seen = new HashSet<>();
      masters.forEach(x -> seen.add(x.id()));
      for (EventRow e : store.invitations(actor.tenantId(), owner, from, to)) {
        if (seen.add(e.id())) {
          masters.add(e);
        }
      }
    }
    Map<UUID, String> status = new HashMap<>();
    if (owner != null) {
      for (AttendeeRow r :
          store.attendees(actor.tenantId(), masters.stream().map(EventRow::id).toList())) {
        if (owner.equals(r.memberId())) {
          status.put(r.eventId(), r.status());
        }
      }
    }
    return busyTimes(actor.tenantId(), owner, masters, status, from, to);
  }

  /** A proposed slot when every required attendee (and the facility) is free. */
  public record Slot(Instant start, Instant end) {}

  /**
   * Up to {@code limit} slots of {@code minutes} in {@code [from, to)} within working hours of the
   * caller's zone, on weekdays that are not public holidays, when all members and the facility are
   * free.
   */
  public List<Slot> findTime(
      MemberPrincipal actor,
      @Nullable List<String> memberIds,
      @Nullable String facilityId,
      @Nullable String from,
      @Nullable String to,
      @Nullable Integer minutes,
      @Nullable String dayStart,
      @Nullable String dayEnd,
      @Nullable String timeZone) {
    Instant[] w = window(from, to);
    List<FieldError> errors = new ArrayList<>();
    if (Duration.between(w[0], w[1]).compareTo(Duration.ofDays(31)) > 0) {
      errors.add(new FieldError("to", "window_too_long", "At most 31 days."));
    }
    int len = minutes == null ? 30 : minutes;
    if (len < 5 || len > 600) {
      errors.add(new FieldError("minutes", "range", "Between 5 and 600 minutes."));
    }
    LocalTime ds = localTime(dayStart, LocalTime.of(9, 0), "dayStart", errors);
    LocalTime de = localTime(dayEnd, LocalTime.of(18, 0), "dayEnd", errors);
    ZoneId zone = zone(timeZone, memberZone(actor), "timeZone", errors);
    FacilityRow facility = null;
    if (facilityId != null && !facilityId.isBlank()) {
      UUID fid = Ids.parseOrNull(facilityId);
      facility = fid == null ? null : store.facility(actor.tenantId(), fid).orElse(null);
      if (facility == null) {
        errors.add(new FieldError("facility", "unknown", "Not a facility of the company."));
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    List<UUID> members = members(actor, memberIds);
    if (!members.contains(actor.memberId())) {
      members = new ArrayList<>(members);
      members.add(actor.memberId());
    }
    List<Busy> busy = new ArrayList<>();
    busyOf(actor.tenantId(), members, w[0], w[1]).values().forEach(busy::addAll);
    if (facility != null) {
      for (BookingRow b : store.bookings(actor.tenantId(), facility.id(), w[0], w[1], List.of())) {
        busy.add(new Busy(b.startAt(), b.endAt(), "busy"));
      }
    }
    busy.sort(Comparator.comparing(Busy::start));
    List<Slot> slots = new ArrayList<>();
    Duration d = Duration.ofMinutes(len);
    LocalDate day = LocalDateTime.ofInstant(w[0], zone).toLocalDate();
    LocalDate last = LocalDateTime.ofInstant(w[1], zone).toLocalDate();
    Map<LocalDate, String> holidays = JapaneseHolidays.between(day, last.plusDays(1));
    for (; !day.isAfter(last) && slots.size() < 20; day = day.plusDays(1)) {
      if (day.getDayOfWeek().getValue() >= 6 || holidays.containsKey(day)) {
        continue;
      }
      for (LocalDateTime t = day.atTime(ds);
          !t.plus(d).toLocalTime().isAfter(de) && t.toLocalDate().equals(day) && slots.size() < 20;
          t = t.plusMinutes(30)) {
        Instant s = Recurrence.at(t, zone);
        Instant e = s.plus(d);
        if (s.isBefore(w[0]) || e.isAfter(w[1])) {
          continue;
        }
        boolean free = busy.stream().noneMatch(b -> b.start().isBefore(e) && b.end().isAfter(s));
        if (free && (facility == null || facilityRuleError(facility, s, e) == null)) {
          slots.add(new Slot(s, e));
        }
      }
    }
    return slots;
  }

  // ---- export for iCalendar ------------------------------------------------------------------

  /** Every event row of a calendar with its attendees (masters, singles and overrides). */
  public record Exported(
      EventRow event,
      List<AttendeeRow> attendees,
      @Nullable String organizerName,
      List<AttachmentRow> attachments) {

    public Exported(EventRow event, List<AttendeeRow> attendees, @Nullable String organizerName) {
      this(event, attendees, organizerName, List.of());
    }
  }

  /** The calendar's events for an .ics export; requires details access. */
  public List<Exported> export(MemberPrincipal actor, UUID calendarId) {
    var a = access.require(actor, calendarId, Level.FREEBUSY);
    return exportRows(actor.tenantId(), a.calendar(), a.level(), actor.memberId());
  }

  /** The rows of a calendar for its secret feed (details, private events as busy). */
  public List<Exported> exportFeed(UUID tenantId, UUID calendarId) {
    CalendarRow c = store.calendar(tenantId, calendarId).orElseThrow(Problems::notFound);
    return exportRows(tenantId, c, Level.DETAILS, null);
  }

  /** Whether a calendar is the holiday calendar (exported from rules, not rows). */
  public boolean isHolidayCalendar(UUID tenantId, UUID calendarId) {
    return store.calendar(tenantId, calendarId).map(c -> c.kind().equals("holidays")).orElse(false);
  }

  /** One CalDAV resource: a master with its overrides, as the caller may see them. */
  public List<Exported> resource(MemberPrincipal actor, UUID calendarId, UUID masterId) {
    var a = access.require(actor, calendarId, Level.FREEBUSY);
    EventRow m = store.event(actor.tenantId(), masterId).orElseThrow(Problems::notFound);
    List<EventRow> rows = new ArrayList<>();
    rows.add(m);
    rows.addAll(store.overrides(actor.tenantId(), List.of(masterId)));
    return exportRows(actor.tenantId(), rows, a.level(), actor.memberId());
  }

  /**
   * Creates or replaces the series behind a CalDAV resource name from the VEVENTs of one UID (a
   * master and its overridden occurrences). Honours If-Match and If-None-Match; keeps the facility
   * and the members' answers. Returns the new ETag.
   */
  @Transactional
  public String putResource(
      MemberPrincipal actor,
      UUID calendarId,
      String href,
      List<ImportedEvent> parsed,
      @Nullable String ifMatch,
      boolean ifNoneMatchStar) {
    var a = access.require(actor, calendarId, Level.FREEBUSY);
    requireWritable(a);
    EventRow existing = store.eventByHref(actor.tenantId(), calendarId, href).orElse(null);
    if (ifNoneMatchStar && existing != null) {
      throw new dev.musubi.platform.web.ProblemException(
          org.springframework.http.HttpStatus.PRECONDITION_FAILED,
          "precondition-failed",
          "The resource exists.",
          List.of());
    }
    if (ifMatch != null
        && (existing == null
            || !(ifMatch.strip().equals("*") || ifMatch.strip().equals(quoted(existing.etag()))))) {
      throw new dev.musubi.platform.web.ProblemException(
          org.springframework.http.HttpStatus.PRECONDITION_FAILED,
          "precondition-failed",
          "The resource changed since it was read.",
          List.of());
    }
    List<ImportedEvent> masters = parsed.stream().filter(p -> p.recurrenceId() == null).toList();
    if (masters.size() != 1 || parsed.stream().map(ImportedEvent::uid).distinct().count() != 1) {
      throw Problems.invalid(
          "file", "one_event", "A resource holds one event (and its overridden occurrences).");
    }
    String uid = masters.getFirst().uid();
    EventRow sameUid = store.eventByUid(actor.tenantId(), calendarId, uid).orElse(null);
    if (sameUid != null && (existing == null || !sameUid.id().equals(existing.id()))) {
      throw Problems.conflict("uid-conflict", "Another resource of this calendar has this UID.");
    }
    // Drive files this resource already has come back as the download links it was exported with.
    Map<UUID, AttachmentRow> attached = new HashMap<>();
    if (existing != null) {
      List<UUID> rows = new ArrayList<>(List.of(existing.id()));
      store.overrides(actor.tenantId(), List.of(existing.id())).forEach(o -> rows.add(o.id()));
      for (AttachmentRow x : store.attachments(actor.tenantId(), rows)) {
        if (x.fileId() != null) {
          attached.putIfAbsent(x.fileId(), x);
        }
      }
    }
    List<Draft> drafts = new ArrayList<>();
    for (ImportedEvent p : parsed) {
      drafts.add(
          validate(
              actor,
              withMembersByAddress(actor, withAttachedFiles(p.input(), attached.keySet())),
              null,
              p.recurrenceId() == null,
              attached));
    }
    // The occurrences that had an override row; any other RECURRENCE-ID the client sends back may
    // be
    // one that export wrote only to carry answers (see exportRows).
    Set<Instant> overriddenBefore = new HashSet<>();
    if (existing != null) {
      store
          .overrides(actor.tenantId(), List.of(existing.id()))
          .forEach(o -> overriddenBefore.add(o.recurrenceId()));
    }
    Map<String, String> seriesAnswers = new HashMap<>();
    List<Answer> occurrenceAnswers =
        existing == null ? List.of() : answers.of(actor.tenantId(), List.of(existing.id()));
    UUID facility = null;
    if (existing != null) {
      store
          .attendees(actor.tenantId(), List.of(existing.id()))
          .forEach(x -> seriesAnswers.put(x.email(), x.status()));
      facility = existing.facilityId();
      lockFacilities(actor, facility);
      store.deleteEventRows(actor.tenantId(), existing.id());
    }
    Instant now = clock.instant();
    EventRow master = null;
    for (int i = 0; i < parsed.size(); i++) {
      if (parsed.get(i).recurrenceId() != null) {
        continue;
      }
      Draft d = drafts.get(i);
      EventRow row = toRow(d, ids.next(), actor.tenantId(), calendarId, null, null, actor, now);
      row = withUid(row, uid);
      if (facility != null) {
        row = withFacility(row, facility);
      }
      store.insertEvent(row);
      UUID rid = row.id();
      store.replaceAttendees(
          actor.tenantId(),
          rid,
          attendeeRows(rid, d.attendees()).stream()
              .map(
                  x ->
                      new AttendeeRow(
                          rid,
                          x.memberId(),
                          x.email(),
                          x.name(),
                          seriesAnswers.getOrDefault(x.email(), x.status()),
                          x.required()))
              .toList());
      saveAttachments(actor.tenantId(), rid, d.attachments());
      master = row;
    }
    List<AttachmentRow> masterFiles = store.attachments(actor.tenantId(), List.of(master.id()));
    for (int i = 0; i < parsed.size(); i++) {
      ImportedEvent p = parsed.get(i);
      if (p.recurrenceId() == null) {
        continue;
      }
      EventRow o =
          toRow(
              drafts.get(i),
              ids.next(),
              actor.tenantId(),
              calendarId,
              master.id(),
              p.recurrenceId(),
              actor,
              now);
      if (!overriddenBefore.contains(p.recurrenceId())
          && answersOnly(master, o, drafts.get(i).attachments(), masterFiles)) {
        // An occurrence exported only to carry its answers, sent back unchanged: it stays a plain
        // occurrence of the series (its answers are kept below), not an override row.
        continue;
      }
      store.insertEvent(withUid(o, uid));
      saveAttachments(actor.tenantId(), o.id(), drafts.get(i).attachments());
    }
    store.setHref(actor.tenantId(), calendarId, href, master.id());
    for (Answer kept : occurrenceAnswers) {
      answers.set(
          actor.tenantId(),
          new Answer(master.id(), kept.occurrence(), kept.email(), kept.memberId(), kept.status()));
    }
    answers.retainAttendees(actor.tenantId(), master.id());
    book(actor, master, List.of());
    store.touchCalendar(actor.tenantId(), calendarId);
    invitations.sync(actor.tenantId(), master.id());
    return quoted(master.etag());
  }

  /**
   * Whether an override read from a client is the series' own occurrence at its recurrence ID, as
   * export writes one that differs from the series only in its attendees' answers.
   */
  private static boolean answersOnly(
      EventRow master,
      EventRow o,
      @Nullable List<AttachmentRow> files,
      List<AttachmentRow> masterFiles) {
    if (o.recurrenceId() == null
        || master.exdates().contains(o.recurrenceId())
        || !Recurrence.isOccurrence(
            master.startLocal(),
            ZoneId.of(master.timeZone()),
            master.duration(),
            master.rrule(),
            master.rdates(),
            o.recurrenceId())) {
      return false;
    }
    EventRow same = Occurrences.at(master, o.recurrenceId());
    return o.startAt().equals(same.startAt())
        && o.endAt().equals(same.endAt())
        && o.allDay() == same.allDay()
        && o.title().equals(same.title())
        && o.location().equals(same.location())
        && o.description().equals(same.description())
        && o.visibility().equals(same.visibility())
        && o.reminders().equals(same.reminders())
        && o.emailReminders().equals(same.emailReminders())
        && (files == null || fileKeys(files).equals(fileKeys(masterFiles)));
  }

  private static List<String> fileKeys(List<AttachmentRow> rows) {
    return rows.stream()
        .map(a -> a.fileId() != null ? "file:" + a.fileId() : "url:" + a.uri())
        .toList();
  }

  /**
   * RFC 6638 §3.2: a client names attendees by address. An address of one member of the caller's
   * company becomes that member (an in-app invitation, as the web sends it); the organiser's own
   * address is left out; other addresses stay outside attendees (invited by e-mail).
   */
  private EventInput withMembersByAddress(MemberPrincipal actor, EventInput in) {
    if (in.attendees() == null || in.attendees().isEmpty()) {
      return in;
    }
    List<AttendeeInput> mapped = new ArrayList<>();
    for (AttendeeInput a : in.attendees()) {
      if (a == null || a.email() == null || a.email().isBlank()) {
        if (a == null || !actor.memberId().toString().equals(a.memberId())) {
          mapped.add(a);
        }
        continue;
      }
      UUID member = null;
      try {
        member =
            mailDomains
                .resolve(a.email().strip())
                .filter(r -> r.tenantId().equals(actor.tenantId()) && r.members().size() == 1)
                .map(r -> r.members().iterator().next())
                .orElse(null);
      } catch (RuntimeException e) {
        // An address the mail module cannot read stays an outside attendee (validated below).
      }
      if (member == null) {
        mapped.add(a);
      } else if (!member.equals(actor.memberId())) {
        mapped.add(new AttendeeInput(member.toString(), null, a.name(), a.required()));
      }
    }
    return in.withAttendees(mapped);
  }

  private static final Pattern DOWNLOAD_LINK =
      Pattern.compile(
          "(?i).*/api/v1/events/[0-9a-f-]{36}/attachments/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

  /**
   * The input with each link that is the download URL of a Drive file in {@code files} turned back
   * into that file (a client sends back the ATTACH it was given); other links stay links.
   */
  private static EventInput withAttachedFiles(EventInput in, Set<UUID> files) {
    if (in.attachments() == null || files.isEmpty()) {
      return in;
    }
    List<AttachmentInput> mapped = new ArrayList<>();
    for (AttachmentInput a : in.attachments()) {
      java.util.regex.Matcher m =
          a != null && a.url() != null ? DOWNLOAD_LINK.matcher(a.url().strip()) : null;
      UUID file = m != null && m.matches() ? Ids.parseOrNull(m.group(1)) : null;
      mapped.add(
          file != null && files.contains(file)
              ? new AttachmentInput(file.toString(), null, null)
              : a);
    }
    return in.withAttachments(mapped);
  }

  /** Deletes the series behind a CalDAV resource name, honouring If-Match. */
  @Transactional
  public void deleteResource(
      MemberPrincipal actor, UUID calendarId, String href, @Nullable String ifMatch) {
    var a = access.require(actor, calendarId, Level.FREEBUSY);
    requireWritable(a);
    EventRow existing =
        store.eventByHref(actor.tenantId(), calendarId, href).orElseThrow(Problems::notFound);
    if (ifMatch != null
        && !(ifMatch.strip().equals("*") || ifMatch.strip().equals(quoted(existing.etag())))) {
      throw new dev.musubi.platform.web.ProblemException(
          org.springframework.http.HttpStatus.PRECONDITION_FAILED,
          "precondition-failed",
          "The resource changed since it was read.",
          List.of());
    }
    lockFacilities(actor, existing.facilityId());
    invitations.cancelAll(actor.tenantId(), existing.id());
    store.deleteEventRows(actor.tenantId(), existing.id());
    store.touchCalendar(actor.tenantId(), calendarId);
  }

  /** Masters are read and written in batches of this many (one query per batch and table). */
  private static final int BATCH = 500;

  /**
   * CalDAV resources of one calendar, keyed by master ID: each master with its overrides, as the
   * caller may see them and in the order {@link #resource} gives them. One access check and a few
   * queries per {@value #BATCH} masters instead of several queries per resource.
   *
   * @param masters masters of {@code calendarId}, each once (rows of other calendars, overrides and
   *     repeats are left out)
   */
  public Map<UUID, List<Exported>> resources(
      MemberPrincipal actor, UUID calendarId, List<EventRow> masters) {
    var a = access.require(actor, calendarId, Level.FREEBUSY);
    Map<UUID, List<Exported>> out = new LinkedHashMap<>();
    Set<UUID> seen = new HashSet<>();
    List<EventRow> own =
        masters.stream()
            .filter(m -> m.calendarId().equals(calendarId) && m.parentId() == null)
            .filter(m -> seen.add(m.id()))
            .toList();
    for (int i = 0; i < own.size(); i += BATCH) {
      List<EventRow> chunk = own.subList(i, Math.min(own.size(), i + BATCH));
      List<EventRow> rows = new ArrayList<>(chunk);
      rows.addAll(store.overrides(actor.tenantId(), chunk.stream().map(EventRow::id).toList()));
      for (Exported x : exportRows(actor.tenantId(), rows, a.level(), actor.memberId())) {
        EventRow e = x.event();
        out.computeIfAbsent(e.parentId() == null ? e.id() : e.parentId(), k -> new ArrayList<>())
            .add(x);
      }
    }
    return out;
  }

  /**
   * The masters that have an occurrence (or an override) overlapping the window that {@code window}
   * gives for each ({@code [from, to)}), in their order; the overrides of all of them are read in
   * one query per {@value #BATCH}.
   */
  public List<EventRow> occurringIn(
      MemberPrincipal actor,
      List<EventRow> masters,
      java.util.function.Function<EventRow, Instant[]> window) {
    Map<UUID, List<EventRow>> overrides = new HashMap<>();
    for (int i = 0; i < masters.size(); i += BATCH) {
      List<UUID> ids =
          masters.subList(i, Math.min(masters.size(), i + BATCH)).stream()
              .map(EventRow::id)
              .toList();
      for (EventRow o : store.overrides(actor.tenantId(), ids)) {
        overrides.computeIfAbsent(o.parentId(), k -> new ArrayList<>()).add(o);
      }
    }
    return masters.stream()
        .filter(
            m -> {
              Instant[] w = window.apply(m);
              return !instances(m, overrides.getOrDefault(m.id(), List.of()), w[0], w[1]).isEmpty();
            })
        .toList();
  }

  /**
   * The time zone of a calendar (RFC 4791 §5.2.2 calendar-timezone): its owner's for a personal
   * calendar, else Asia/Tokyo. Never null.
   */
  public ZoneId zoneOf(UUID tenantId, @Nullable UUID ownerId) {
    if (ownerId == null) {
      return ZoneId.of(DEFAULT_ZONE);
    }
    return store.activeMembers(tenantId, List.of(ownerId)).stream()
        .findFirst()
        .map(
            p -> {
              try {
                return ZoneId.of(p.timeZone());
              } catch (RuntimeException e) {
                return ZoneId.of(DEFAULT_ZONE);
              }
            })
        .orElse(ZoneId.of(DEFAULT_ZONE));
  }

  /** Whether a master has an occurrence (or an override) overlapping the window. */
  public boolean occursIn(MemberPrincipal actor, EventRow m, Instant from, Instant to) {
    return !instances(m, store.overrides(actor.tenantId(), List.of(m.id())), from, to).isEmpty();
  }

  public static String quoted(String etag) {
    return "\"" + etag + "\"";
  }

  private static EventRow withFacility(EventRow r, UUID facility) {
    return new EventRow(
        r.id(),
        r.tenantId(),
        r.calendarId(),
        r.uid(),
        r.parentId(),
        r.recurrenceId(),
        r.organizerId(),
        r.title(),
        r.location(),
        r.description(),
        r.allDay(),
        r.timeZone(),
        r.startLocal(),
        r.startAt(),
        r.endAt(),
        r.duration(),
        r.rrule(),
        r.exdates(),
        r.rdates(),
        r.rangeEnd(),
        r.visibility(),
        r.reminders(),
        r.emailReminders(),
        facility,
        r.sequence(),
        r.etag(),
        r.createdAt(),
        r.updatedAt(),
        r.transparency(),
        r.status());
  }

  private List<Exported> exportRows(
      UUID tenantId, CalendarRow c, Level level, @Nullable UUID viewer) {
    return exportRows(tenantId, store.allEvents(tenantId, c.id(), 20_000), level, viewer);
  }

  private List<Exported> exportRows(
      UUID tenantId, List<EventRow> rows, Level level, @Nullable UUID viewer) {
    Map<UUID, List<AttendeeRow>> byEvent = new HashMap<>();
    for (AttendeeRow a : store.attendees(tenantId, rows.stream().map(EventRow::id).toList())) {
      byEvent.computeIfAbsent(a.eventId(), k -> new ArrayList<>()).add(a);
    }
    Map<UUID, List<AttachmentRow>> files = new HashMap<>();
    for (AttachmentRow a : store.attachments(tenantId, rows.stream().map(EventRow::id).toList())) {
      files.computeIfAbsent(a.eventId(), k -> new ArrayList<>()).add(a);
    }
    Map<UUID, List<Answer>> given = new HashMap<>();
    for (Answer a :
        answers.of(
            tenantId, rows.stream().filter(r -> r.parentId() == null).map(EventRow::id).toList())) {
      given.computeIfAbsent(a.eventId(), k -> new ArrayList<>()).add(a);
    }
    Map<UUID, Set<Instant>> overridden = new HashMap<>();
    rows.stream()
        .filter(r -> r.parentId() != null)
        .forEach(
            r ->
                overridden
                    .computeIfAbsent(r.parentId(), k -> new HashSet<>())
                    .add(r.recurrenceId()));
    List<Exported> out = new ArrayList<>();
    for (EventRow e : rows) {
      boolean own = viewer != null && viewer.equals(e.organizerId());
      boolean hide =
          !level.atLeast(Level.DETAILS)
              || (!e.visibility().equals("public") && !own && level != Level.OWNER);
      if (hide) {
        out.add(new Exported(redact(e), List.of(), null));
        continue;
      }
      UUID master = e.parentId() != null ? e.parentId() : e.id();
      List<Answer> answered = given.getOrDefault(master, List.of());
      if (e.parentId() != null) {
        List<AttendeeRow> attendees =
            atOccurrence(byEvent.getOrDefault(master, List.of()), answered, e.recurrenceId());
        out.add(
            new Exported(
                e,
                answered.isEmpty() ? List.of() : attendees,
                null,
                files.getOrDefault(e.id(), List.of())));
        continue;
      }
      out.add(
          new Exported(
              e,
              byEvent.getOrDefault(e.id(), List.of()),
              null,
              files.getOrDefault(e.id(), List.of())));
      // An occurrence someone answered on its own goes out as an override (RECURRENCE-ID) that
      // carries the attendees with that answer as PARTSTAT.
      Set<Instant> done = new HashSet<>(overridden.getOrDefault(e.id(), Set.of()));
      ZoneId zone = ZoneId.of(e.timeZone());
      for (Answer a : answered) {
        Instant rid = a.occurrence();
        if (!done.add(rid)
            || e.exdates().contains(rid)
            || !Recurrence.isOccurrence(
                e.startLocal(), zone, e.duration(), e.rrule(), e.rdates(), rid)) {
          continue;
        }
        out.add(
            new Exported(
                occurrenceRow(e, rid),
                atOccurrence(byEvent.getOrDefault(e.id(), List.of()), answered, rid),
                null,
                files.getOrDefault(e.id(), List.of())));
      }
    }
    return out;
  }

  /** Imports parsed events into a calendar (all or nothing); returns how many were written. */
  @Transactional
  public int importEvents(MemberPrincipal actor, UUID calendarId, List<ImportedEvent> events) {
    var a = access.require(actor, calendarId, Level.FREEBUSY);
    requireWritable(a);
    Instant now = clock.instant();
    Map<String, EventRow> masters = new LinkedHashMap<>();
    List<FieldError> errors = new ArrayList<>();
    List<Draft> drafts = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      ImportedEvent ev = events.get(i);
      try {
        drafts.add(validate(actor, ev.input(), null, ev.recurrenceId() == null));
      } catch (dev.musubi.platform.web.ProblemException p) {
        for (FieldError f : p.errors()) {
          errors.add(new FieldError("events[" + i + "]." + f.field(), f.code(), f.message()));
        }
        drafts.add(null);
      }
      if (errors.size() > 50) {
        break;
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    int written = 0;
    for (int i = 0; i < events.size(); i++) {
      ImportedEvent ev = events.get(i);
      if (ev.recurrenceId() != null) {
        continue;
      }
      Draft d = drafts.get(i);
      EventRow existing = store.eventByUid(actor.tenantId(), calendarId, ev.uid()).orElse(null);
      if (existing != null) {
        store.deleteEventRows(actor.tenantId(), existing.id());
      }
      EventRow row = toRow(d, ids.next(), actor.tenantId(), calendarId, null, null, actor, now);
      row = withUid(row, ev.uid());
      store.insertEvent(row);
      store.replaceAttendees(actor.tenantId(), row.id(), attendeeRows(row.id(), d.attendees()));
      saveAttachments(actor.tenantId(), row.id(), d.attachments());
      masters.put(ev.uid(), row);
      written++;
    }
    for (int i = 0; i < events.size(); i++) {
      ImportedEvent ev = events.get(i);
      if (ev.recurrenceId() == null) {
        continue;
      }
      EventRow master = masters.get(ev.uid());
      if (master == null) {
        continue;
      }
      Draft d = drafts.get(i);
      EventRow o =
          toRow(
              d,
              ids.next(),
              actor.tenantId(),
              calendarId,
              master.id(),
              ev.recurrenceId(),
              actor,
              now);
      store.insertEvent(withUid(o, ev.uid()));
      saveAttachments(actor.tenantId(), o.id(), d.attachments());
      written++;
    }
    store.touchCalendar(actor.tenantId(), calendarId);
    return written;
  }

  /** One VEVENT read from an .ics file. */
  public record ImportedEvent(String uid, @Nullable Instant recurrenceId, EventInput input) {}

  // ---- internals: listing --------------------------------------------------------------------

  private List<Occurrence> collect(
      MemberPrincipal actor,
      List<CalendarAccess.Access> calendars,
      Instant from,
      Instant to,
      boolean withInvitations) {
    Map<UUID, Level> levels = new HashMap<>();
    List<UUID> ids = new ArrayList<>();
    List<Occurrence> out = new ArrayList<>();
    for (CalendarAccess.Access a : calendars) {
      if (a.calendar().kind().equals("holidays")) {
        holidays(a.calendar(), from, to, out);
        continue;
      }
      levels.put(a.calendar().id(), a.level());
      ids.add(a.calendar().id());
    }
    List<EventRow> masters = new ArrayList<>(store.masters(actor.tenantId(), ids, from, to));
    Set<UUID> seen = new HashSet<>();
    masters.forEach(m -> seen.add(m.id()));
    Set<UUID> invitedOnly = new HashSet<>();
    if (withInvitations) {
      for (EventRow e : store.invitations(actor.tenantId(), actor.memberId(), from, to)) {
        if (seen.add(e.id())) {
          masters.add(e);
          invitedOnly.add(e.id());
        }
      }
    }
    List<UUID> masterIds = masters.stream().map(EventRow::id).toList();
    Map<UUID, String> myStatus = new HashMap<>();
    for (AttendeeRow a : store.attendees(actor.tenantId(), masterIds)) {
      if (actor.memberId().equals(a.memberId())) {
        myStatus.put(a.eventId(), a.status());
      }
    }
    Map<UUID, Map<Instant, String>> myOccurrenceStatus =
        occurrenceStatuses(actor.tenantId(), actor.memberId(), masterIds);
    Map<UUID, List<EventRow>> overrides = new HashMap<>();
    for (EventRow o : store.overrides(actor.tenantId(), masterIds)) {
      overrides.computeIfAbsent(o.parentId(), k -> new ArrayList<>()).add(o);
    }
    for (EventRow m : masters) {
      Map<Instant, String> mine = myOccurrenceStatus.getOrDefault(m.id(), Map.of());
      Level l = levels.getOrDefault(m.calendarId(), Level.DETAILS);
      boolean invited = myStatus.containsKey(m.id());
      boolean busyOnly =
          !l.atLeast(Level.DETAILS)
              || (!m.visibility().equals("public")
                  && l != Level.OWNER
                  && !invited
                  && !actor.memberId().equals(m.organizerId()));
      for (EventRow inst : instances(m, overrides.getOrDefault(m.id(), List.of()), from, to)) {
        boolean recurring = m.rrule() != null || !m.rdates().isEmpty();
        String status = mine.getOrDefault(inst.recurrenceId(), myStatus.get(m.id()));
        out.add(
            new Occurrence(
                m.id(),
                m.calendarId(),
                recurring ? inst.recurrenceId().toString() : null,
                inst.startAt(),
                inst.endAt(),
                inst.allDay(),
                inst.allDay() ? inst.startLocal().toLocalDate().toString() : null,
                inst.allDay()
                    ? LocalDateTime.ofInstant(inst.endAt(), ZoneId.of(inst.timeZone()))
                        .toLocalDate()
                        .toString()
                    : null,
                busyOnly ? null : inst.title(),
                busyOnly ? null : inst.location(),
                m.visibility(),
                recurring,
                busyOnly,
                invitedOnly.contains(m.id()) || (invited && !levels.containsKey(m.calendarId())),
                status,
                busyOnly ? null : m.facilityId(),
                inst.timeZone(),
                remindsViewer(actor, m, status) ? inst.reminders() : List.of(),
                inst.transparency(),
                inst.status()));
      }
    }
    out.sort(Comparator.comparing(Occurrence::start).thenComparing(o -> o.calendarId().toString()));
    return out;
  }

  /** A member's answers for single occurrences: by master, then by original start. */
  private Map<UUID, Map<Instant, String>> occurrenceStatuses(
      UUID tenantId, UUID memberId, List<UUID> masterIds) {
    Map<UUID, Map<Instant, String>> out = new HashMap<>();
    for (Answer a : answers.of(tenantId, masterIds)) {
      if (memberId.equals(a.memberId())) {
        out.computeIfAbsent(a.eventId(), k -> new HashMap<>()).put(a.occurrence(), a.status());
      }
    }
    return out;
  }

  /** Reminders are the organiser's and the invited members' who have not declined. */
  private static boolean remindsViewer(
      MemberPrincipal actor, EventRow m, @Nullable String myStatus) {
    return actor.memberId().equals(m.organizerId())
        || (myStatus != null && !"declined".equals(myStatus));
  }

  private static void holidays(CalendarRow c, Instant from, Instant to, List<Occurrence> out) {
    ZoneId tokyo = ZoneId.of(DEFAULT_ZONE);
    LocalDate f = LocalDateTime.ofInstant(from, tokyo).toLocalDate();
    LocalDate t = LocalDateTime.ofInstant(to, tokyo).toLocalDate().plusDays(1);
    JapaneseHolidays.between(f, t)
        .forEach(
            (day, name) -> {
              Instant s = day.atStartOfDay(tokyo).toInstant();
              Instant e = day.plusDays(1).atStartOfDay(tokyo).toInstant();
              if (s.isBefore(to) && e.isAfter(from)) {
                out.add(
                    new Occurrence(
                        null,
                        c.id(),
                        null,
                        s,
                        e,
                        true,
                        day.toString(),
                        day.plusDays(1).toString(),
                        name,
                        null,
                        "public",
                        false,
                        false,
                        false,
                        null,
                        null,
                        DEFAULT_ZONE,
                        List.of(),
                        EventRow.TRANSPARENT,
                        EventRow.CONFIRMED));
              }
            });
  }

  /**
   * The occurrences of a master in the window as rows (overrides in place of the occurrences they
   * replace); each carries its recurrence ID.
   */
  private List<EventRow> instances(EventRow m, List<EventRow> overrides, Instant from, Instant to) {
    return Occurrences.between(m, overrides, from, to, MAX_PER_SERIES);
  }

  /** The master as it is at one occurrence. */
  private static EventRow occurrenceRow(EventRow m, Instant start) {
    return Occurrences.at(m, start);
  }

  private Map<UUID, List<Busy>> busyOf(
      UUID tenantId, List<UUID> members, Instant from, Instant to) {
    Map<UUID, List<Busy>> result = new LinkedHashMap<>();
    List<CalendarRow> calendars = store.personalCalendars(tenantId, members);
    for (UUID m : members) {
      List<UUID> own =
          calendars.stream().filter(c -> m.equals(c.ownerId())).map(CalendarRow::id).toList();
      List<EventRow> masters = new ArrayList<>(store.masters(tenantId, own, from, to));
      Set<UUID> seen = new HashSet<>();
      masters.forEach(x -> seen.add(x.id()));
      Map<UUID, String> status = new HashMap<>();
      for (EventRow e : store.invitations(tenantId, m, from, to)) {
        if (seen.add(e.id())) {
          masters.add(e);
        }
      }
      for (AttendeeRow a : store.attendees(tenantId, masters.stream().map(EventRow::id).toList())) {
        if (m.equals(a.memberId())) {
          status.put(a.eventId(), a.status());
        }
      }
      result.put(m, busyTimes(tenantId, m, masters, status, from, to));
    }
    return result;
  }

  /**
   * The busy times of masters in {@code [from, to)}, with their overrides, as one member's answers
   * (series and per occurrence) make them: declined is free, tentative or not yet answered is
   * tentative, anything else busy. All-day events are not busy (as in the web's free/busy); nor are
   * transparent or cancelled ones, and a tentative event is tentative whatever the answer.
   */
  private List<Busy> busyTimes(
      UUID tenantId,
      @Nullable UUID member,
      List<EventRow> masters,
      Map<UUID, String> status,
      Instant from,
      Instant to) {
    List<UUID> ids = masters.stream().map(EventRow::id).toList();
    Map<UUID, List<EventRow>> overrides = new HashMap<>();
    for (EventRow o : store.overrides(tenantId, ids)) {
      overrides.computeIfAbsent(o.parentId(), k -> new ArrayList<>()).add(o);
    }
    Map<UUID, Map<Instant, String>> perOccurrence =
        member == null ? Map.of() : occurrenceStatuses(tenantId, member, ids);
    List<Busy> busy = new ArrayList<>();
    for (EventRow e : masters) {
      String series = status.get(e.id());
      Map<Instant, String> occ = perOccurrence.getOrDefault(e.id(), Map.of());
      if (("declined".equals(series) && occ.isEmpty()) || e.allDay()) {
        continue;
      }
      for (EventRow i : instances(e, overrides.getOrDefault(e.id(), List.of()), from, to)) {
        String st = occ.getOrDefault(i.recurrenceId(), series);
        // RFC 5545 §3.8.2.7 and §3.8.1.11: a transparent or cancelled event leaves the time free.
        if ("declined".equals(st) || i.allDay() || i.free()) {
          continue;
        }
        boolean tentative =
            "tentative".equals(st)
                || "needs-action".equals(st)
                || EventRow.TENTATIVE.equals(i.status());
        busy.add(new Busy(i.startAt(), i.endAt(), tentative ? "tentative" : "busy"));
      }
    }
    busy.sort(Comparator.comparing(Busy::start));
    return busy;
  }

  private List<UUID> members(MemberPrincipal actor, @Nullable List<String> memberIds) {
    if (memberIds == null || memberIds.isEmpty()) {
      throw Problems.invalid("members", "required", "Name at least one member.");
    }
    if (memberIds.size() > 100) {
      throw Problems.invalid("members", "too_many", "At most 100 members.");
    }
    Set<UUID> wanted = new java.util.LinkedHashSet<>();
    for (String s : memberIds) {
      UUID id = Ids.parseOrNull(s.strip());
      if (id == null) {
        throw Problems.invalid("members", "unknown_member", "Not a member of the company.");
      }
      wanted.add(id);
    }
    Set<UUID> known = new HashSet<>();
    store.activeMembers(actor.tenantId(), wanted).forEach(p -> known.add(p.id()));
    if (!known.containsAll(wanted)) {
      throw Problems.invalid("members", "unknown_member", "Not a member of the company.");
    }
    return new ArrayList<>(wanted);
  }

  // ---- internals: access -------------------------------------------------------------------

  /** The caller's level on an event: that of its calendar, or details when invited; else 404. */
  private Level viewLevel(MemberPrincipal actor, EventRow e) {
    CalendarRow c =
        store.calendar(actor.tenantId(), e.calendarId()).orElseThrow(Problems::notFound);
    Level l = access.level(actor, c, access.departmentsAndGroups(actor));
    if (l.atLeast(Level.DETAILS)) {
      return l;
    }
    UUID master = e.parentId() != null ? e.parentId() : e.id();
    boolean invited =
        store.attendees(actor.tenantId(), List.of(master)).stream()
            .anyMatch(a -> actor.memberId().equals(a.memberId()));
    if (invited) {
      return Level.DETAILS;
    }
    if (l == Level.FREEBUSY) {
      throw Problems.forbidden("You see only when this calendar is busy.");
    }
    throw Problems.notFound();
  }

  private static void requireWritable(CalendarAccess.Access a) {
    if (a.calendar().kind().equals("holidays")) {
      throw Problems.forbidden("read-only-calendar", "The holiday calendar is read-only.");
    }
    if (!a.level().atLeast(Level.EDIT)) {
      throw Problems.forbidden("You may not add events to this calendar.");
    }
  }

  private EventDetail detail(MemberPrincipal actor, EventRow e, Level l) {
    return detail(actor, e, l, null);
  }

  /**
   * The event as its viewer may see it; for an overridden occurrence, or with {@code occurrence},
   * the attendees' answers are those for that occurrence.
   */
  private EventDetail detail(
      MemberPrincipal actor, EventRow e, Level l, @Nullable Instant occurrence) {
    UUID master = e.parentId() != null ? e.parentId() : e.id();
    List<Answer> given = answers.of(actor.tenantId(), List.of(master));
    Instant at = occurrence != null ? occurrence : e.recurrenceId();
    List<AttendeeRow> rows =
        atOccurrence(store.attendees(actor.tenantId(), List.of(master)), given, at);
    boolean invited = rows.stream().anyMatch(a -> actor.memberId().equals(a.memberId()));
    boolean hide =
        !e.visibility().equals("public")
            && l != Level.OWNER
            && !invited
            && !actor.memberId().equals(e.organizerId());
    EventRow v = hide ? redact(e) : e;
    ZoneId zone = ZoneId.of(v.timeZone());
    String start = v.allDay() ? v.startLocal().toLocalDate().toString() : v.startLocal().toString();
    LocalDateTime endLocal = LocalDateTime.ofInstant(v.endAt(), zone);
    String end = v.allDay() ? endLocal.toLocalDate().toString() : endLocal.toString();
    String bookingStatus = null;
    if (v.facilityId() != null) {
      bookingStatus =
          store.bookingsOfEvent(actor.tenantId(), master).stream()
              .map(BookingRow::status)
              .findFirst()
              .orElse(null);
    }
    String my =
        rows.stream()
            .filter(a -> actor.memberId().equals(a.memberId()))
            .map(AttendeeRow::status)
            .findFirst()
            .orElse(null);
    return new EventDetail(
        v.id(),
        v.calendarId(),
        v.uid(),
        v.parentId(),
        v.recurrenceId(),
        v.title(),
        v.location(),
        v.description(),
        v.allDay(),
        v.timeZone(),
        start,
        end,
        v.startAt(),
        v.endAt(),
        v.rrule(),
        v.exdates(),
        v.rdates(),
        v.visibility(),
        v.reminders(),
        v.organizerId(),
        hide
            ? List.of()
            : rows.stream()
                .map(
                    a ->
                        new EventDetail.Attendee(
                            a.memberId(),
                            a.memberId() == null ? a.email() : null,
                            a.name(),
                            a.status(),
                            a.required()))
                .toList(),
        hide ? null : v.facilityId(),
        hide ? null : bookingStatus,
        v.sequence(),
        v.etag(),
        l.atLeast(Level.EDIT),
        my,
        hide ? List.of() : v.emailReminders(),
        at,
        hide
            ? List.of()
            : given.stream()
                .map(
                    a ->
                        new EventDetail.OccurrenceAnswer(
                            a.occurrence(),
                            a.memberId(),
                            a.memberId() == null ? a.email() : null,
                            a.status()))
                .toList(),
        hide
            ? List.of()
            : store.attachments(actor.tenantId(), List.of(attachmentsRow(actor, e, at))).stream()
                .map(
                    a ->
                        new EventDetail.Attachment(
                            a.fileId(), a.uri(), a.name(), a.size(), a.contentType()))
                .toList(),
        v.transparency(),
        v.status());
  }

  /** The attendees with the answers given for one occurrence in place of their series answers. */
  private static List<AttendeeRow> atOccurrence(
      List<AttendeeRow> rows, List<Answer> given, @Nullable Instant occurrence) {
    if (occurrence == null || given.isEmpty()) {
      return rows;
    }
    Map<String, String> here = new HashMap<>();
    for (Answer a : given) {
      if (a.occurrence().equals(occurrence)) {
        here.put(a.email(), a.status());
      }
    }
    if (here.isEmpty()) {
      return rows;
    }
    return rows.stream()
        .map(
            a ->
                new AttendeeRow(
                    a.eventId(),
                    a.memberId(),
                    a.email(),
                    a.name(),
                    here.getOrDefault(a.email(), a.status()),
                    a.required()))
        .toList();
  }

  private static EventRow redact(EventRow e) {
    return new EventRow(
        e.id(),
        e.tenantId(),
        e.calendarId(),
        e.uid(),
        e.parentId(),
        e.recurrenceId(),
        null,
        "予定あり",
        "",
        "",
        e.allDay(),
        e.timeZone(),
        e.startLocal(),
        e.startAt(),
        e.endAt(),
        e.duration(),
        e.rrule(),
        e.exdates(),
        e.rdates(),
        e.rangeEnd(),
        e.visibility(),
        List.of(),
        List.of(),
        null,
        e.sequence(),
        e.etag(),
        e.createdAt(),
        e.updatedAt(),
        e.transparency(),
        e.status());
  }

  // ---- internals: validation ------------------------------------------------------------------

  /** A checked, complete event description. {@code attendees} null: unchanged. */
  record Draft(
      String title,
      String location,
      String description,
      boolean allDay,
      ZoneId zone,
      LocalDateTime startLocal,
      LocalDateTime endLocal,
      @Nullable String rrule,
      List<Instant> exdates,
      List<Instant> rdates,
      String visibility,
      List<Integer> reminders,
      @Nullable List<AttendeeRow> attendees,
      @Nullable UUID facilityId,
      List<Integer> emailReminders,
      @Nullable List<AttachmentRow> attachments,
      String transparency,
      String status) {}

  private Draft validate(
      MemberPrincipal actor, EventInput in, @Nullable EventRow base, boolean allowRule) {
    return validate(actor, in, base, allowRule, Map.of());
  }

  /**
   * Checks an input against {@code base} (the row it changes, or null); {@code attached} are Drive
   * files already attached to what is being replaced, kept without checking the caller's drive
   * rights again.
   */
  private Draft validate(
      MemberPrincipal actor,
      EventInput in,
      @Nullable EventRow base,
      boolean allowRule,
      Map<UUID, AttachmentRow> attached) {
    List<FieldError> errors = new ArrayList<>();
    // Sizes first: a huge list is refused before anything looks at its items.
    if (in.attendees() != null && in.attendees().size() > MAX_ATTENDEES) {
      throw Problems.invalid(
          "attendees", "too_many", "At most " + MAX_ATTENDEES + " attendees per event.");
    }
    if (in.attachments() != null && in.attachments().size() > MAX_ATTACHMENTS) {
      throw Problems.invalid(
          "attachments", "too_many", "At most " + MAX_ATTACHMENTS + " attachments per event.");
    }
    String title = in.title() != null ? in.title().strip() : base != null ? base.title() : "";
    if (title.isEmpty() || title.length() > MAX_TITLE) {
      errors.add(new FieldError("title", "length", "Give a title of 1 to 300 characters."));
    }
    String location =
        in.location() != null ? in.location().strip() : base != null ? base.location() : "";
    if (location.length() > MAX_LOCATION) {
      errors.add(new FieldError("location", "too_long", "At most 500 characters."));
    }
    String description =
        in.description() != null ? in.description() : base != null ? base.description() : "";
    if (description.length() > MAX_DESCRIPTION) {
      errors.add(new FieldError("description", "too_long", "At most 10000 characters."));
    }
    boolean allDay = in.allDay() != null ? in.allDay() : base != null && base.allDay();
    ZoneId zone =
        zone(
            in.timeZone(),
            base != null ? ZoneId.of(base.timeZone()) : memberZone(actor),
            "timeZone",
            errors);
    LocalDateTime start = null;
    LocalDateTime end = null;
    if (in.start() != null) {
      start = time(in.start(), allDay, zone, "start", errors);
    } else if (base != null && base.allDay() == allDay) {
      start = base.startLocal();
    } else {
      errors.add(new FieldError("start", "required", "A start is required."));
    }
    if (in.end() != null) {
      end = time(in.end(), allDay, zone, "end", errors);
    } else if (base != null && base.allDay() == allDay && start != null) {
      end = start.plus(base.duration());
      if (base.allDay()) {
        end = start.plusDays(Math.max(1, base.duration().toDays()));
      }
    } else {
      errors.add(new FieldError("end", "required", "An end is required."));
    }
    if (start != null && end != null) {
      Instant s = Recurrence.at(start, zone);
      Instant e = Recurrence.at(end, zone);
      if (!e.isAfter(s)) {
        errors.add(new FieldError("end", "before_start", "The end must be after the start."));
      } else if (Duration.between(s, e).compareTo(Duration.ofDays(366)) > 0) {
        errors.add(new FieldError("end", "too_long", "An event lasts at most 366 days."));
      }
    }
    String rrule = base != null ? base.rrule() : null;
    if (in.rrule() != null) {
      rrule = in.rrule().isBlank() ? null : in.rrule();
    }
    if (rrule != null && !allowRule) {
      rrule = null;
    }
    if (rrule != null && start != null) {
      try {
        rrule = Recurrence.normalize(rrule, start, zone, allDay);
      } catch (Recurrence.InvalidRule e) {
        errors.add(new FieldError("rrule", "invalid", e.getMessage()));
      }
    }
    List<Instant> exdates =
        in.exdates() != null
            ? dates(in.exdates(), allDay, zone, "exdates", errors)
            : base != null ? base.exdates() : List.of();
    List<Instant> rdates =
        in.rdates() != null
            ? dates(in.rdates(), allDay, zone, "rdates", errors)
            : base != null ? base.rdates() : List.of();
    String visibility =
        in.visibility() != null ? in.visibility() : base != null ? base.visibility() : "public";
    if (!VISIBILITIES.contains(visibility)) {
      errors.add(new FieldError("visibility", "invalid", "Must be public, private or busy."));
    }
    List<Integer> reminders =
        in.reminders() != null ? in.reminders() : base != null ? base.reminders() : List.of();
    if (reminders.size() > MAX_REMINDERS) {
      errors.add(new FieldError("reminders", "too_many", "At most 5 reminders."));
    } else {
      for (Integer r : reminders) {
        if (r == null || r < 0 || r > 40_320) {
          errors.add(new FieldError("reminders", "range", "Minutes before the start, 0 to 40320."));
          break;
        }
      }
    }
    List<Integer> emailReminders =
        in.emailReminders() != null
            ? in.emailReminders()
            : base != null ? base.emailReminders() : List.of();
    if (emailReminders.size() > MAX_REMINDERS) {
      errors.add(new FieldError("emailReminders", "too_many", "At most 5 reminders."));
    } else {
      for (Integer r : emailReminders) {
        if (r == null || r < 0 || r > 40_320) {
          errors.add(
              new FieldError("emailReminders", "range", "Minutes before the start, 0 to 40320."));
          break;
        }
      }
    }
    List<AttendeeRow> attendees = null;
    if (in.attendees() != null) {
      attendees = attendees(actor, in.attendees(), errors);
    }
    UUID facility = base != null ? base.facilityId() : null;
    if (in.facilityId() != null) {
      if (in.facilityId().isBlank()) {
        facility = null;
      } else {
        facility = Ids.parseOrNull(in.facilityId());
        if (facility == null || store.facility(actor.tenantId(), facility).isEmpty()) {
          errors.add(new FieldError("facilityId", "unknown", "Not a facility of the company."));
          facility = null;
        }
      }
    }
    List<AttachmentInput> attachmentInputs = in.attachments();
    if (attachmentInputs != null) {
      checkAttachmentShapes(attachmentInputs, errors);
    }
    String transparency =
        in.transparency() != null
            ? in.transparency().strip().toUpperCase(Locale.ROOT)
            : base != null ? base.transparency() : EventRow.OPAQUE;
    if (!TRANSPARENCIES.contains(transparency)) {
      errors.add(new FieldError("transparency", "invalid", "Must be OPAQUE or TRANSPARENT."));
    }
    String status =
        in.status() != null
            ? in.status().strip().toUpperCase(Locale.ROOT)
            : base != null ? base.status() : EventRow.CONFIRMED;
    if (!STATUSES.contains(status)) {
      errors.add(new FieldError("status", "invalid", "Must be CONFIRMED, TENTATIVE or CANCELLED."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    List<AttachmentRow> attachments =
        attachmentInputs == null ? null : attachments(actor, attachmentInputs, base, attached);
    return new Draft(
        title,
        location,
        description,
        allDay,
        zone,
        start,
        end,
        rrule,
        exdates,
        rdates,
        visibility,
        List.copyOf(reminders),
        attendees,
        facility,
        emailReminders.stream().distinct().sorted().toList(),
        attachments,
        transparency,
        status);
  }

  private static final Pattern WEB_URL = Pattern.compile("(?i)https?://[^\\s]{1,1990}");

  /** Field errors for attachments that are neither a file ID nor a web link. */
  private static void checkAttachmentShapes(List<AttachmentInput> in, List<FieldError> errors) {
    for (int i = 0; i < in.size(); i++) {
      AttachmentInput a = in.get(i);
      String f = "attachments[" + i + "]";
      if (a == null) {
        errors.add(new FieldError(f, "required", "Name a file or a link."));
      } else if (a.fileId() != null && !a.fileId().isBlank()) {
        if (Ids.parseOrNull(a.fileId().strip()) == null) {
          errors.add(new FieldError(f + ".fileId", "invalid", "Not a file ID."));
        }
      } else if (a.url() != null && !a.url().isBlank()) {
        if (!WEB_URL.matcher(a.url().strip()).matches()) {
          errors.add(
              new FieldError(
                  f + ".url", "invalid", "An http or https link, at most 2000 characters."));
        } else if (a.name() != null && a.name().strip().length() > 255) {
          errors.add(new FieldError(f + ".name", "too_long", "At most 255 characters."));
        }
      } else {
        errors.add(new FieldError(f, "required", "Name a file or a link."));
      }
    }
  }

  /**
   * The attachment rows for well-formed inputs: files already attached to the base row, its series
   * or {@code attached} are kept as they are; any other file must be one the caller can read in
   * their drives now (404 when it is not theirs to see, or not of their company). Duplicates are
   * dropped.
   */
  private List<AttachmentRow> attachments(
      MemberPrincipal actor,
      List<AttachmentInput> in,
      @Nullable EventRow base,
      Map<UUID, AttachmentRow> attached) {
    Map<UUID, AttachmentRow> known = new HashMap<>(attached);
    if (base != null) {
      List<UUID> rows = new ArrayList<>(List.of(base.id()));
      if (base.parentId() != null) {
        rows.add(base.parentId());
      }
      for (AttachmentRow a : store.attachments(actor.tenantId(), rows)) {
        if (a.fileId() != null) {
          known.putIfAbsent(a.fileId(), a);
        }
      }
    }
    List<AttachmentRow> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < in.size(); i++) {
      AttachmentInput a = in.get(i);
      if (a.fileId() != null && !a.fileId().isBlank()) {
        UUID id = Ids.parseOrNull(a.fileId().strip());
        if (id == null || !seen.add("file:" + id)) {
          continue;
        }
        AttachmentRow k = known.get(id);
        if (k != null) {
          out.add(k);
          continue;
        }
        DriveItem f;
        try {
          f = drives.item(actor, id);
        } catch (dev.musubi.platform.web.ProblemException p) {
          if (p.status() == org.springframework.http.HttpStatus.NOT_FOUND) {
            throw new dev.musubi.platform.web.ProblemException(
                org.springframework.http.HttpStatus.NOT_FOUND,
                "attachment-not-found",
                "attachments[" + i + "]: no such file in your drives.",
                List.of());
          }
          throw p;
        }
        if (f.folder()) {
          throw Problems.invalid(
              "attachments[" + i + "].fileId", "not_a_file", "A folder cannot be attached.");
        }
        out.add(
            new AttachmentRow(
                new UUID(0, 0),
                f.id(),
                null,
                f.name(),
                f.size(),
                f.contentType() == null ? "application/octet-stream" : f.contentType(),
                actor.memberId()));
      } else {
        String url = a.url().strip();
        if (!seen.add("url:" + url)) {
          continue;
        }
        String name = a.name() == null || a.name().isBlank() ? linkName(url) : a.name().strip();
        out.add(new AttachmentRow(new UUID(0, 0), null, url, name, 0, "", null));
      }
    }
    return out;
  }

  /** The last path segment of a link, as its name. */
  private static String linkName(String url) {
    String path = url.replaceFirst("[?#].*$", "");
    String last = path.substring(path.lastIndexOf('/') + 1);
    String name = last;
    try {
      name = java.net.URLDecoder.decode(last.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // A stray % keeps the segment as written.
    }
    name = name.isBlank() ? url : name;
    return name.length() > 255 ? name.substring(0, 255) : name;
  }

  /** Replaces an event row's attachments when the change names them (null: unchanged). */
  private void saveAttachments(UUID tenantId, UUID eventId, @Nullable List<AttachmentRow> rows) {
    if (rows == null) {
      return;
    }
    store.replaceAttachments(
        tenantId,
        eventId,
        rows.stream()
            .map(
                a ->
                    new AttachmentRow(
                        eventId,
                        a.fileId(),
                        a.uri(),
                        a.name(),
                        a.size(),
                        a.contentType(),
                        a.attachedBy()))
            .toList());
  }

  private List<AttendeeRow> attendees(
      MemberPrincipal actor, List<AttendeeInput> in, List<FieldError> errors) {
    Map<String, AttendeeRow> rows = new LinkedHashMap<>();
    Set<UUID> members = new HashSet<>();
    for (int i = 0; i < in.size(); i++) {
      AttendeeInput a = in.get(i);
      String f = "attendees[" + i + "]";
      if (a == null) {
        errors.add(new FieldError(f, "required", "An attendee is required."));
        continue;
      }
      boolean required = a.required() == null || a.required();
      String name = a.name() == null ? "" : a.name().strip();
      if (name.length() > 200) {
        errors.add(new FieldError(f + ".name", "too_long", "At most 200 characters."));
        continue;
      }
      if (a.memberId() != null && !a.memberId().isBlank()) {
        UUID id = Ids.parseOrNull(a.memberId().strip());
        if (id == null) {
          errors.add(new FieldError(f + ".memberId", "unknown_member", "Not a member."));
          continue;
        }
        members.add(id);
        rows.put(
            "member:" + id,
            new AttendeeRow(null, id, "member:" + id, name, "needs-action", required));
      } else if (a.email() != null && !a.email().isBlank()) {
        String email = a.email().strip().toLowerCase(Locale.ROOT);
        if (email.length() > 320 || !EMAIL.matcher(email).matches()) {
          errors.add(new FieldError(f + ".email", "invalid", "Not an e-mail address."));
          continue;
        }
        rows.put(email, new AttendeeRow(null, null, email, name, "needs-action", required));
      } else {
        errors.add(new FieldError(f, "required", "Give a memberId or an email."));
      }
    }
    if (!members.isEmpty()) {
      Map<UUID, Person> known = new HashMap<>();
      store.activeMembers(actor.tenantId(), members).forEach(p -> known.put(p.id(), p));
      for (UUID m : members) {
        Person p = known.get(m);
        if (p == null) {
          errors.add(
              new FieldError(
                  "attendees", "unknown_member", "Not an active member of the company."));
          break;
        }
        AttendeeRow r = rows.get("member:" + m);
        rows.put(
            "member:" + m,
            new AttendeeRow(null, m, r.email(), p.displayName(), r.status(), r.required()));
      }
    }
    return new ArrayList<>(rows.values());
  }

  private List<AttendeeRow> mergeStatuses(
      MemberPrincipal actor, UUID eventId, List<AttendeeRow> next, boolean reset) {
    Map<String, String> old = new HashMap<>();
    for (AttendeeRow a : store.attendees(actor.tenantId(), List.of(eventId))) {
      old.put(a.email(), a.status());
    }
    return next.stream()
        .map(
            a ->
                new AttendeeRow(
                    eventId,
                    a.memberId(),
                    a.email(),
                    a.name(),
                    reset ? "needs-action" : old.getOrDefault(a.email(), "needs-action"),
                    a.required()))
        .toList();
  }

  private static List<AttendeeRow> attendeeRows(
      @Nullable UUID eventId, @Nullable List<AttendeeRow> rows) {
    if (rows == null) {
      return List.of();
    }
    return rows.stream()
        .map(
            a ->
                new AttendeeRow(
                    eventId, a.memberId(), a.email(), a.name(), a.status(), a.required()))
        .toList();
  }

  private ZoneId memberZone(MemberPrincipal actor) {
    return zoneOf(actor.tenantId(), actor.memberId());
  }

  private static ZoneId zone(
      @Nullable String text, ZoneId fallback, String field, List<FieldError> errors) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    if (!ZoneId.getAvailableZoneIds().contains(text)) {
      errors.add(new FieldError(field, "invalid", "Not an IANA time zone such as Asia/Tokyo."));
      return fallback;
    }
    return ZoneId.of(text);
  }

  private static @Nullable LocalDateTime time(
      String text, boolean allDay, ZoneId zone, String field, List<FieldError> errors) {
    LocalDateTime t = null;
    try {
      if (allDay) {
        t = LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text).atStartOfDay();
      } else if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
        t = OffsetDateTime.parse(text).atZoneSameInstant(zone).toLocalDateTime();
      } else {
        t = LocalDateTime.parse(text);
      }
    } catch (DateTimeParseException e) {
      errors.add(
          new FieldError(
              field,
              "invalid",
              allDay ? "Must be a date (2026-03-09)." : "Must be a date-time (2026-03-09T09:00)."));
      return null;
    }
    Instant i = Recurrence.at(t, zone);
    if (i.isBefore(EARLIEST) || !i.isBefore(LATEST)) {
      errors.add(new FieldError(field, "range", "Must be between 1900 and 2199."));
      return null;
    }
    return t;
  }

  private static List<Instant> dates(
      List<String> texts, boolean allDay, ZoneId zone, String field, List<FieldError> errors) {
    if (texts.size() > MAX_DATES) {
      errors.add(new FieldError(field, "too_many", "At most " + MAX_DATES + " dates."));
      return List.of();
    }
    List<Instant> out = new ArrayList<>();
    for (String t : texts) {
      if (t == null) {
        errors.add(new FieldError(field, "invalid", "A date is required."));
        return List.of();
      }
      LocalDateTime l = time(t, allDay, zone, field, errors);
      if (l == null) {
        return List.of();
      }
      Instant i = Recurrence.at(l, zone);
      if (!out.contains(i)) {
        out.add(i);
      }
    }
    out.sort(null);
    return out;
  }

  private static LocalTime localTime(
      @Nullable String text, LocalTime fallback, String field, List<FieldError> errors) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(field, "invalid", "Must be a time such as 09:00."));
      return fallback;
    }
  }

  static Instant[] window(@Nullable String from, @Nullable String to) {
    List<FieldError> errors = new ArrayList<>();
    Instant f = instant(from, "from", errors);
    Instant t = instant(to, "to", errors);
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    if (!t.isAfter(f)) {
      throw Problems.invalid("to", "before_from", "to must be after from.");
    }
    if (Duration.between(f, t).compareTo(MAX_WINDOW) > 0) {
      throw Problems.invalid("to", "window_too_long", "A window spans at most 400 days.");
    }
    if (f.isBefore(EARLIEST) || t.isAfter(LATEST)) {
      throw Problems.invalid("from", "range", "The window must lie between 1900 and 2200.");
    }
    return new Instant[] {f, t};
  }

  private static Instant instant(@Nullable String text, String field, List<FieldError> errors) {
    if (text == null || text.isBlank()) {
      errors.add(
          new FieldError(field, "required", "Give an instant such as 2026-03-01T00:00:00Z."));
      return Instant.EPOCH;
    }
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay(ZoneId.of(DEFAULT_ZONE)).toInstant();
      }
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(field, "invalid", "Give an instant such as 2026-03-01T00:00:00Z."));
      return Instant.EPOCH;
    }
  }

  private static String scope(@Nullable String scope) {
    String s = scope == null || scope.isBlank() ? "all" : scope;
    if (!Set.of("this", "following", "all").contains(s)) {
      throw Problems.invalid("scope", "invalid", "Must be this, following or all.");
    }
    return s;
  }

  /** The named occurrence of a series (its original start); 422 when it is not one. */
  private Instant occurrence(
      MemberPrincipal actor, EventRow e, @Nullable String text, boolean mayBeOverride) {
    Instant rid;
    try {
      rid = text == null ? null : OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException ex) {
      rid = null;
    }
    if (rid == null) {
      throw Problems.invalid(
          "occurrence", "required", "Name the occurrence by its original start.");
    }
    Instant r = rid;
    boolean overridden =
        mayBeOverride
            && store.overrides(actor.tenantId(), List.of(e.id())).stream()
                .anyMatch(o -> r.equals(o.recurrenceId()));
    if (!overridden
        && (e.exdates().contains(r)
            || !Recurrence.isOccurrence(
                e.startLocal(), ZoneId.of(e.timeZone()), e.duration(), e.rrule(), e.rdates(), r))) {
      throw Problems.invalid("occurrence", "unknown", "Not an occurrence of this series.");
    }
    return r;
  }

  private static EventInput withoutSeriesFields(EventInput in) {
    return new EventInput(
        in.title(),
        in.location(),
        in.description(),
        in.allDay(),
        in.timeZone(),
        in.start(),
        in.end(),
        null,
        null,
        null,
        in.visibility(),
        in.reminders(),
        null,
        null,
        in.emailReminders(),
        in.attachments(),
        in.transparency(),
        in.status());
  }

  // ---- internals: rows ------------------------------------------------------------------------

  private EventRow toRow(
      Draft d,
      UUID id,
      UUID tenantId,
      UUID calendarId,
      @Nullable UUID parentId,
      @Nullable Instant recurrenceId,
      MemberPrincipal actor,
      Instant now) {
    Instant s = Recurrence.at(d.startLocal(), d.zone());
    Instant e = Recurrence.at(d.endLocal(), d.zone());
    Duration dur =
        d.allDay()
            ? Duration.ofDays(
                java.time.temporal.ChronoUnit.DAYS.between(d.startLocal(), d.endLocal()))
            : Duration.between(s, e);
    Instant rangeEnd =
        d.rrule() == null
            ? d.rdates().stream()
                .map(x -> x.plus(dur))
                .filter(x -> x.isAfter(e))
                .max(Instant::compareTo)
                .orElse(e)
            : Recurrence.rangeEnd(d.startLocal(), d.zone(), dur, d.rrule(), d.rdates());
    return new EventRow(
        id,
        tenantId,
        calendarId,
        "",
        parentId,
        recurrenceId,
        actor.memberId(),
        d.title(),
        d.location(),
        d.description(),
        d.allDay(),
        d.zone().getId(),
        d.startLocal(),
        s,
        e,
        dur,
        parentId != null ? null : d.rrule(),
        d.exdates(),
        d.rdates(),
        rangeEnd,
        d.visibility(),
        d.reminders(),
        d.emailReminders(),
        parentId != null ? null : d.facilityId(),
        0,
        etag(),
        now,
        now,
        d.transparency(),
        d.status());
  }

  private EventRow fromDraft(EventRow e, Draft d, Instant now) {
    EventRow r =
        toRow(
            d,
            e.id(),
            e.tenantId(),
            e.calendarId(),
            e.parentId(),
            e.recurrenceId(),
            dummyActor(e),
            now);
    return new EventRow(
        e.id(),
        e.tenantId(),
        e.calendarId(),
        e.uid(),
        e.parentId(),
        e.recurrenceId(),
        e.organizerId(),
        r.title(),
        r.location(),
        r.description(),
        r.allDay(),
        r.timeZone(),
        r.startLocal(),
        r.startAt(),
        r.endAt(),
        r.duration(),
        r.rrule(),
        r.exdates(),
        r.rdates(),
        r.rangeEnd(),
        r.visibility(),
        r.reminders(),
        r.emailReminders(),
        e.parentId() != null ? e.facilityId() : d.facilityId(),
        e.sequence() + 1,
        etag(),
        e.createdAt(),
        now,
        r.transparency(),
        r.status());
  }

  private static MemberPrincipal dummyActor(EventRow e) {
    UUID organizer = e.organizerId() != null ? e.organizerId() : new UUID(0, 0);
    return new MemberPrincipal(e.tenantId(), organizer, "", Set.of(), null, null, Set.of());
  }

  private static EventRow withUid(EventRow r, String uid) {
    return new EventRow(
        r.id(),
        r.tenantId(),
        r.calendarId(),
        uid,
        r.parentId(),
        r.recurrenceId(),
        r.organizerId(),
        r.title(),
        r.location(),
        r.description(),
        r.allDay(),
        r.timeZone(),
        r.startLocal(),
        r.startAt(),
        r.endAt(),
        r.duration(),
        r.rrule(),
        r.exdates(),
        r.rdates(),
        r.rangeEnd(),
        r.visibility(),
        r.reminders(),
        r.emailReminders(),
        r.facilityId(),
        r.sequence(),
        r.etag(),
        r.createdAt(),
        r.updatedAt(),
        r.transparency(),
        r.status());
  }

  private EventRow withExdates(EventRow r, List<Instant> exdates, Instant now) {
    List<Instant> sorted = new ArrayList<>(exdates);
    sorted.sort(null);
    return new EventRow(
        r.id(),
        r.tenantId(),
        r.calendarId(),
        r.uid(),
        r.parentId(),
        r.recurrenceId(),
        r.organizerId(),
        r.title(),
        r.location(),
        r.description(),
        r.allDay(),
        r.timeZone(),
        r.startLocal(),
        r.startAt(),
        r.endAt(),
        r.duration(),
        r.rrule(),
        sorted,
        r.rdates(),
        r.rangeEnd(),
        r.visibility(),
        r.reminders(),
        r.emailReminders(),
        r.facilityId(),
        r.sequence() + 1,
        etag(),
        r.createdAt(),
        now,
        r.transparency(),
        r.status());
  }

  private void touchMaster(EventRow m, Instant now) {
    store.updateEvent(withExdates(m, m.exdates(), now));
  }

  private String etag() {
    return ids.secret(12);
  }

  // ---- internals: facility bookings ------------------------------------------------------------

  /**
   * Books the facility of a master (or single) event for each of its occurrences, replacing its
   * earlier bookings. The facility row is locked first, so concurrent bookings of one facility are
   * checked one after another: two overlapping ones can never both succeed.
   */
  private void book(MemberPrincipal actor, EventRow m, List<UUID> alsoIgnore) {
    store.deleteBookingsOfEvent(actor.tenantId(), m.id());
    if (m.facilityId() == null) {
      return;
    }
    if (!store.lockFacility(actor.tenantId(), m.facilityId())) {
      throw Problems.invalid("facilityId", "unknown", "Not a facility of the company.");
    }
    FacilityRow f = store.facility(actor.tenantId(), m.facilityId()).orElseThrow();
    if (!f.departments().isEmpty() && !actor.isAdmin()) {
      List<UUID> mine = access.departments(actor);
      if (f.departments().stream().noneMatch(mine::contains)) {
        throw Problems.forbidden(
            "facility-not-allowed", "Your departments may not book this facility.");
      }
    }
    boolean bounded = m.rrule() == null || m.rangeEnd() != null;
    if (!bounded) {
      throw Problems.invalid(
          "facilityId",
          "unbounded_series",
          "A series that books a facility needs an end (COUNT or UNTIL).");
    }
    Instant to = m.rangeEnd() == null ? m.endAt() : m.rangeEnd();
    List<EventRow> overrides = store.overrides(actor.tenantId(), List.of(m.id()));
    Instant from = m.startAt();
    for (EventRow o : overrides) {
      if (o.startAt().isBefore(from)) {
        from = o.startAt();
      }
      if (o.endAt().isAfter(to)) {
        to = o.endAt();
      }
    }
    List<EventRow> occurrences = instances(m, overrides, from, to.plusSeconds(1));
    if (occurrences.size() > MAX_BOOKED_OCCURRENCES) {
      throw Problems.invalid(
          "facilityId",
          "too_many_occurrences",
          "A series books a facility for at most " + MAX_BOOKED_OCCURRENCES + " occurrences.");
    }
    List<UUID> ignore = new ArrayList<>(alsoIgnore);
    ignore.add(m.id());
    String status = f.needsApproval() && !actor.isAdmin() ? "pending" : "confirmed";
    Instant now = clock.instant();
    for (EventRow o : occurrences) {
      String rule = facilityRuleError(f, o.startAt(), o.endAt());
      if (rule != null) {
        throw Problems.invalid("facilityId", "booking_rule", rule);
      }
      if (!store.bookings(actor.tenantId(), f.id(), o.startAt(), o.endAt(), ignore).isEmpty()) {
        throw Problems.conflict(
            "facility-busy", "The facility is already booked at " + o.startAt() + ".");
      }
      store.insertBooking(
          actor.tenantId(),
          new BookingRow(
              ids.next(), f.id(), m.id(), o.startAt(), o.endAt(), status, actor.memberId()),
          now);
    }
  }

  /**
   * Locks the facility rows an change may book or release, in a fixed order and before any row that
   * refers to them is written (a foreign key check would otherwise take a weaker lock first and let
   * two requests deadlock).
   */
  private void lockFacilities(MemberPrincipal actor, @Nullable UUID... facilities) {
    java.util.TreeSet<UUID> sorted = new java.util.TreeSet<>();
    for (UUID f : facilities) {
      if (f != null) {
        sorted.add(f);
      }
    }
    for (UUID f : sorted) {
      store.lockFacility(actor.tenantId(), f);
    }
  }

  /** Why a booking breaks the facility's rules, or null. */
  static @Nullable String facilityRuleError(FacilityRow f, Instant start, Instant end) {
    long minutes = Duration.between(start, end).toMinutes();
    if (minutes > f.maxMinutes()) {
      return "This facility may be booked for at most " + f.maxMinutes() + " minutes.";
    }
    ZoneId zone = ZoneId.of(f.timeZone());
    LocalDateTime s = LocalDateTime.ofInstant(start, zone);
    LocalDateTime e = LocalDateTime.ofInstant(end, zone);
    int sm = s.getHour() * 60 + s.getMinute();
    int em =
        e.toLocalDate().isAfter(s.toLocalDate()) && e.toLocalTime().equals(LocalTime.MIDNIGHT)
            ? 24 * 60
            : e.getHour() * 60 + e.getMinute();
    boolean sameDay =
        e.toLocalDate().equals(s.toLocalDate())
            || (e.toLocalTime().equals(LocalTime.MIDNIGHT)
                && e.toLocalDate().equals(s.toLocalDate().plusDays(1)));
    if (!sameDay || sm < f.openFrom() || em > f.openTo()) {
      return String.format(
          "This facility may be booked between %02d:%02d and %02d:%02d.",
          f.openFrom() / 60, f.openFrom() % 60, f.openTo() / 60, f.openTo() % 60);
    }
    return null;
  }
}
