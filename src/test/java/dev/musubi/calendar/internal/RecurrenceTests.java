package dev.musubi.calendar.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecurrenceTests {

  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

  @Test
  void aWeeklyMeetingStaysAtNineLocalTimeAcrossTheSpringSwitch() {
    // US clocks go forward on 2026-03-08: 09:00 EST is 14:00Z before, 09:00 EDT is 13:00Z after.
    LocalDateTime seed = LocalDateTime.of(2026, 3, 2, 9, 0);
    List<Recurrence.Instance> all =
        Recurrence.expand(
            seed,
            NEW_YORK,
            Duration.ofHours(1),
            "FREQ=WEEKLY;BYDAY=MO",
            List.of(),
            List.of(),
            Instant.parse("2026-03-01T00:00:00Z"),
            Instant.parse("2026-03-20T00:00:00Z"),
            100);
    assertThat(all)
        .extracting(Recurrence.Instance::start)
        .containsExactly(
            Instant.parse("2026-03-02T14:00:00Z"),
            Instant.parse("2026-03-09T13:00:00Z"),
            Instant.parse("2026-03-16T13:00:00Z"));
  }

  @Test
  void aDailyEventAcrossTheAutumnSwitchInBerlin() {
    // Europe switches back on 2026-10-25: 08:00 CEST is 06:00Z, 08:00 CET is 07:00Z.
    List<Recurrence.Instance> all =
        Recurrence.expand(
            LocalDateTime.of(2026, 10, 24, 8, 0),
            BERLIN,
            Duration.ofMinutes(30),
            "FREQ=DAILY;COUNT=3",
            List.of(),
            List.of(),
            Instant.parse("2026-10-01T00:00:00Z"),
            Instant.parse("2026-11-01T00:00:00Z"),
            100);
    assertThat(all)
        .extracting(Recurrence.Instance::start)
        .containsExactly(
            Instant.parse("2026-10-24T06:00:00Z"),
            Instant.parse("2026-10-25T07:00:00Z"),
            Instant.parse("2026-10-26T07:00:00Z"));
  }

  @Test
  void aWallClockTimeInTheSpringGapMovesForward() {
    // 02:30 does not exist in New York on 2026-03-08; it becomes 03:30 EDT (07:30Z).
    List<Recurrence.Instance> all =
        Recurrence.expand(
            LocalDateTime.of(2026, 3, 7, 2, 30),
            NEW_YORK,
            Duration.ofMinutes(15),
            "FREQ=DAILY;COUNT=2",
            List.of(),
            List.of(),
            Instant.parse("2026-03-01T00:00:00Z"),
            Instant.parse("2026-03-10T00:00:00Z"),
            10);
    assertThat(all.get(1).start()).isEqualTo(Instant.parse("2026-03-08T07:30:00Z"));
  }

  @Test
  void hugeAndEndlessRulesAreExpandedOnlyInsideTheWindow() {
    LocalDateTime seed = LocalDateTime.of(2026, 1, 1, 10, 0);
    for (String rule : List.of("FREQ=DAILY;COUNT=1000000", "FREQ=DAILY", "FREQ=WEEKLY")) {
      List<Recurrence.Instance> far =
          Recurrence.expand(
              seed,
              TOKYO,
              Duration.ofHours(1),
              rule,
              List.of(),
              List.of(),
              Instant.parse("2199-06-01T00:00:00Z"),
              Instant.parse("2199-06-08T00:00:00Z"),
              1000);
      assertThat(far).as(rule).hasSize(rule.contains("WEEKLY") ? 1 : 7);
      assertThat(far.getFirst().start().atZone(TOKYO).getHour()).isEqualTo(10);
    }
    // The fast-forwarded COUNT still ends the series: 10 daily occurrences end on 1/10.
    assertThat(
            Recurrence.expand(
                seed,
                TOKYO,
                Duration.ofHours(1),
                "FREQ=DAILY;COUNT=10",
                List.of(),
                List.of(),
                Instant.parse("2026-01-09T00:00:00Z"),
                Instant.parse("2026-02-01T00:00:00Z"),
                100))
        .hasSize(2);
    // The cap bounds what one window returns.
    assertThat(
            Recurrence.expand(
                seed,
                TOKYO,
                Duration.ofHours(1),
                "FREQ=DAILY",
                List.of(),
                List.of(),
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2027-01-01T00:00:00Z"),
                50))
        .hasSize(50);
    assertThat(
            Recurrence.rangeEnd(
                seed, TOKYO, Duration.ofHours(1), "FREQ=DAILY;COUNT=1000000", List.of()))
        .isNull();
    assertThat(
            Recurrence.rangeEnd(seed, TOKYO, Duration.ofHours(1), "FREQ=DAILY;COUNT=3", List.of()))
        .isEqualTo(Instant.parse("2026-01-03T02:00:00Z"));
  }

  @Test
  void exdatesRemoveAndRdatesAddOccurrences() {
    LocalDateTime seed = LocalDateTime.of(2026, 4, 6, 10, 0);
    List<Recurrence.Instance> all =
        Recurrence.expand(
            seed,
            TOKYO,
            Duration.ofHours(1),
            "FREQ=WEEKLY;COUNT=3",
            List.of(Instant.parse("2026-04-13T01:00:00Z")),
            List.of(Instant.parse("2026-04-15T05:00:00Z")),
            Instant.parse("2026-04-01T00:00:00Z"),
            Instant.parse("2026-05-01T00:00:00Z"),
            100);
    assertThat(all)
        .extracting(Recurrence.Instance::start)
        .containsExactly(
            Instant.parse("2026-04-06T01:00:00Z"),
            Instant.parse("2026-04-15T05:00:00Z"),
            Instant.parse("2026-04-20T01:00:00Z"));
  }

  @Test
  void badRulesAreRefusedWithAReason() {
    LocalDateTime seed = LocalDateTime.of(2026, 4, 6, 10, 0);
    for (String bad :
        List.of(
            "FREQ=SECONDLY",
            "FREQ=DAILY;COUNT=abc",
            "FREQ=WEEKLY;BYDAY=XX",
            "FREQ=DAILY;COUNT=2;UNTIL=20270101T000000Z",
            "FREQ=DAILY;FOO=1",
            "garbage",
            "")) {
      assertThatThrownBy(() -> Recurrence.normalize(bad, seed, TOKYO, false))
          .as(bad)
          .isInstanceOf(Recurrence.InvalidRule.class);
    }
    assertThat(Recurrence.normalize("RRULE:freq=weekly;until=20260501", seed, TOKYO, false))
        .isEqualTo("FREQ=WEEKLY;UNTIL=20260501T145959Z");
  }

  @Test
  void splittingASeriesEndsTheFirstHalfAndCountsWhatItUsed() {
    LocalDateTime seed = LocalDateTime.of(2026, 4, 6, 10, 0);
    Instant split = Instant.parse("2026-04-20T01:00:00Z");
    assertThat(Recurrence.countBefore(seed, TOKYO, "FREQ=WEEKLY;COUNT=10", split, 1000))
        .isEqualTo(2);
    assertThat(Recurrence.withCountReduced("FREQ=WEEKLY;COUNT=10", 2))
        .isEqualTo("FREQ=WEEKLY;COUNT=8");
    String head = Recurrence.endBefore("FREQ=WEEKLY;COUNT=10", split, false, TOKYO);
    assertThat(head).isEqualTo("FREQ=WEEKLY;UNTIL=20260420T005959Z");
    assertThat(
            Recurrence.expand(
                seed,
                TOKYO,
                Duration.ofHours(1),
                head,
                List.of(),
                List.of(),
                Instant.parse("2026-04-01T00:00:00Z"),
                Instant.parse("2026-06-01T00:00:00Z"),
                100))
        .hasSize(2);
  }
}
