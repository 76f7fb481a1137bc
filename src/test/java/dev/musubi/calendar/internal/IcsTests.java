package dev.musubi.calendar.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IcsTests {

  @Test
  void textCannotInjectProperties() {
    String hostile = "会議\r\nATTENDEE:mailto:evil@example.com\nEND:VEVENT;,\\";
    String escaped = Ics.text(hostile);
    assertThat(escaped).doesNotContain("\n").doesNotContain("\r");
    assertThat(escaped).isEqualTo("会議\\nATTENDEE:mailto:evil@example.com\\nEND:VEVENT\\;\\,\\\\");
    assertThat(Ics.unescape(escaped)).isEqualTo(hostile.replace("\r", ""));
  }

  @Test
  void longLinesAreFoldedAt75OctetsWithoutSplittingCharacters() {
    StringBuilder out = new StringBuilder();
    Ics.line(out, "SUMMARY:" + "日本語の長い件名".repeat(20));
    for (String l : out.toString().split("\r\n")) {
      assertThat(l.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(75);
    }
    List<Ics.VEvent> back =
        Ics.read("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + out + "END:VEVENT\r\nEND:VCALENDAR\r\n");
    assertThat(back.getFirst().first("SUMMARY").text()).isEqualTo("日本語の長い件名".repeat(20));
  }

  @Test
  void freeBusyMergesOverlappingPeriodsOfOneTypeAndOrdersThem() {
    java.time.Instant t = java.time.Instant.parse("2026-04-06T00:00:00Z");
    String fb =
        Ics.freeBusy(
            t,
            t.plusSeconds(86_400),
            List.of(
                new Ics.Period(t.plusSeconds(7_200), t.plusSeconds(10_800), "busy"),
                new Ics.Period(t.plusSeconds(3_600), t.plusSeconds(7_200), "busy"),
                new Ics.Period(t.plusSeconds(9_000), t.plusSeconds(12_600), "busy"),
                new Ics.Period(t.plusSeconds(3_600), t.plusSeconds(5_400), "tentative"),
                new Ics.Period(t.plusSeconds(36_000), t.plusSeconds(39_600), "busy")),
            t);
    assertThat(fb.lines().filter(l -> l.startsWith("FREEBUSY")).toList())
        .containsExactly(
            "FREEBUSY;FBTYPE=BUSY:20260406T010000Z/20260406T033000Z",
            "FREEBUSY;FBTYPE=BUSY:20260406T100000Z/20260406T110000Z",
            "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260406T010000Z/20260406T013000Z");
    assertThat(fb)
        .contains("BEGIN:VFREEBUSY\r\n")
        .contains("DTSTART:20260406T000000Z\r\n")
        .contains("DTEND:20260407T000000Z\r\n")
        .doesNotContain("METHOD");
  }

  @Test
  void malformedFilesAreRefused() {
    for (String bad :
        List.of(
            "hello",
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n",
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
            "BEGIN:VCALENDAR\r\nno colon here\r\nEND:VCALENDAR\r\n",
            "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nBEGIN:VEVENT\r\n")) {
      assertThatThrownBy(() -> Ics.read(bad)).as(bad).isInstanceOf(Ics.Malformed.class);
    }
  }

  @Test
  void datesOfEveryForm() {
    var vs =
        Ics.read(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=Europe/Berlin:20260301T090000\n"
                + "DTEND;VALUE=DATE:20260302\nEXDATE:20260308T080000Z,20260315T080000Z\n"
                + "END:VEVENT\nEND:VCALENDAR\n");
    var e = vs.getFirst();
    assertThat(Ics.when(e.first("DTSTART"), "Asia/Tokyo"))
        .isEqualTo(new Ics.When("2026-03-01T09:00", false, "Europe/Berlin"));
    assertThat(Ics.when(e.first("DTEND"), "Asia/Tokyo"))
        .isEqualTo(new Ics.When("2026-03-02", true, null));
    assertThat(Ics.whens(e.first("EXDATE"), "Asia/Tokyo"))
        .containsExactly("2026-03-08T08:00:00Z", "2026-03-15T08:00:00Z");
  }
}
