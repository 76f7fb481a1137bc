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
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** A CalDAV client that PUTs back what it read changes nothing. */
@MusubiIntegrationTest
class CalDavRoundTripIntegrationTests {

  @LocalServerPort int port;
  Fixtures fixtures;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  /** The text without the lines that change on every read or write. */
  private static String stable(String ics) {
    return ics.replace("\r\n ", "")
        .lines()
        .filter(l -> !l.startsWith("DTSTAMP") && !l.startsWith("SEQUENCE"))
        .reduce("", (a, b) -> a + b + "\n");
  }

  @Test
  void anAnswerOnlyOccurrencePutBackUnchangedStaysAPlainOccurrenceWithItsAnswer() throws Exception {
    TestCompany c = fixtures.company();
    TestMember org = fixtures.member(c, "aoki");
    TestMember guest = fixtures.member(c, "baba");
    String cal = defaultCalendar(org.client());
    JsonNode series =
        create(
            org.client(),
            cal,
            event(
                "朝会",
                "2026-04-06T09:00",
                "2026-04-06T09:30",
                "timeZone",
                "Asia/Tokyo",
                "rrule",
                "FREQ=DAILY;COUNT=5",
                "attendees",
                List.of(Map.of("memberId", guest.id().toString()))));
    String id = series.get("id").asString();
    // The guest declines Wednesday only: export writes it as an override carrying the answer.
    ApiClient.Response declined =
        guest
            .client()
            .post(
                "/api/v1/events/" + id + "/reply",
                Map.of("status", "declined", "occurrence", "2026-04-08T00:00:00Z"));
    assertThat(declined.status()).as(declined.body()).isEqualTo(200);

    String path = "/dav/cal/calendars/" + org.loginId() + "/" + cal + "/" + id + ".ics";
    HttpResponse<String> read = dav("GET", path, org.loginId(), null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).contains("RECURRENCE-ID").contains("PARTSTAT=DECLINED");
    HttpResponse<String> put =
        dav(
            "PUT",
            path,
            org.loginId(),
            read.body(),
            "Content-Type",
            "text/calendar",
            "If-Match",
            read.headers().firstValue("ETag").orElseThrow());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
    // Read again: the same event, the same answer on the same occurrence.
    HttpResponse<String> again = dav("GET", path, org.loginId(), null);
    assertThat(stable(again.body())).isEqualTo(stable(read.body()));

    // Still a plain occurrence: a change of the whole series reaches it.
    JsonNode occurrences = list(org.client(), cal, "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z");
    String master = occurrences.get(0).get("eventId").asString();
    ApiClient.Response renamed =
        org.client().patch("/api/v1/events/" + master + "?scope=all", Map.of("title", "朝礼"));
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    JsonNode after = list(org.client(), cal, "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z");
    assertThat(after).hasSize(5);
    after.forEach(o -> assertThat(o.get("title").asString()).isEqualTo("朝礼"));
    // The guest's answer for Wednesday is still there, the others still pending.
    JsonNode wednesday =
        guest.client().get("/api/v1/events/" + master + "?occurrence=2026-04-08T00:00:00Z").json();
    assertThat(wednesday.get("myStatus").asString()).isEqualTo("declined");
    JsonNode thursday =
        guest.client().get("/api/v1/events/" + master + "?occurrence=2026-04-09T00:00:00Z").json();
    assertThat(thursday.get("myStatus").asString()).isEqualTo("needs-action");
  }

  private HttpResponse<String> dav(
      String method, String path, String login, String body, String... headers) throws Exception {
    return DavRequests.send(http, port, method, path, login, body, headers);
  }
}
