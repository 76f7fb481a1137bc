package dev.musubi.calendar;

import static dev.musubi.calendar.CalendarApi.create;
import static dev.musubi.calendar.CalendarApi.defaultCalendar;
import static dev.musubi.calendar.CalendarApi.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.calendar.internal.EmailReminders;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Reminder mails with the application clock moved by the test: sent once per occurrence and
 * reminder to the organiser and the invited members who did not decline, never before their time,
 * never twice.
 */
@MusubiIntegrationTest
class EmailRemindersIntegrationTests {

  @LocalServerPort int port;
  @Autowired EmailReminders reminders;
  @Autowired TestClock clock;
  @Autowired JdbcClient jdbc;
  @Autowired dev.musubi.calendar.internal.ImipStore imipStore;

  Fixtures fixtures;
  TestCompany company;
  TestMember aoki;
  TestMember baba;
  TestMember chiba;
  TestMember dobashi;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    aoki = fixtures.member(company, "aoki");
    baba = fixtures.member(company, "baba");
    chiba = fixtures.member(company, "chiba");
    dobashi = fixtures.member(company, "dobashi");
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  @Test
  void aReminderMailGoesOnceAtItsTimeAndNotToThoseWhoDeclined() {
    Instant start = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofHours(3));
    String cal = defaultCalendar(aoki.client());
    JsonNode e =
        create(
            aoki.client(),
            cal,
            event(
                "設計レビュー",
                start.toString(),
                start.plus(Duration.ofHours(1)).toString(),
                "location",
                "第二会議室",
                "emailReminders",
                List.of(60),
                "attendees",
                List.of(
                    Map.of("memberId", baba.id().toString()),
                    Map.of("memberId", chiba.id().toString()),
                    Map.of("memberId", dobashi.id().toString()))));
    String id = e.get("id").asString();
    assertThat(e.get("emailReminders")).hasSize(1);
    assertThat(e.get("emailReminders").get(0).asInt()).isEqualTo(60);
    assertThat(reply(baba, id, "accepted")).isEqualTo(200);
    assertThat(reply(chiba, id, "declined")).isEqualTo(200);

    // Two hours before the start: the reminder (one hour before) is not due yet.
    reminders.runOnce();
    assertThat(sentFor(id)).isZero();
    clock.advance(Duration.ofMinutes(119));
    reminders.runOnce();
    assertThat(sentFor(id)).isZero();
    assertThat(inbox(aoki)).isZero();

    // Its time has come: organiser, the member who accepted and the one who has not answered.
    clock.advance(Duration.ofMinutes(2));
    reminders.runOnce();
    assertThat(sentFor(id)).isEqualTo(3);
    assertThat(inbox(aoki)).isEqualTo(1);
    assertThat(inbox(baba)).isEqualTo(1);
    assertThat(inbox(dobashi)).isEqualTo(1);
    assertThat(inbox(chiba)).isZero();
    Map<String, Object> item =
        jdbc.sql(
                "SELECT m.subject, m.from_address FROM mail_message m JOIN mail_folder f ON f.id ="
                    + " m.folder_id WHERE m.member_id = ? AND f.role = 'inbox'")
            .param(baba.id())
            .query()
            .singleRow();
    assertThat((String) item.get("subject")).contains("リマインダー: 設計レビュー");
    assertThat(item.get("from_address")).isEqualTo("baba@" + company.domain());
    // Sent to themselves without a copy in Sent.
    assertThat(count(baba, "sent")).isZero();

    // Never twice: later runs (or another node sharing the database) find it recorded, and a
    // node that claims it at the same moment is refused by the database.
    clock.advance(Duration.ofMinutes(5));
    reminders.runOnce();
    reminders.runOnce();
    assertThat(sentFor(id)).isEqualTo(3);
    java.util.UUID eventId = java.util.UUID.fromString(id);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                imipStore.claimReminder(
                    company.id(), eventId, start, 60, baba.id(), clock.instant()))
        .isInstanceOf(org.springframework.dao.DuplicateKeyException.class);
    assertThat(sentFor(id)).isEqualTo(3);
    assertThat(inbox(aoki)).isEqualTo(1);
    assertThat(inbox(baba)).isEqualTo(1);
  }

  @Test
  void eachOccurrenceOfASeriesIsRemindedOnceWhenItsTimeComes() {
    Instant start = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofHours(2));
    String cal = defaultCalendar(aoki.client());
    JsonNode e =
        create(
            aoki.client(),
            cal,
            event(
                "朝会",
                start.toString(),
                start.plus(Duration.ofMinutes(15)).toString(),
                "timeZone",
                "Asia/Tokyo",
                "rrule",
                "FREQ=DAILY;COUNT=2",
                "emailReminders",
                List.of(30)));
    String id = e.get("id").asString();
    clock.advance(Duration.ofMinutes(91));
    reminders.runOnce();
    assertThat(sentFor(id)).isEqualTo(1);
    assertThat(inbox(aoki)).isEqualTo(1);
    // A day later the second occurrence; the first is not sent again.
    clock.advance(Duration.ofDays(1));
    reminders.runOnce();
    reminders.runOnce();
    assertThat(sentFor(id)).isEqualTo(2);
    assertThat(inbox(aoki)).isEqualTo(2);
    // After the series ended nothing more.
    clock.advance(Duration.ofDays(1));
    reminders.runOnce();
    assertThat(sentFor(id)).isEqualTo(2);
  }

  @Test
  void aMemberWhoDeclinedOneOccurrenceIsNotRemindedOfItButOfTheNext() {
    Instant start = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofHours(2));
    String cal = defaultCalendar(aoki.client());
    JsonNode e =
        create(
            aoki.client(),
            cal,
            event(
                "夕会",
                start.toString(),
                start.plus(Duration.ofMinutes(30)).toString(),
                "timeZone",
                "Asia/Tokyo",
                "rrule",
                "FREQ=DAILY;COUNT=2",
                "emailReminders",
                List.of(30),
                "attendees",
                List.of(Map.of("memberId", baba.id().toString()))));
    String id = e.get("id").asString();
    assertThat(reply(baba, id, "accepted")).isEqualTo(200);
    assertThat(
            baba.client()
                .post(
                    "/api/v1/events/" + id + "/reply",
                    Map.of("status", "declined", "occurrence", start.toString()))
                .status())
        .isEqualTo(200);
    clock.advance(Duration.ofMinutes(91));
    reminders.runOnce();
    assertThat(sentFor(id)).isEqualTo(1);
    assertThat(inbox(aoki)).isEqualTo(1);
    assertThat(inbox(baba)).isZero();
    // The next day's occurrence keeps the series answer.
    clock.advance(Duration.ofDays(1));
    reminders.runOnce();
    assertThat(sentFor(id)).isEqualTo(3);
    assertThat(inbox(baba)).isEqualTo(1);
  }

  @Test
  void badReminderInputIsRefusedAndNothingIsSaved() {
    String cal = defaultCalendar(aoki.client());
    ApiClient.Response negative =
        aoki.client()
            .post(
                "/api/v1/calendars/" + cal + "/events",
                event("x", "2026-06-01T10:00", "2026-06-01T11:00", "emailReminders", List.of(-5)));
    assertThat(negative.status()).isEqualTo(422);
    assertThat(negative.body()).contains("emailReminders");
    ApiClient.Response tooMany =
        aoki.client()
            .post(
                "/api/v1/calendars/" + cal + "/events",
                event(
                    "x",
                    "2026-06-01T10:00",
                    "2026-06-01T11:00",
                    "emailReminders",
                    List.of(1, 2, 3, 4, 5, 6)));
    assertThat(tooMany.status()).isEqualTo(422);
    ApiClient.Response tooFar =
        aoki.client()
            .post(
                "/api/v1/calendars/" + cal + "/events",
                event(
                    "x",
                    "2026-06-01T10:00",
                    "2026-06-01T11:00",
                    "emailReminders",
                    List.of(40_321)));
    assertThat(tooFar.status()).isEqualTo(422);
    JsonNode listed =
        CalendarApi.list(aoki.client(), cal, "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z");
    assertThat(listed).isEmpty();
  }

  @Test
  void emailRemindersTravelAsEmailAlarmsInICalendar() {
    String cal = defaultCalendar(aoki.client());
    create(
        aoki.client(),
        cal,
        event(
            "ics",
            "2026-07-01T10:00",
            "2026-07-01T11:00",
            "reminders",
            List.of(10),
            "emailReminders",
            List.of(45)));
    ApiClient.Response r = aoki.client().get("/api/v1/calendars/" + cal + "/export");
    assertThat(r.status()).isEqualTo(200);
    String ics = r.body().replace("\r\n ", "");
    assertThat(ics).contains("ACTION:DISPLAY").contains("TRIGGER:-PT10M");
    assertThat(ics).contains("ACTION:EMAIL").contains("TRIGGER:-PT45M");

    // And back: an imported event keeps its e-mail and display alarms apart.
    String file =
        String.join(
            "\r\n",
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Test//EN",
            "BEGIN:VEVENT",
            "UID:alarms-" + System.nanoTime() + "@test",
            "DTSTART:20260801T010000Z",
            "DTEND:20260801T020000Z",
            "SUMMARY:imported",
            "BEGIN:VALARM",
            "ACTION:EMAIL",
            "SUMMARY:x",
            "DESCRIPTION:x",
            "ATTENDEE:mailto:someone@example.com",
            "TRIGGER:-PT15M",
            "END:VALARM",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "DESCRIPTION:x",
            "TRIGGER;RELATED=START:-PT5M",
            "END:VALARM",
            "BEGIN:VALARM",
            "ACTION:EMAIL",
            "TRIGGER;VALUE=DATE-TIME:20260801T000000Z",
            "END:VALARM",
            "END:VEVENT",
            "END:VCALENDAR",
            "");
    ApiClient.Response imported =
        aoki.client()
            .sendRaw(
                "POST",
                "/api/v1/calendars/" + cal + "/import",
                file,
                "text/calendar",
                aoki.client().csrf());
    assertThat(imported.status()).as(imported.body()).isIn(200, 201);
    JsonNode listed =
        CalendarApi.list(aoki.client(), cal, "2026-08-01T00:00:00Z", "2026-08-02T00:00:00Z");
    JsonNode detail =
        aoki.client().get("/api/v1/events/" + listed.get(0).get("eventId").asString()).json();
    assertThat(detail.get("emailReminders").get(0).asInt()).isEqualTo(15);
    assertThat(detail.get("emailReminders")).hasSize(1);
    assertThat(detail.get("reminders").get(0).asInt()).isEqualTo(5);
  }

  private int reply(TestMember m, String id, String status) {
    return m.client().post("/api/v1/events/" + id + "/reply", Map.of("status", status)).status();
  }

  private int sentFor(String eventId) {
    return jdbc.sql("SELECT COUNT(*) FROM cal_reminder_sent WHERE event_id = ?")
        .param(java.util.UUID.fromString(eventId))
        .query(Integer.class)
        .single();
  }

  /** Read from the database: the test moves the clock past the members' session timeouts. */
  private int count(TestMember m, String role) {
    return jdbc.sql(
            "SELECT COUNT(*) FROM mail_message m JOIN mail_folder f ON f.id = m.folder_id WHERE"
                + " m.member_id = ? AND f.role = ?")
        .params(m.id(), role)
        .query(Integer.class)
        .single();
  }

  private int inbox(TestMember m) {
    return count(m, "inbox");
  }
}
