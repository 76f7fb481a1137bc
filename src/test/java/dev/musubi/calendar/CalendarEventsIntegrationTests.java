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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class CalendarEventsIntegrationTests {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  private List<String> starts(JsonNode occurrences) {
    List<String> out = new ArrayList<>();
    occurrences.forEach(o -> out.add(o.get("start").asString()));
    return out;
  }

  @Test
  void aMemberHasADefaultCalendarAndTheHolidaysAndMayAddMore() {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    ApiClient.Response first = m.client().get("/api/v1/calendars");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json()).hasSize(2);
    assertThat(first.json().get(0).get("isDefault").asBoolean()).isTrue();
    assertThat(first.json().get(0).get("access").asString()).isEqualTo("owner");
    // Lazily created once, even when asked again.
    assertThat(m.client().get("/api/v1/calendars").json()).hasSize(2);
    ApiClient.Response more =
        m.client().post("/api/v1/calendars", Map.of("name", "趣味", "color", "#11aa33"));
    assertThat(more.status()).as(more.body()).isEqualTo(201);
    assertThat(m.client().get("/api/v1/calendars").json()).hasSize(3);
    // Members may not create company calendars; admins may.
    assertThat(
            m.client().post("/api/v1/calendars", Map.of("name", "全社", "kind", "company")).status())
        .isEqualTo(403);
    ApiClient.Response company =
        c.admin().post("/api/v1/calendars", Map.of("name", "全社行事", "kind", "company"));
    assertThat(company.status()).as(company.body()).isEqualTo(201);
    JsonNode seen = m.client().get("/api/v1/calendars").json();
    assertThat(seen).anySatisfy(x -> assertThat(x.get("name").asString()).isEqualTo("全社行事"));
    // The default calendar cannot be deleted.
    assertThat(m.client().delete("/api/v1/calendars/" + defaultCalendar(m.client())).status())
        .isEqualTo(409);
  }

  @Test
  void aTimedEventDefaultsToTheMembersZoneAndListsInItsWindow() {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    String cal = defaultCalendar(m.client());
    JsonNode e =
        create(
            m.client(),
            cal,
            event(
                "定例会議",
                "2026-04-06T10:00",
                "2026-04-06T11:00",
                "location",
                "第1会議室",
                "reminders",
                List.of(10)));
    assertThat(e.get("timeZone").asString()).isEqualTo("Asia/Tokyo");
    assertThat(e.get("startAt").asString()).isEqualTo("2026-04-06T01:00:00Z");
    assertThat(e.get("canEdit").asBoolean()).isTrue();
    JsonNode occ = list(m.client(), cal, "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z");
    assertThat(occ).hasSize(1);
    assertThat(occ.get(0).get("title").asString()).isEqualTo("定例会議");
    assertThat(list(m.client(), cal, "2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z")).isEmpty();
  }

  @Test
  void aRecurringSeriesCanBeEditedForOneOccurrenceTheFollowingOnesOrAll() {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    String cal = defaultCalendar(m.client());
    JsonNode e =
        create(
            m.client(),
            cal,
            event(
                "週次",
                "2026-04-06T10:00",
                "2026-04-06T11:00",
                "rrule",
                "FREQ=WEEKLY;COUNT=6",
                "exdates",
                List.of("2026-04-13T10:00")));
    String id = e.get("id").asString();
    String from = "2026-04-01T00:00:00Z";
    String to = "2026-06-01T00:00:00Z";
    assertThat(starts(list(m.client(), cal, from, to)))
        .containsExactly(
            "2026-04-06T01:00:00Z",
            "2026-04-20T01:00:00Z",
            "2026-04-27T01:00:00Z",
            "2026-05-04T01:00:00Z",
            "2026-05-11T01:00:00Z");

    // "This event": move the 4/20 occurrence to 15:00 with another title.
    ApiClient.Response one =
        m.client()
            .patch(
                "/api/v1/events/" + id + "?scope=this&occurrence=2026-04-20T01:00:00Z",
                Map.of("title", "週次（変更）", "start", "2026-04-20T15:00", "end", "2026-04-20T16:00"));
    assertThat(one.status()).as(one.body()).isEqualTo(200);
    JsonNode occ = list(m.client(), cal, from, to);
    assertThat(starts(occ)).contains("2026-04-20T06:00:00Z").doesNotContain("2026-04-20T01:00:00Z");
    assertThat(occ.get(1).get("title").asString()).isEqualTo("週次（変更）");
    assertThat(occ.get(1).get("recurrenceId").asString()).isEqualTo("2026-04-20T01:00:00Z");

    // An occurrence that does not exist is refused.
    ApiClient.Response wrong =
        m.client()
            .patch(
                "/api/v1/events/" + id + "?scope=this&occurrence=2026-04-21T01:00:00Z",
                Map.of("title", "x"));
    assertThat(wrong.status()).isEqualTo(422);

    // "This and following" from 5/4: a new series at 09:00 for the rest (2 occurrences).
    ApiClient.Response following =
        m.client()
            .patch(
                "/api/v1/events/" + id + "?scope=following&occurrence=2026-05-04T01:00:00Z",
                Map.of("start", "2026-05-04T09:00", "end", "2026-05-04T10:00"));
    assertThat(following.status()).as(following.body()).isEqualTo(200);
    assertThat(following.json().get("rrule").asString()).isEqualTo("FREQ=WEEKLY;COUNT=2");
    assertThat(starts(list(m.client(), cal, from, to)))
        .containsExactly(
            "2026-04-06T01:00:00Z",
            "2026-04-20T06:00:00Z",
            "2026-04-27T01:00:00Z",
            "2026-05-04T00:00:00Z",
            "2026-05-11T00:00:00Z");

    // "All events" of the first series: rename; the override keeps its own title.
    ApiClient.Response all =
        m.client().patch("/api/v1/events/" + id + "?scope=all", Map.of("location", "オンライン"));
    assertThat(all.status()).as(all.body()).isEqualTo(200);
    assertThat(all.json().get("location").asString()).isEqualTo("オンライン");

    // Delete one occurrence, then the following ones of the second series.
    assertThat(
            m.client()
                .delete("/api/v1/events/" + id + "?scope=this&occurrence=2026-04-27T01:00:00Z")
                .status())
        .isEqualTo(204);
    String second = following.json().get("id").asString();
    assertThat(
            m.client()
                .delete(
                    "/api/v1/events/" + second + "?scope=following&occurrence=2026-05-11T00:00:00Z")
                .status())
        .isEqualTo(204);
    assertThat(starts(list(m.client(), cal, from, to)))
        .containsExactly("2026-04-06T01:00:00Z", "2026-04-20T06:00:00Z", "2026-05-04T00:00:00Z");
    // Delete all of the first series: its override goes too.
    assertThat(m.client().delete("/api/v1/events/" + id + "?scope=all").status()).isEqualTo(204);
    assertThat(starts(list(m.client(), cal, from, to))).containsExactly("2026-05-04T00:00:00Z");
    assertThat(m.client().get("/api/v1/events/" + id).status()).isEqualTo(404);
  }

  @Test
  void daylightSavingSwitchesKeepTheWallClockTime() {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    String cal = defaultCalendar(m.client());
    create(
        m.client(),
        cal,
        event(
            "NY standup",
            "2026-03-05T09:00",
            "2026-03-05T09:15",
            "timeZone",
            "America/New_York",
            "rrule",
            "FREQ=DAILY"));
    assertThat(starts(list(m.client(), cal, "2026-03-07T00:00:00Z", "2026-03-10T00:00:00Z")))
        .containsExactly("2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z", "2026-03-09T13:00:00Z");
  }

  @Test
  void endlessAndHugeSeriesAreExpandedOnlyInTheWindowAndTheWindowIsCapped() {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    String cal = defaultCalendar(m.client());
    create(
        m.client(),
        cal,
        event("毎日", "2026-01-01T08:00", "2026-01-01T08:30", "rrule", "FREQ=DAILY;COUNT=1000000"));
    create(
        m.client(),
        cal,
        event("無期限", "2026-01-01T12:00", "2026-01-01T13:00", "rrule", "FREQ=DAILY"));
    JsonNode far = list(m.client(), cal, "2199-01-01T00:00:00Z", "2199-01-08T00:00:00Z");
    assertThat(far).hasSize(14);
    ApiClient.Response year =
        m.client()
            .get(
                "/api/v1/calendars/"
                    + cal
                    + "/events?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z");
    assertThat(year.status()).isEqualTo(200);
    assertThat(year.json()).hasSize(730);
    ApiClient.Response tooLong =
        m.client()
            .get(
                "/api/v1/calendars/"
                    + cal
                    + "/events?from=2026-01-01T00:00:00Z&to=2030-01-01T00:00:00Z");
    assertThat(tooLong.status()).isEqualTo(422);
    assertThat(tooLong.json().get("errors").get(0).get("code").asString())
        .isEqualTo("window_too_long");
    assertThat(m.client().get("/api/v1/calendars/" + cal + "/events").status()).isEqualTo(422);
  }

  @Test
  void badInputIsRefusedWithFieldErrorsAndNothingIsSaved() {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    String cal = defaultCalendar(m.client());
    List<Map<String, Object>> attendees =
        Collections.nCopies(100_000, Map.of("email", "guest@example.com"));
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    List<Object[]> bad =
        List.of(
            new Object[] {
              event("x", "2026-04-06T11:00", "2026-04-06T10:00"), "end", "before_start"
            },
            new Object[] {
              event("x", "2026-04-06T10:00", "2026-04-06T11:00", "rrule", "FREQ=WEEKLY;BYDAY=XX"),
              "rrule",
              "invalid"
            },
            new Object[] {
              event("x", "2026-04-06T10:00", "2026-04-06T11:00", "rrule", "FREQ=SECONDLY"),
              "rrule",
              "invalid"
            },
            new Object[] {
              event("x", "2026-04-06T10:00", "2026-04-06T11:00", "timeZone", "Mars/Olympus"),
              "timeZone",
              "invalid"
            },
            new Object[] {
              event("x", "2026-04-06T10:00", "2026-04-06T11:00", "attendees", attendees),
              "attendees",
              "too_many"
            },
            new Object[] {
              event(
                  "x", "2026-04-06T10:00", "2026-04-06T11:00", "description", "あ".repeat(200_000)),
              "description",
              "too_long"
            },
            new Object[] {event("", "2026-04-06T10:00", "2026-04-06T11:00"), "title", "length"},
            new Object[] {event("x", "yesterday", "2026-04-06T11:00"), "start", "invalid"},
            new Object[] {
              event("x", "2026-04-06T10:00", "2026-04-06T11:00", "visibility", "secret"),
              "visibility",
              "invalid"
            },
            new Object[] {
              event(
                  "x",
                  "2026-04-06T10:00",
                  "2026-04-06T11:00",
                  "attendees",
                  List.of(Map.of("email", "not an address"))),
              "attendees[0].email",
              "invalid"
            },
            new Object[] {
              event(
                  "x",
                  "2026-04-06T10:00",
                  "2026-04-06T11:00",
                  "attendees",
                  List.of(Map.of("memberId", java.util.UUID.randomUUID().toString()))),
              "attendees",
              "unknown_member"
            });
    for (Object[] b : bad) {
      @SuppressWarnings("unchecked")
      ApiClient.Response r =
          m.client().post("/api/v1/calendars/" + cal + "/events", (Map<String, Object>) b[0]);
      assertThat(r.status())
          .as(b[1] + ": " + r.body().substring(0, Math.min(300, r.body().length())))
          .isEqualTo(422);
      assertThat(r.json().get("errors"))
          .as(r.body())
          .anySatisfy(
              f -> {
                assertThat(f.get("field").asString()).isEqualTo(b[1]);
                assertThat(f.get("code").asString()).isEqualTo(b[2]);
              });
      cases.put((String) b[1], (String) b[2]);
    }
    assertThat(list(m.client(), cal, "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z")).isEmpty();
    int rows =
        jdbc.sql("SELECT COUNT(*) FROM cal_event WHERE tenant_id = ?")
            .param(c.id())
            .query(Integer.class)
            .single();
    assertThat(rows).isZero();
    // The holiday calendar is read-only.
    String holidays = null;
    for (JsonNode x : m.client().get("/api/v1/calendars").json()) {
      if (x.get("kind").asString().equals("holidays")) {
        holidays = x.get("id").asString();
      }
    }
    assertThat(
            m.client()
                .post(
                    "/api/v1/calendars/" + holidays + "/events",
                    event("x", "2026-04-06T10:00", "2026-04-06T11:00"))
                .status())
        .isEqualTo(403);
  }

  @Test
  void theHolidayCalendarShowsSilverWeek2026() {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    String holidays = null;
    for (JsonNode x : m.client().get("/api/v1/calendars").json()) {
      if (x.get("kind").asString().equals("holidays")) {
        holidays = x.get("id").asString();
      }
    }
    JsonNode occ = list(m.client(), holidays, "2026-09-20", "2026-09-25");
    List<String> days = new ArrayList<>();
    occ.forEach(o -> days.add(o.get("startDate").asString() + " " + o.get("title").asString()));
    assertThat(days).containsExactly("2026-09-21 敬老の日", "2026-09-22 国民の休日", "2026-09-23 秋分の日");
  }

  @Test
  void sharingLevelsDecideWhatColleaguesSee() {
    TestCompany c = fixtures.company();
    TestMember owner = fixtures.member(c, "aoki");
    TestMember viewer = fixtures.member(c, "baba");
    String cal = defaultCalendar(owner.client());
    create(owner.client(), cal, event("公開の予定", "2026-04-06T10:00", "2026-04-06T11:00"));
    create(
        owner.client(),
        cal,
        event("非公開の予定", "2026-04-07T10:00", "2026-04-07T11:00", "visibility", "private"));
    String from = "2026-04-01T00:00:00Z";
    String to = "2026-05-01T00:00:00Z";
    // Not shared: 404, as for a calendar that does not exist.
    assertThat(
            viewer
                .client()
                .get("/api/v1/calendars/" + cal + "/events?from=" + from + "&to=" + to)
                .status())
        .isEqualTo(404);
    // Free/busy: times only.
    share(owner, cal, viewer, "freebusy");
    JsonNode fb = list(viewer.client(), cal, from, to);
    assertThat(fb).hasSize(2);
    fb.forEach(
        o -> {
          assertThat(o.get("busyOnly").asBoolean()).isTrue();
          assertThat(o.path("title").isString()).isFalse();
        });
    // Details: public events in full, private ones as busy.
    share(owner, cal, viewer, "details");
    JsonNode details = list(viewer.client(), cal, from, to);
    assertThat(details.get(0).get("title").asString()).isEqualTo("公開の予定");
    assertThat(details.get(1).get("busyOnly").asBoolean()).isTrue();
    assertThat(details.toString()).doesNotContain("非公開の予定");
    assertThat(
            viewer
                .client()
                .post(
                    "/api/v1/calendars/" + cal + "/events",
                    event("x", "2026-04-08T10:00", "2026-04-08T11:00"))
                .status())
        .isEqualTo(403);
    // Edit: may add events.
    share(owner, cal, viewer, "edit");
    create(viewer.client(), cal, event("代理で登録", "2026-04-08T10:00", "2026-04-08T11:00"));
    // Subscribing puts it into the viewer's agenda.
    assertThat(viewer.client().put("/api/v1/calendars/" + cal + "/subscription", Map.of()).status())
        .isEqualTo(200);
    JsonNode agenda = viewer.client().get("/api/v1/agenda?from=" + from + "&to=" + to).json();
    assertThat(agenda.toString()).contains("代理で登録").contains("公開の予定");
  }

  private static void share(TestMember owner, String cal, TestMember to, String level) {
    ApiClient.Response r =
        owner
            .client()
            .put(
                "/api/v1/calendars/" + cal + "/shares",
                Map.of(
                    "shares",
                    List.of(
                        Map.of(
                            "granteeType",
                            "member",
                            "granteeId",
                            to.id().toString(),
                            "level",
                            level))));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }
}
