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
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Answers for one occurrence of a series ("this event"): the member's calendar, the organiser's
 * view of that occurrence, free/busy and the iCalendar export show them; answering the series
 * replaces them; moving or deleting the occurrence forgets them.
 */
@MusubiIntegrationTest
class OccurrenceRepliesIntegrationTests {

  static final String FROM = "2026-04-01T00:00:00Z";
  static final String TO = "2026-05-01T00:00:00Z";
  // A weekly 10:00 Tokyo meeting: 01:00Z on 6, 13, 20 and 27 April 2026.
  static final String SECOND = "2026-04-13T01:00:00Z";
  static final String THIRD = "2026-04-20T01:00:00Z";

  @LocalServerPort int port;
  Fixtures fixtures;
  TestCompany company;
  TestMember aoki;
  TestMember baba;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    aoki = fixtures.member(company, "aoki");
    baba = fixtures.member(company, "baba");
  }

  private String weekly(String title) {
    JsonNode e =
        create(
            aoki.client(),
            defaultCalendar(aoki.client()),
            event(
                title,
                "2026-04-06T10:00",
                "2026-04-06T11:00",
                "timeZone",
                "Asia/Tokyo",
                "rrule",
                "FREQ=WEEKLY;COUNT=4",
                "attendees",
                List.of(Map.of("memberId", baba.id().toString()))));
    return e.get("id").asString();
  }

  private ApiClient.Response reply(String id, String status, String occurrence) {
    return baba.client()
        .post(
            "/api/v1/events/" + id + "/reply",
            occurrence == null
                ? Map.of("status", status)
                : Map.of("status", status, "occurrence", occurrence));
  }

  /** baba's answer per occurrence start in their own calendar. */
  private Map<String, String> babasStatuses() {
    Map<String, String> out = new java.util.TreeMap<>();
    for (JsonNode o : list(baba.client(), defaultCalendar(baba.client()), FROM, TO)) {
      out.put(o.get("start").asString(), o.get("myStatus").asString());
    }
    return out;
  }

  private String organiserSees(String id, String occurrence) {
    ApiClient.Response r =
        aoki.client()
            .get("/api/v1/events/" + id + (occurrence == null ? "" : "?occurrence=" + occurrence));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    for (JsonNode a : r.json().get("attendees")) {
      if (baba.id().toString().equals(a.path("memberId").asString(""))) {
        return a.get("status").asString();
      }
    }
    throw new AssertionError("baba is not an attendee: " + r.body());
  }

  private String davGet(String path) throws Exception {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + path))
                    .header(
                        "Authorization",
                        "Basic "
                            + java.util.Base64.getEncoder()
                                .encodeToString(
                                    (aoki.loginId() + ":" + Fixtures.PASSWORD)
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .GET()
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body().replace("\r\n ", "");
  }

  @Test
  void aMemberAnswersOneOccurrenceAndTheOrganiserSeesThatAnswerOnIt() throws Exception {
    String id = weekly("週次定例");
    assertThat(reply(id, "accepted", null).status()).isEqualTo(200);
    ApiClient.Response one = reply(id, "declined", SECOND);
    assertThat(one.status()).as(one.body()).isEqualTo(200);
    assertThat(one.json().get("myStatus").asString()).isEqualTo("declined");
    assertThat(one.json().get("occurrence").asString()).isEqualTo(SECOND);

    assertThat(babasStatuses())
        .containsExactly(
            Map.entry("2026-04-06T01:00:00Z", "accepted"),
            Map.entry(SECOND, "declined"),
            Map.entry(THIRD, "accepted"),
            Map.entry("2026-04-27T01:00:00Z", "accepted"));
    assertThat(organiserSees(id, SECOND)).isEqualTo("declined");
    assertThat(organiserSees(id, THIRD)).isEqualTo("accepted");
    assertThat(organiserSees(id, null)).isEqualTo("accepted");
    JsonNode series = aoki.client().get("/api/v1/events/" + id).json();
    assertThat(series.get("occurrenceAnswers")).hasSize(1);
    assertThat(series.get("occurrenceAnswers").get(0).get("occurrence").asString())
        .isEqualTo(SECOND);
    assertThat(series.get("occurrenceAnswers").get(0).get("memberId").asString())
        .isEqualTo(baba.id().toString());

    // Free/busy: the declined occurrence is free.
    JsonNode busy =
        aoki.client()
            .get("/api/v1/freebusy?members=" + baba.id() + "&from=" + FROM + "&to=" + TO)
            .json()
            .get(baba.id().toString());
    List<String> starts = new ArrayList<>();
    busy.forEach(b -> starts.add(b.get("start").asString()));
    assertThat(starts).contains(THIRD).doesNotContain(SECOND);

    // The export shows the occurrence as an override with baba's answer as PARTSTAT.
    String ics =
        aoki.client()
            .get("/api/v1/calendars/" + defaultCalendar(aoki.client()) + "/export")
            .body()
            .replace("\r\n ", "");
    assertThat(ics).contains("RRULE:FREQ=WEEKLY;COUNT=4");
    int override = ics.indexOf("RECURRENCE-ID;TZID=Asia/Tokyo:20260413T100000");
    assertThat(override).isPositive();
    String overrideEvent = ics.substring(override, ics.indexOf("END:VEVENT", override));
    assertThat(overrideEvent)
        .contains("DTSTART;TZID=Asia/Tokyo:20260413T100000")
        .contains("PARTSTAT=DECLINED")
        .contains("urn:uuid:" + baba.id());
    int rule = ics.indexOf("RRULE:FREQ=WEEKLY;COUNT=4");
    String master =
        ics.substring(ics.lastIndexOf("BEGIN:VEVENT", rule), ics.indexOf("END:VEVENT", rule));
    assertThat(master).contains("PARTSTAT=ACCEPTED").doesNotContain("RECURRENCE-ID");

    // CalDAV: the event's resource carries the same override.
    String dav =
        davGet(
            "/dav/cal/calendars/"
                + aoki.loginId()
                + "/"
                + defaultCalendar(aoki.client())
                + "/"
                + id
                + ".ics");
    assertThat(dav)
        .contains("RECURRENCE-ID;TZID=Asia/Tokyo:20260413T100000")
        .contains("PARTSTAT=DECLINED")
        .contains("PARTSTAT=ACCEPTED");

    // Answering the whole series replaces the single answer.
    assertThat(reply(id, "tentative", null).status()).isEqualTo(200);
    assertThat(babasStatuses()).containsValue("tentative").doesNotContainValue("declined");
    assertThat(aoki.client().get("/api/v1/events/" + id).json().get("occurrenceAnswers")).isEmpty();
  }

  @Test
  void movingOrDeletingAnAnsweredOccurrenceForgetsItsAnswer() {
    String id = weekly("移動する定例");
    assertThat(reply(id, "declined", SECOND).status()).isEqualTo(200);
    assertThat(reply(id, "tentative", THIRD).status()).isEqualTo(200);
    ApiClient.Response moved =
        aoki.client()
            .patch(
                "/api/v1/events/" + id + "?scope=this&occurrence=" + SECOND,
                Map.of("start", "2026-04-13T15:00", "end", "2026-04-13T16:00"));
    assertThat(moved.status()).as(moved.body()).isEqualTo(200);
    assertThat(babasStatuses())
        .containsEntry("2026-04-13T06:00:00Z", "needs-action")
        .containsEntry(THIRD, "tentative");
    assertThat(
            aoki.client()
                .delete("/api/v1/events/" + id + "?scope=this&occurrence=" + THIRD)
                .status())
        .isEqualTo(204);
    assertThat(aoki.client().get("/api/v1/events/" + id).json().get("occurrenceAnswers")).isEmpty();
  }

  @Test
  void anAnswerForWhatIsNotAnOccurrenceIsRefusedAndStoresNothing() {
    String id = weekly("不正な回答");
    assertThat(reply(id, "accepted", null).status()).isEqualTo(200);
    for (String bad :
        List.of("2026-04-14T01:00:00Z", "2026-05-04T01:00:00Z", "next tuesday", "2026-04-13")) {
      ApiClient.Response r = reply(id, "declined", bad);
      assertThat(r.status()).as(bad + ": " + r.body()).isEqualTo(422);
      assertThat(r.body()).contains("occurrence");
    }
    // Bad status with a good occurrence: nothing either.
    assertThat(reply(id, "maybe", SECOND).status()).isEqualTo(422);
    // The query parameter form names the occurrence the same way as PATCH and DELETE.
    assertThat(
            baba.client()
                .post(
                    "/api/v1/events/" + id + "/reply?occurrence=2026-04-15T01:00:00Z",
                    Map.of("status", "declined"))
                .status())
        .isEqualTo(422);
    // A single event has no occurrences to answer on their own.
    JsonNode single =
        create(
            aoki.client(),
            defaultCalendar(aoki.client()),
            event(
                "単発",
                "2026-04-08T10:00",
                "2026-04-08T11:00",
                "attendees",
                List.of(Map.of("memberId", baba.id().toString()))));
    ApiClient.Response notRecurring =
        reply(single.get("id").asString(), "declined", "2026-04-08T01:00:00Z");
    assertThat(notRecurring.status()).isEqualTo(422);
    assertThat(notRecurring.body()).contains("not_recurring");
    assertThat(babasStatuses())
        .containsOnlyKeys(
            "2026-04-06T01:00:00Z", "2026-04-08T01:00:00Z", SECOND, THIRD, "2026-04-27T01:00:00Z");
    assertThat(babasStatuses().values()).containsOnly("accepted", "needs-action");
    assertThat(aoki.client().get("/api/v1/events/" + id).json().get("occurrenceAnswers")).isEmpty();
    // Someone not invited may not answer; another company's member does not see the event.
    TestMember chiba = fixtures.member(company, "chiba");
    assertThat(
            chiba
                .client()
                .post(
                    "/api/v1/events/" + id + "/reply",
                    Map.of("status", "accepted", "occurrence", SECOND))
                .status())
        .isIn(403, 404);
    TestMember stranger = fixtures.member(fixtures.company(), "stranger");
    assertThat(
            stranger
                .client()
                .post(
                    "/api/v1/events/" + id + "/reply",
                    Map.of("status", "accepted", "occurrence", SECOND))
                .status())
        .isEqualTo(404);
    assertThat(stranger.client().get("/api/v1/events/" + id + "?occurrence=" + SECOND).status())
        .isEqualTo(404);
  }
}
