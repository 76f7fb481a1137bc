package dev.musubi.calendar.internal;

import dev.musubi.calendar.internal.CalendarStore.EventRow;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one place that turns a series master (or single event) into occurrence rows: the listing,
 * free/busy, facility bookings and reminder mails all use it, so an all-day occurrence ends at
 * local midnight in the event's zone even when a daylight-saving switch makes that day 23 or 25
 * hours long.
 */
public final class Occurrences {

  private Occurrences() {}

  /**
   * The occurrences of a master that overlap {@code [from, to)} as rows, in start order, at most
   * {@code max} expanded ones; overrides take the place of the occurrences they replace and an
   * EXDATE removes an override too. Each row carries its original start as recurrence ID.
   */
  public static List<EventRow> between(
      EventRow m, List<EventRow> overrides, Instant from, Instant to, int max) {
    Set<Instant> replaced = new HashSet<>();
    overrides.forEach(o -> replaced.add(o.recurrenceId()));
    List<EventRow> out = new ArrayList<>();
    ZoneId zone = ZoneId.of(m.timeZone());
    for (Recurrence.Instance i :
        Recurrence.expand(
            m.startLocal(),
            zone,
            m.duration(),
            m.rrule(),
            m.exdates(),
            m.rdates(),
            from,
            to,
            max)) {
      if (!replaced.contains(i.recurrenceId())) {
        out.add(at(m, i.recurrenceId()));
      }
    }
    for (EventRow o : overrides) {
      if (o.startAt().isBefore(to)
          && o.endAt().isAfter(from)
          && !m.exdates().contains(o.recurrenceId())) {
        out.add(o);
      }
    }
    out.sort(Comparator.comparing(EventRow::startAt));
    return out;
  }

  /**
   * The master as it is at the occurrence starting at {@code start}: a timed one lasts the master's
   * duration, an all-day one the master's number of days on the wall clock.
   */
  public static EventRow at(EventRow m, Instant start) {
    ZoneId zone = ZoneId.of(m.timeZone());
    LocalDateTime local = LocalDateTime.ofInstant(start, zone);
    Instant end =
        m.allDay() ? Recurrence.at(local.plus(m.duration()), zone) : start.plus(m.duration());
    return new EventRow(
        m.id(),
        m.tenantId(),
        m.calendarId(),
        m.uid(),
        null,
        start,
        m.organizerId(),
        m.title(),
        m.location(),
        m.description(),
        m.allDay(),
        m.timeZone(),
        local,
        start,
        end,
        m.duration(),
        null,
        List.of(),
        List.of(),
        end,
        m.visibility(),
        m.reminders(),
        m.emailReminders(),
        m.facilityId(),
        m.sequence(),
        m.etag(),
        m.createdAt(),
        m.updatedAt(),
        m.transparency(),
        m.status());
  }
}
