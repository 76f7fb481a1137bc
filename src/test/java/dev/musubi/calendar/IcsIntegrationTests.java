package dev.musubi.calendar;

import static dev.musubi.calendar.CalendarApi.create;
import static dev.musubi.calendar.CalendarApi.defaultCalendar;
import static dev.musubi.calendar.CalendarApi.event;
import static dev.musubi.calendar.CalendarApi.list;
import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class IcsIntegrationTests {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  private ApiClient.Response importFile(ApiClient c, String cal, String ics) {
    return c.sendRaw(
        "POST", "/api/v1/calendars/" + cal + "/import", ics, "text/calendar", c.csrf());
  }

  private int events(TestCompany c) {
    return jdbc.sql("SELECT COUNT(*) FROM cal_event WHERE tenant_id = ?")
        .param(c.id())
        .query(Integer.class)
        .single();
  }

  @Test
  void exportEscapesTextSoThatNoPropertyCanBeInjected() {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    String cal = defaultCalendar(m.client());
    create(
        m.client(),
        cal,
        event(
            "会議\r\nATTENDEE:mailto:evil@example.com\r\nEND:VEVENT",
            "2026-03-02T09:00",
            "2026-03-02T10:00",
            "timeZone",
            "Europe/Berlin",
            "rrule",
            "FREQ=WEEKLY;COUNT=5",
            "description",
            "議題; 予算, 人員\\n"));
    ApiClient.Response r = m.client().get("/api/v1/calendars/" + cal + "/export");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/calendar");
    String ics = r.body();
    assertThat(ics).startsWith("BEGIN:VCALENDAR\r\n").endsWith("END:VCALENDAR\r\n");
    assertThat(ics).contains("BEGIN:VTIMEZONE").contains("TZID:Europe/Berlin");
    assertThat(ics).contains("DTSTART;TZID=Europe/Berlin:20260302T090000");
    assertThat(ics).contains("RRULE:FREQ=WEEKLY;COUNT=5");
    assertThat(ics).contains("DESCRIPTION:議題\\; 予算\\, 人員\\\\n");
    List<String> lines = List.of(ics.replace("\r\n ", "").split("\r\n"));
    assertThat(lines).noneMatch(l -> l.startsWith("ATTENDEE:mailto:evil"));
    assertThat(lines.stream().filter(l -> l.equals("END:VEVENT")).count()).isEqualTo(1);
  }

  @Test
  void importReadsZonesRulesExceptionsAndOverriddenOccurrences() {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    String cal = defaultCalendar(m.client());
    String ics =
        String.join(
            "\r\n",
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//test//EN",
            "BEGIN:VEVENT",
            "UID:weekly-1@example.com",
            "DTSTART;TZID=Europe/Berlin:20260302T090000",
            "DTEND;TZID=Europe/Berlin:20260302T100000",
            "RRULE:FREQ=WEEKLY;COUNT=4",
            "EXDATE;TZID=Europe/Berlin:20260309T090000",
            "SUMMARY:Jour fixe\\, Berlin",
            "ATTENDEE;CN=Partner:mailto:partner@example.com",
            "BEGIN:VALARM",
            "TRIGGER:-PT10M",
            "ACTION:DISPLAY",
            "END:VALARM",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:weekly-1@example.com",
            "RECURRENCE-ID;TZID=Europe/Berlin:20260316T090000",
            "DTSTART;TZID=Europe/Berlin:20260316T150000",
            "DTEND;TZID=Europe/Berlin:20260316T160000",
            "SUMMARY:Jour fixe (verschoben)",
            "STATUS:TENTATIVE",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:allday@example.com",
            "DTSTART;VALUE=DATE:20260320",
            "SUMMARY:社員旅行",
            "CLASS:PRIVATE",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
            "END:VCALENDAR",
            "");
    ApiClient.Response r = importFile(m.client(), cal, ics);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().get("events").asInt()).isEqualTo(3);
    JsonNode occ = list(m.client(), cal, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
    List<String> seen = new ArrayList<>();
    occ.forEach(o -> seen.add(o.get("start").asString() + " " + o.get("title").asString()));
    assertThat(seen)
        .containsExactly(
            "2026-03-02T08:00:00Z Jour fixe, Berlin",
            "2026-03-16T14:00:00Z Jour fixe (verschoben)",
            "2026-03-19T15:00:00Z 社員旅行",
            "2026-03-23T08:00:00Z Jour fixe, Berlin");
    // TRANSP and STATUS are kept, for a series and for one edited occurrence.
    List<String> shown = new ArrayList<>();
    occ.forEach(
        o -> shown.add(o.get("transparency").asString() + " " + o.get("status").asString()));
    assertThat(shown)
        .containsExactly(
            "OPAQUE CONFIRMED", "OPAQUE TENTATIVE", "TRANSPARENT CONFIRMED", "OPAQUE CONFIRMED");
    // Importing the same file again replaces instead of duplicating.
    assertThat(importFile(m.client(), cal, ics).status()).isEqualTo(201);
    assertThat(list(m.client(), cal, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z")).hasSize(4);
  }

  @Test
  void malformedFilesAndBadEventsChangeNothing() {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    String cal = defaultCalendar(m.client());
    for (String bad :
        List.of(
            "not a calendar",
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260301T090000Z\r\n",
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:yesterday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:no start\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")) {
      ApiClient.Response r = importFile(m.client(), cal, bad);
      assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(422);
      assertThat(r.json().get("errors").get(0).get("code").asString()).isEqualTo("malformed");
    }
    // One good and one bad event: all or nothing.
    String mixed =
        String.join(
            "\r\n",
            "BEGIN:VCALENDAR",
            "BEGIN:VEVENT",
            "UID:good@example.com",
            "DTSTART:20260301T090000Z",
            "DTEND:20260301T100000Z",
            "SUMMARY:good",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:bad@example.com",
            "DTSTART:20260302T090000Z",
            "DTEND:20260302T100000Z",
            "RRULE:FREQ=SOMETIMES",
            "SUMMARY:bad",
            "END:VEVENT",
            "END:VCALENDAR",
            "");
    ApiClient.Response r = importFile(m.client(), cal, mixed);
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("events[1].rrule");
    assertThat(events(c)).isZero();
  }

  @Test
  void theSecretFeedIsReadOnlyHidesPrivateDetailsAndCanBeRevoked() {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    String cal = defaultCalendar(m.client());
    create(m.client(), cal, event("公開会議", "2026-03-02T09:00", "2026-03-02T10:00"));
    create(
        m.client(),
        cal,
        event("通院", "2026-03-03T09:00", "2026-03-03T10:00", "visibility", "private"));
    ApiClient.Response feed = m.client().post("/api/v1/calendars/" + cal + "/feed", null);
    assertThat(feed.status()).as(feed.body()).isEqualTo(201);
    String path = feed.json().get("path").asString();
    ApiClient anonymous = fixtures.client();
    ApiClient.Response r = anonymous.get(path);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("SUMMARY:公開会議").contains("SUMMARY:予定あり").doesNotContain("通院");
    // Read-only: nothing but GET.
    assertThat(anonymous.sendRaw("PUT", path, "BEGIN:VCALENDAR", "text/calendar", null).status())
        .isIn(401, 403, 404, 405);
    assertThat(anonymous.get("/ical/" + "x".repeat(43) + ".ics").status()).isEqualTo(404);
    // Another member cannot publish my calendar.
    TestMember other = fixtures.member(c, "baba");
    assertThat(other.client().post("/api/v1/calendars/" + cal + "/feed", null).status())
        .isEqualTo(404);
    assertThat(m.client().delete("/api/v1/calendars/" + cal + "/feed").status()).isEqualTo(204);
    assertThat(anonymous.get(path).status()).isEqualTo(404);
  }
}
