package dev.musubi.calendar;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.calendar.EventInput.AttendeeInput;
import dev.musubi.calendar.internal.CalendarAccess;
import dev.musubi.calendar.internal.CalendarStore;
import dev.musubi.calendar.internal.Ics;
import dev.musubi.calendar.internal.JapaneseHolidays;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/** iCalendar files: export of a calendar, its secret feed, and import (all or nothing). */
@Service
public class CalendarFiles {

  private final Events events;
  private final Calendars calendars;
  private final CalendarStore store;
  private final CalendarAccess access;
  private final AuditTrail audit;
  private final Clock clock;

  CalendarFiles(
      Events events,
      Calendars calendars,
      CalendarStore store,
      CalendarAccess access,
      AuditTrail audit,
      Clock clock) {
    this.events = events;
    this.calendars = calendars;
    this.store = store;
    this.access = access;
    this.audit = audit;
    this.clock = clock;
  }

  /** The calendar as an .ics file, as the caller may see it. */
  public String export(MemberPrincipal actor, UUID calendarId) {
    List<Events.Exported> rows = events.export(actor, calendarId);
    var c = store.calendar(actor.tenantId(), calendarId).orElseThrow(Problems::notFound);
    return write(c.name(), rows, c.kind().equals("holidays"));
  }

  /** The calendar behind a secret feed token as an .ics file; empty when the token is unknown. */
  public @Nullable String feed(String token) {
    var found = calendars.feed(token);
    if (found.isEmpty()) {
      return null;
    }
    UUID tenant = found.get()[0];
    UUID id = found.get()[1];
    var c = store.calendar(tenant, id).orElse(null);
    if (c == null) {
      return null;
    }
    return write(c.name(), events.exportFeed(tenant, id), c.kind().equals("holidays"));
  }

  private String write(String name, List<Events.Exported> rows, boolean holidays) {
    List<Ics.Item> items = items(rows);
    List<Ics.Holiday> days = new ArrayList<>();
    if (holidays) {
      int year = LocalDate.ofInstant(clock.instant(), ZoneId.of(Events.DEFAULT_ZONE)).getYear();
      for (int y = year - 1; y <= year + 2; y++) {
        JapaneseHolidays.of(y)
            .forEach((d, n) -> days.add(new Ics.Holiday(d, n, "holiday-" + d + "@musubi")));
      }
    }
    return Ics.write(name, items, days);
  }

  /**
   * The rows as iCalendar items, their Drive attachments as download links on this server (the URL
   * of the current request, or a relative path outside of one).
   */
  public static List<Ics.Item> items(List<Events.Exported> rows) {
    String base = downloadBase();
    return rows.stream()
        .map(
            r ->
                new Ics.Item(
                    r.event(),
                    r.attendees(),
                    r.attachments().stream().map(a -> Ics.Attach.of(a, base)).toList()))
        .toList();
  }

  private static String downloadBase() {
    if (org.springframework.web.context.request.RequestContextHolder.getRequestAttributes()
        == null) {
      return "";
    }
    String base =
        org.springframework.web.servlet.support.ServletUriComponentsBuilder.fromCurrentContextPath()
            .toUriString();
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** The result of an import. */
  public record Imported(int events) {}

  /** Imports an .ics file into a calendar; a malformed file or any bad event changes nothing. */
  public Imported importFile(MemberPrincipal actor, UUID calendarId, @Nullable String text) {
    access.require(actor, calendarId, CalendarAccess.Level.FREEBUSY);
    if (text == null || text.isBlank()) {
      throw Problems.invalid("file", "required", "Send an iCalendar (.ics) file.");
    }
    List<Ics.VEvent> parsed;
    try {
      parsed = Ics.read(text);
    } catch (Ics.Malformed e) {
      throw Problems.invalid("file", "malformed", e.getMessage());
    }
    List<Events.ImportedEvent> in = new ArrayList<>();
    try {
      for (Ics.VEvent v : parsed) {
        in.add(convert(v));
      }
    } catch (Ics.Malformed e) {
      throw Problems.invalid("file", "malformed", e.getMessage());
    }
    int n = events.importEvents(actor, calendarId, in);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.CALENDAR_IMPORTED)
            .actor(actor.memberId(), actor.loginId())
            .target("calendar", calendarId)
            .with("events", n));
    return new Imported(n);
  }

  /** The VEVENTs of an iCalendar text as event inputs; 422 for a malformed file. */
  public static List<Events.ImportedEvent> parse(String text) {
    try {
      List<Events.ImportedEvent> in = new ArrayList<>();
      for (Ics.VEvent v : Ics.read(text)) {
        in.add(convert(v));
      }
      return in;
    } catch (Ics.Malformed e) {
      throw Problems.invalid("file", "malformed", e.getMessage());
    }
  }

  private static Events.ImportedEvent convert(Ics.VEvent v) {
    Ics.Prop uidProp = v.first("UID");
    String uid = uidProp == null ? UUID.randomUUID() + "@import" : uidProp.text().strip();
    if (uid.isEmpty() || uid.length() > 255) {
      throw new Ics.Malformed("A UID is empty or longer than 255 characters.");
    }
    Ics.Prop start = v.first("DTSTART");
    if (start == null) {
      throw new Ics.Malformed("A VEVENT has no DTSTART.");
    }
    String zone = Events.DEFAULT_ZONE;
    Ics.When s = Ics.when(start, zone);
    if (s.zone() != null) {
      zone = s.zone();
    }
    String endText;
    Ics.Prop end = v.first("DTEND");
    Ics.Prop duration = v.first("DURATION");
    if (end != null) {
      endText = Ics.when(end, zone).text();
    } else if (duration != null) {
      Duration d = duration(duration.value());
      if (s.date()) {
        endText = LocalDate.parse(s.text()).plusDays(Math.max(1, d.toDays())).toString();
      } else if (s.zone() == null) {
        endText = Instant.parse(s.text()).plus(d).toString();
      } else {
        endText = LocalDateTime.parse(s.text()).plus(d).toString();
      }
    } else if (s.date()) {
      endText = LocalDate.parse(s.text()).plusDays(1).toString();
    } else if (s.zone() == null) {
      endText = Instant.parse(s.text()).plus(Duration.ofHours(1)).toString();
    } else {
      endText = LocalDateTime.parse(s.text()).plusHours(1).toString();
    }
    Ics.Prop summary = v.first("SUMMARY");
    String title = summary == null ? "" : summary.text().strip();
    Ics.Prop location = v.first("LOCATION");
    Ics.Prop description = v.first("DESCRIPTION");
    Ics.Prop rrule = v.first("RRULE");
    Ics.Prop cls = v.first("CLASS");
    String visibility = "public";
    if (cls != null) {
      visibility =
          switch (cls.value().strip().toUpperCase(Locale.ROOT)) {
            case "PRIVATE" -> "private";
            case "CONFIDENTIAL" -> "busy";
            default -> "public";
          };
    }
    // RFC 5545 §3.8.2.7 and §3.8.1.11; values Musubi does not know fall back to the defaults.
    Ics.Prop transp = v.first("TRANSP");
    String transparency =
        transp != null && "TRANSPARENT".equalsIgnoreCase(transp.value().strip())
            ? "TRANSPARENT"
            : "OPAQUE";
    Ics.Prop st = v.first("STATUS");
    String status = "CONFIRMED";
    if (st != null) {
      status =
          switch (st.value().strip().toUpperCase(Locale.ROOT)) {
            case "TENTATIVE" -> "TENTATIVE";
            case "CANCELLED" -> "CANCELLED";
            default -> "CONFIRMED";
          };
    }
    List<String> exdates = new ArrayList<>();
    for (Ics.Prop p : v.all("EXDATE")) {
      exdates.addAll(Ics.whens(p, zone));
    }
    List<String> rdates = new ArrayList<>();
    for (Ics.Prop p : v.all("RDATE")) {
      rdates.addAll(Ics.whens(p, zone));
    }
    List<AttendeeInput> attendees = new ArrayList<>();
    for (Ics.Prop p : v.all("ATTENDEE")) {
      String address = p.value().strip();
      if (address.regionMatches(true, 0, "urn:uuid:", 0, 9)) {
        attendees.add(
            new AttendeeInput(
                address.substring(9),
                null,
                p.params().getOrDefault("CN", ""),
                !"OPT-PARTICIPANT".equalsIgnoreCase(p.params().get("ROLE"))));
      } else if (address.regionMatches(true, 0, "mailto:", 0, 7)) {
        attendees.add(
            new AttendeeInput(
                null,
                address.substring(7),
                p.params().getOrDefault("CN", ""),
                !"OPT-PARTICIPANT".equalsIgnoreCase(p.params().get("ROLE"))));
      }
      if (attendees.size() > Events.MAX_ATTENDEES) {
        break;
      }
    }
    // RFC 5545 §3.8.1.1: an ATTACH by URI is kept as a link (inline binary ones are not kept).
    List<EventInput.AttachmentInput> attachments = new ArrayList<>();
    for (Ics.Prop p : v.all("ATTACH")) {
      String uri = p.value().strip();
      if (p.params().containsKey("ENCODING")
          || "BINARY".equalsIgnoreCase(p.params().get("VALUE"))
          || !uri.regionMatches(true, 0, "http", 0, 4)) {
        continue;
      }
      String name = p.params().get("FILENAME");
      attachments.add(new EventInput.AttachmentInput(null, uri, name == null ? null : name));
      if (attachments.size() >= Events.MAX_ATTACHMENTS) {
        break;
      }
    }
    List<Integer> reminders = new ArrayList<>();
    List<Integer> emailReminders = new ArrayList<>();
    for (Ics.Prop p : v.all("X-MUSUBI-ALARM")) {
      Integer minutes = minutesBefore(p.value());
      if (minutes == null) {
        continue;
      }
      List<Integer> into = "EMAIL".equals(p.params().get("ACTION")) ? emailReminders : reminders;
      if (into.size() < Events.MAX_REMINDERS && !into.contains(minutes)) {
        into.add(minutes);
      }
    }
    Instant recurrenceId = null;
    Ics.Prop rid = v.first("RECURRENCE-ID");
    if (rid != null) {
      Ics.When w = Ics.when(rid, zone);
      recurrenceId =
          w.date()
              ? LocalDate.parse(w.text()).atStartOfDay(ZoneId.of(zone)).toInstant()
              : w.zone() == null
                  ? Instant.parse(w.text())
                  : LocalDateTime.parse(w.text()).atZone(ZoneId.of(w.zone())).toInstant();
    }
    EventInput input =
        new EventInput(
            title.isEmpty() ? "(無題)" : title,
            location == null ? null : location.text(),
            description == null ? null : description.text(),
            s.date(),
            zone,
            s.text(),
            endText,
            rrule == null ? null : rrule.value(),
            exdates,
            rdates,
            visibility,
            reminders,
            attendees,
            null,
            emailReminders,
            attachments,
            transparency,
            status);
    return new Events.ImportedEvent(uid, recurrenceId, input);
  }

  /** Minutes before the start of a relative TRIGGER such as -PT15M; null for other triggers. */
  private static @Nullable Integer minutesBefore(String trigger) {
    String t = trigger.strip().toUpperCase(Locale.ROOT);
    if (!t.startsWith("-") && !t.equals("PT0S") && !t.equals("PT0M")) {
      return null;
    }
    try {
      long m = duration(t.startsWith("-") ? t.substring(1) : t).toMinutes();
      return m >= 0 && m <= 40_320 ? (int) m : null;
    } catch (Ics.Malformed e) {
      return null;
    }
  }

  private static Duration duration(String text) {
    String t = text.strip().toUpperCase(Locale.ROOT);
    try {
      if (t.matches("[+-]?P\\d+W")) {
        return Duration.ofDays(7L * Long.parseLong(t.replaceAll("[^0-9]", "")));
      }
      return Duration.parse(t);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new Ics.Malformed("DURATION is not valid.");
    }
  }
}
