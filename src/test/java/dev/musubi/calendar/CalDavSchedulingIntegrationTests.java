package dev.musubi.calendar;

import static dev.musubi.calendar.CalendarApi.create;
import static dev.musubi.calendar.CalendarApi.defaultCalendar;
import static dev.musubi.calendar.CalendarApi.event;
import static dev.musubi.calendar.CalendarApi.list;
import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** RFC 6638 where it fits: discovery, free-busy through the outbox, implicit scheduling on PUT. */
@MusubiIntegrationTest
class CalDavSchedulingIntegrationTests {

  @LocalServerPort int port;
  Fixtures fixtures;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  private static String address(TestMember m, TestCompany c) {
    return m.loginId().substring(0, m.loginId().indexOf('@')) + "@" + c.domain();
  }

  @Test
  void principalsAdvertiseSchedulingAndTheOutboxAnswersFreeBusyWithTimesOnly() throws Exception {
    TestCompany c = fixtures.company();
    TestMember aoki = fixtures.member(c, "aoki");
    TestMember baba = fixtures.member(c, "baba");
    TestCompany other = fixtures.company();
    TestMember stranger = fixtures.member(other, "doi");
    create(
        baba.client(),
        defaultCalendar(baba.client()),
        event(
            "人事面談",
            "2026-04-10T10:00",
            "2026-04-10T11:00",
            "timeZone",
            "Asia/Tokyo",
            "visibility",
            "private"));

    HttpResponse<String> options = dav("OPTIONS", "/dav/cal/", aoki.loginId(), null);
    assertThat(options.headers().firstValue("DAV").orElse("")).contains("calendar-auto-schedule");
    String principal = "/dav/cal/principals/" + aoki.loginId() + "/";
    HttpResponse<String> props =
        dav(
            "PROPFIND",
            principal,
            aoki.loginId(),
            "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\""
                + " xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><C:schedule-inbox-URL/>"
                + "<C:schedule-outbox-URL/><C:calendar-user-address-set/></D:prop></D:propfind>",
            "Depth",
            "0");
    assertThat(props.statusCode()).isEqualTo(207);
    String outbox = "/dav/cal/calendars/" + aoki.loginId() + "/outbox/";
    assertThat(props.body())
        .contains("schedule-outbox-URL><D:href>" + outbox)
        .contains("/dav/cal/calendars/" + aoki.loginId() + "/inbox/")
        .contains("mailto:" + address(aoki, c));
    HttpResponse<String> box = dav("PROPFIND", outbox, aoki.loginId(), null, "Depth", "0");
    assertThat(box.statusCode()).isEqualTo(207);
    assertThat(box.body()).contains("<C:schedule-outbox/>");

    String request =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\n"
            + "BEGIN:VFREEBUSY\r\nUID:fb-1@test\r\nDTSTAMP:20260401T000000Z\r\n"
            + "DTSTART:20260410T000000Z\r\nDTEND:20260411T000000Z\r\n"
            + "ORGANIZER:mailto:"
            + address(aoki, c)
            + "\r\nATTENDEE:mailto:"
            + address(baba, c)
            + "\r\nATTENDEE:mailto:nobody@"
            + c.domain()
            + "\r\nATTENDEE:mailto:"
            + address(stranger, other)
            + "\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n";
    HttpResponse<String> fb =
        dav("POST", outbox, aoki.loginId(), request, "Content-Type", "text/calendar");
    assertThat(fb.statusCode()).as(fb.body()).isEqualTo(200);
    String body = fb.body().replace("&#13;", "");
    assertThat(body)
        .contains("<C:recipient><D:href>mailto:" + address(baba, c) + "</D:href>")
        .contains("2.0;Success")
        .contains("FREEBUSY;FBTYPE=BUSY:20260410T010000Z/20260410T020000Z")
        .doesNotContain("人事面談");
    // Someone unknown and another company's member are not calendar users here.
    String[] parts = body.split("<C:response>");
    assertThat(parts).hasSize(4);
    assertThat(parts[2]).contains("nobody@").contains("3.7;");
    assertThat(parts[3])
        .contains(address(stranger, other))
        .contains("3.7;")
        .doesNotContain("FREEBUSY");

    // Not a free-busy request, or not to the outbox.
    assertThat(
            dav("POST", outbox, aoki.loginId(), "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
                .statusCode())
        .isEqualTo(400);
    assertThat(
            dav(
                    "POST",
                    "/dav/cal/calendars/" + baba.loginId() + "/outbox/",
                    aoki.loginId(),
                    request)
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void anOrganisersPutInvitesMembersInTheAppAndOutsidersByMail() throws Exception {
    TestCompany c = fixtures.company();
    TestMember aoki = fixtures.member(c, "aoki");
    TestMember baba = fixtures.member(c, "baba");
    String cal = defaultCalendar(aoki.client());
    String ics =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
            + "UID:sched-1@test\r\nDTSTAMP:20260401T000000Z\r\n"
            + "DTSTART:20260415T050000Z\r\nDTEND:20260415T060000Z\r\nSUMMARY:打ち合わせ\r\n"
            + "ORGANIZER:mailto:"
            + address(aoki, c)
            + "\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:"
            + address(aoki, c)
            + "\r\nATTENDEE;CN=馬場;PARTSTAT=NEEDS-ACTION:mailto:"
            + address(baba, c).toUpperCase()
            + "\r\nATTENDEE;CN=Partner:mailto:partner@example.com\r\n"
            + "END:VEVENT\r\nEND:VCALENDAR\r\n";
    HttpResponse<String> put =
        dav(
            "PUT",
            "/dav/cal/calendars/" + aoki.loginId() + "/" + cal + "/sched-1.ics",
            aoki.loginId(),
            ics,
            "Content-Type",
            "text/calendar");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    JsonNode mine = list(aoki.client(), cal, "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z");
    assertThat(mine).hasSize(1);
    JsonNode ev =
        aoki.client().get("/api/v1/events/" + mine.get(0).get("eventId").asString()).json();
    Map<String, String> who = new HashMap<>();
    ev.get("attendees")
        .forEach(
            a ->
                who.put(
                    a.has("memberId") ? a.get("memberId").asString() : a.get("email").asString(),
                    a.get("status").asString()));
    // The colleague is a member attendee, the organiser is not their own guest, the partner
    // is invited by e-mail.
    assertThat(who)
        .containsOnlyKeys(baba.id().toString(), "partner@example.com")
        .containsEntry(baba.id().toString(), "needs-action");
    JsonNode invited =
        list(
            baba.client(),
            defaultCalendar(baba.client()),
            "2026-04-01T00:00:00Z",
            "2026-05-01T00:00:00Z");
    assertThat(invited).hasSize(1);
    assertThat(invited.get(0).get("invitation").asBoolean()).isTrue();
    assertThat(invited.get(0).get("title").asString()).isEqualTo("打ち合わせ");
  }

  private HttpResponse<String> dav(
      String method, String path, String login, String body, String... headers) throws Exception {
    return DavRequests.send(http, port, method, path, login, body, headers);
  }
}
