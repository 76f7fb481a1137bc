package dev.musubi.calendar.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.calendar.internal.CalendarStore.EventRow;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The one occurrence factory that the listing and the reminder mails share. */
class OccurrencesTests {

  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  @Test
  void anAllDayOccurrenceEndsAtLocalMidnightOnTheDaysOfTheSpringAndAutumnSwitch() {
    // US clocks go forward on 2026-03-08 (a 23-hour day) and back on 2026-11-01 (25 hours).
    EventRow daily = master(LocalDateTime.of(2026, 3, 7, 0, 0), true, Duration.ofDays(1));
    List<EventRow> spring =
        Occurrences.between(
            daily,
            List.of(),
            Instant.parse("2026-03-07T00:00:00Z"),
            Instant.parse("2026-03-10T00:00:00Z"),
            100);
    assertThat(spring)
        .extracting(EventRow::startAt, EventRow::endAt)
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                Instant.parse("2026-03-08T05:00:00Z"), Instant.parse("2026-03-09T04:00:00Z")),
            org.assertj.core.groups.Tuple.tuple(
                Instant.parse("2026-03-09T04:00:00Z"), Instant.parse("2026-03-10T04:00:00Z")));
    EventRow autumn =
        Occurrences.at(daily, LocalDateTime.of(2026, 11, 1, 0, 0).atZone(NEW_YORK).toInstant());
    assertThat(autumn.startAt()).isEqualTo(Instant.parse("2026-11-01T04:00:00Z"));
    assertThat(autumn.endAt()).isEqualTo(Instant.parse("2026-11-02T05:00:00Z"));
    assertThat(autumn.startLocal()).isEqualTo(LocalDateTime.of(2026, 11, 1, 0, 0));
    assertThat(autumn.recurrenceId()).isEqualTo(autumn.startAt());
  }

  @Test
  void aTimedOccurrenceKeepsItsWallClockTimeAndItsLengthAcrossTheSwitch() {
    EventRow daily = master(LocalDateTime.of(2026, 3, 6, 9, 0), false, Duration.ofMinutes(90));
    List<EventRow> occ =
        Occurrences.between(
            daily,
            List.of(),
            Instant.parse("2026-03-07T00:00:00Z"),
            Instant.parse("2026-03-10T00:00:00Z"),
            100);
    assertThat(occ)
        .extracting(EventRow::startAt)
        .containsExactly(
            Instant.parse("2026-03-07T14:00:00Z"),
            Instant.parse("2026-03-08T13:00:00Z"),
            Instant.parse("2026-03-09T13:00:00Z"));
    assertThat(occ)
        .allSatisfy(
            o -> {
              assertThat(Duration.between(o.startAt(), o.endAt()))
                  .isEqualTo(Duration.ofMinutes(90));
              assertThat(o.startLocal().toLocalTime()).hasToString("09:00");
              assertThat(o.rrule()).isNull();
            });
  }

  @Test
  void anOverrideReplacesItsOccurrenceAndAnExdateRemovesBoth() {
    EventRow daily = master(LocalDateTime.of(2026, 3, 6, 9, 0), false, Duration.ofHours(1));
    Instant second = Instant.parse("2026-03-07T14:00:00Z");
    Instant third = Instant.parse("2026-03-08T13:00:00Z");
    EventRow moved =
        new EventRow(
            UUID.randomUUID(),
            daily.tenantId(),
            daily.calendarId(),
            daily.uid(),
            daily.id(),
            second,
            null,
            "moved",
            "",
            "",
            false,
            NEW_YORK.getId(),
            LocalDateTime.of(2026, 3, 7, 15, 0),
            Instant.parse("2026-03-07T20:00:00Z"),
            Instant.parse("2026-03-07T21:00:00Z"),
            Duration.ofHours(1),
            null,
            List.of(),
            List.of(),
            null,
            "public",
            List.of(),
            List.of(),
            null,
            0,
            "e",
            second,
            second,
            "OPAQUE",
            "CONFIRMED");
    EventRow withEx =
        new EventRow(
            daily.id(),
            daily.tenantId(),
            daily.calendarId(),
            daily.uid(),
            null,
            null,
            null,
            daily.title(),
            "",
            "",
            false,
            NEW_YORK.getId(),
            daily.startLocal(),
            daily.startAt(),
            daily.endAt(),
            daily.duration(),
            daily.rrule(),
            List.of(third),
            List.of(),
            null,
            "public",
            List.of(),
            List.of(),
            null,
            0,
            "e",
            second,
            second,
            "OPAQUE",
            "CONFIRMED");
    List<EventRow> occ =
        Occurrences.between(
            withEx,
            List.of(moved),
            Instant.parse("2026-03-07T00:00:00Z"),
            Instant.parse("2026-03-09T00:00:00Z"),
            100);
    assertThat(occ).extracting(EventRow::title).containsExactly("moved");
  }

  private static EventRow master(LocalDateTime start, boolean allDay, Duration duration) {
    Instant s = start.atZone(NEW_YORK).toInstant();
    Instant e = allDay ? start.plus(duration).atZone(NEW_YORK).toInstant() : s.plus(duration);
    return new EventRow(
        UUID.randomUUID(),
        UUID.randomUUID(),
        UUID.randomUUID(),
        "u@test",
        null,
        null,
        null,
        "daily",
        "",
        "",
        allDay,
        NEW_YORK.getId(),
        start,
        s,
        e,
        duration,
        "FREQ=DAILY",
        List.of(),
        List.of(),
        null,
        "public",
        List.of(),
        List.of(),
        null,
        0,
        "e",
        s,
        s,
        "OPAQUE",
        "CONFIRMED");
  }
}
