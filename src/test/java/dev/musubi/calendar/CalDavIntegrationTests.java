package dev.musubi.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;

/** CalDAV with real clients: python caldav and vdirsyncer, plus raw requests for the edges. */
@MusubiIntegrationTest
class CalDavIntegrationTests {

  @LocalServerPort int port;
  Fixtures fixtures;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  private static String run(Path dir, List<String> command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + out);
    }
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private HttpResponse<String> dav(
      String method, String path, String login, String body, String... headers) throws Exception {
    return DavRequests.send(http, port, method, path, login, body, headers);
  }

  @Test
  void pythonCaldavDiscoversSavesSearchesSyncsAndDeletes(@TempDir Path dir) throws Exception {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    m.client().get("/api/v1/calendars");
    Path script = Paths.get("src/test/resources/calendar/caldav_client.py").toAbsolutePath();
    String out =
        run(
            dir,
            List.of(
                "/usr/bin/python3",
                script.toString(),
                "http://127.0.0.1:" + port + "/dav/cal/",
                m.loginId(),
                Fixtures.PASSWORD));
    assertThat(out)
        .contains("PRINCIPAL http://127.0.0.1:" + port + "/dav/cal/principals/" + m.loginId() + "/")
        .contains("CALENDARS マイカレンダー")
        .contains("SEARCH_HIT 1")
        .contains("SEARCH_MISS 0")
        .contains("SYNC_ALL 1")
        .contains("LOADED True")
        .contains("UPDATED True")
        .contains("SYNC_CHANGED 1")
        .contains("SYNC_DELETED 1")
        .contains("LEFT 0");
  }

  @Test
  void vdirsyncerSyncsBothWays(@TempDir Path dir) throws Exception {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    String cal = CalendarApi.defaultCalendar(m.client());
    CalendarApi.create(
        m.client(), cal, CalendarApi.event("サーバーの予定", "2026-04-06T10:00", "2026-04-06T11:00"));
    Path local = Files.createDirectories(dir.resolve("local"));
    Path status = Files.createDirectories(dir.resolve("status"));
    // The local side of the collection exists, so vdirsyncer has nothing to ask.
    Files.createDirectories(local.resolve(cal));
    Files.writeString(
        dir.resolve("config"),
        String.join(
            "\n",
            "[general]",
            "status_path = \"" + status + "\"",
            "",
            "[pair cal]",
            "a = \"musubi\"",
            "b = \"local\"",
            "collections = [\"" + cal + "\"]",
            "",
            "[storage musubi]",
            "type = \"caldav\"",
            "url = \"http://127.0.0.1:" + port + "/dav/cal/\"",
            "username = \"" + m.loginId() + "\"",
            "password = \"" + Fixtures.PASSWORD + "\"",
            "",
            "[storage local]",
            "type = \"filesystem\"",
            "path = \"" + local + "\"",
            "fileext = \".ics\"",
            ""));
    String config = dir.resolve("config").toString();
    run(dir, List.of("/usr/bin/vdirsyncer", "-c", config, "discover", "cal"));
    run(dir, List.of("/usr/bin/vdirsyncer", "-c", config, "sync"));
    Path mine = local.resolve(cal);
    List<Path> files;
    try (var s = Files.list(mine)) {
      files = s.toList();
    }
    assertThat(files).hasSize(1);
    assertThat(Files.readString(files.getFirst())).contains("SUMMARY:サーバーの予定");
    // A local event goes up.
    Files.writeString(
        mine.resolve("local-1.ics"),
        String.join(
            "\r\n",
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//test//EN",
            "BEGIN:VEVENT",
            "UID:local-1@example.com",
            "DTSTART:20260407T010000Z",
            "DTEND:20260407T020000Z",
            "SUMMARY:ローカルの予定",
            "END:VEVENT",
            "END:VCALENDAR",
            ""));
    run(dir, List.of("/usr/bin/vdirsyncer", "-c", config, "sync"));
    String seen =
        CalendarApi.list(m.client(), cal, "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z")
            .toString();
    assertThat(seen).contains("ローカルの予定").contains("サーバーの予定");
  }

  @Test
  void discoveryEtagsAndOtherMembersCalendars() throws Exception {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    TestMember other = fixtures.member(c, "baba");
    String cal = CalendarApi.defaultCalendar(m.client());
    String otherCal = CalendarApi.defaultCalendar(other.client());
    HttpResponse<String> wellKnown =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/.well-known/caldav"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(wellKnown.statusCode()).isEqualTo(301);
    assertThat(wellKnown.headers().firstValue("Location")).hasValue("/dav/cal/");
    HttpResponse<String> root =
        dav(
            "PROPFIND",
            "/dav/cal/",
            m.loginId(),
            "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:current-user-principal/></D:prop></D:propfind>",
            "Depth",
            "0");
    assertThat(root.statusCode()).isEqualTo(207);
    assertThat(root.body()).contains("/dav/cal/principals/" + m.loginId() + "/");
    String path = "/dav/cal/calendars/" + m.loginId() + "/" + cal + "/x.ics";
    String ics =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x@example.com\r\nDTSTART:20260406T010000Z\r\nDTEND:20260406T020000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    HttpResponse<String> put = dav("PUT", path, m.loginId(), ics, "If-None-Match", "*");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    String etag = put.headers().firstValue("ETag").orElseThrow();
    assertThat(dav("PUT", path, m.loginId(), ics, "If-None-Match", "*").statusCode())
        .isEqualTo(412);
    assertThat(dav("PUT", path, m.loginId(), ics, "If-Match", "\"stale\"").statusCode())
        .isEqualTo(412);
    HttpResponse<String> update =
        dav("PUT", path, m.loginId(), ics.replace("SUMMARY:x", "SUMMARY:y"), "If-Match", etag);
    assertThat(update.statusCode()).isEqualTo(204);
    assertThat(dav("DELETE", path, m.loginId(), null, "If-Match", etag).statusCode())
        .isEqualTo(412);
    // Malformed data and XML are refused without a trace.
    assertThat(
            dav(
                    "PUT",
                    "/dav/cal/calendars/" + m.loginId() + "/" + cal + "/bad.ics",
                    m.loginId(),
                    "garbage")
                .statusCode())
        .isEqualTo(400);
    assertThat(
            dav(
                    "PROPFIND",
                    "/dav/cal/",
                    m.loginId(),
                    "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>",
                    "Depth",
                    "0")
                .statusCode())
        .isEqualTo(400);
    // Another member's home and calendar are not there for me.
    assertThat(
            dav(
                    "PROPFIND",
                    "/dav/cal/calendars/" + other.loginId() + "/",
                    m.loginId(),
                    null,
                    "Depth",
                    "1")
                .statusCode())
        .isEqualTo(404);
    assertThat(
            dav(
                    "PROPFIND",
                    "/dav/cal/calendars/" + m.loginId() + "/" + otherCal + "/",
                    m.loginId(),
                    null,
                    "Depth",
                    "1")
                .statusCode())
        .isEqualTo(404);
    assertThat(
            dav(
                    "GET",
                    "/dav/cal/calendars/" + m.loginId() + "/" + otherCal + "/x.ics",
                    m.loginId(),
                    null)
                .statusCode())
        .isEqualTo(404);
  }

  /**
   * A first sync reads a calendar's resources in one batch; what it, a time-range query and a
   * multiget return must be exactly what a GET of each resource returns, for the owner and for a
   * colleague who sees details only (private events redacted), including a series with an
   * overridden occurrence.
   */
  @Test
  void reportsOfManyResourcesMatchSingleGetsForOwnerAndColleague() throws Exception {
    TestCompany c = fixtures.company();
    TestMember owner = fixtures.member(c, "ueda");
    TestMember colleague = fixtures.member(c, "ebina");
    String cal = CalendarApi.defaultCalendar(owner.client());
    String base = "/dav/cal/calendars/" + owner.loginId() + "/" + cal + "/";
    for (int i = 0; i < 38; i++) {
      String start = "202604%02dT%02d0000Z".formatted(1 + i % 28, 1 + i % 9);
      String end = "202604%02dT%02d3000Z".formatted(1 + i % 28, 1 + i % 9);
      putEvent(
          owner,
          base + "e" + i + ".ics",
          "UID:e"
              + i
              + "\r\nDTSTART:"
              + start
              + "\r\nDTEND:"
              + end
              + "\r\nSUMMARY:会議 "
              + i
              + "\r\n");
    }
    putEvent(
        owner,
        base + "private.ics",
        "UID:private\r\nDTSTART:20260410T050000Z\r\n"
            + "DTEND:20260410T060000Z\r\nSUMMARY:秘密の面談\r\nCLASS:PRIVATE\r\n");
    putEvent(
        owner,
        base + "weekly.ics",
        "UID:weekly\r\nDTSTART:20260401T000000Z\r\nDTEND:20260401T010000Z\r\n"
            + "SUMMARY:週次\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\n"
            + "UID:weekly\r\nRECURRENCE-ID:20260408T000000Z\r\nDTSTART:20260408T030000Z\r\n"
            + "DTEND:20260408T040000Z\r\nSUMMARY:週次 (変更)\r\n");
    ApiClient.Response shared =
        owner
            .client()
            .put(
                "/api/v1/calendars/" + cal + "/shares",
                java.util.Map.of(
                    "shares",
                    List.of(
                        java.util.Map.of(
                            "granteeType",
                            "member",
                            "granteeId",
                            colleague.id().toString(),
                            "level",
                            "details"))));
    assertThat(shared.status()).as(shared.body()).isEqualTo(200);

    for (TestMember viewer : List.of(owner, colleague)) {
      String collection = "/dav/cal/calendars/" + viewer.loginId() + "/" + cal + "/";
      HttpResponse<String> query =
          dav(
              "REPORT",
              collection,
              viewer.loginId(),
              "<?xml version=\"1.0\"?><C:calendar-query xmlns:D=\"DAV:\""
                  + " xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><D:getetag/>"
                  + "<C:calendar-data/></D:prop><C:filter><C:comp-filter name=\"VCALENDAR\">"
                  + "<C:comp-filter name=\"VEVENT\"><C:time-range start=\"20260401T000000Z\""
                  + " end=\"20260501T000000Z\"/></C:comp-filter></C:comp-filter></C:filter>"
                  + "</C:calendar-query>",
              "Depth",
              "1");
      assertThat(query.statusCode()).as(query.body()).isEqualTo(207);
      java.util.Map<String, String> byQuery = calendarData(query.body());
      assertThat(byQuery).hasSize(40);
      StringBuilder multiget =
          new StringBuilder(
              "<?xml version=\"1.0\"?><C:calendar-multiget xmlns:D=\"DAV:\""
                  + " xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><D:getetag/>"
                  + "<C:calendar-data/></D:prop>");
      byQuery.keySet().forEach(h -> multiget.append("<D:href>").append(h).append("</D:href>"));
      multiget.append("<D:href>").append(collection).append("missing.ics</D:href>");
      // A repeated href gets the same resource again, not its events twice.
      multiget.append("<D:href>").append(byQuery.keySet().iterator().next()).append("</D:href>");
      multiget.append("</C:calendar-multiget>");
      HttpResponse<String> get =
          dav("REPORT", collection, viewer.loginId(), multiget.toString(), "Depth", "1");
      assertThat(get.statusCode()).as(get.body()).isEqualTo(207);
      java.util.Map<String, String> byMultiget = calendarData(get.body());
      assertThat(byMultiget).hasSize(40);
      HttpResponse<String> sync =
          dav(
              "REPORT",
              collection,
              viewer.loginId(),
              "<?xml version=\"1.0\"?><D:sync-collection xmlns:D=\"DAV:\""
                  + " xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:sync-token/>"
                  + "<D:sync-level>1</D:sync-level><D:prop><D:getetag/><C:calendar-data/>"
                  + "</D:prop></D:sync-collection>",
              "Depth",
              "1");
      assertThat(sync.statusCode()).as(sync.body()).isEqualTo(207);
      java.util.Map<String, String> bySync = calendarData(sync.body());
      assertThat(bySync.keySet()).containsExactlyInAnyOrderElementsOf(byQuery.keySet());
      assertThat(get.body()).contains("missing.ics").contains("404");
      for (var e : byQuery.entrySet()) {
        HttpResponse<String> single = dav("GET", e.getKey(), viewer.loginId(), null);
        assertThat(single.statusCode()).isEqualTo(200);
        String expected = withoutStamps(single.body());
        assertThat(withoutStamps(e.getValue())).as(e.getKey()).isEqualTo(expected);
        assertThat(withoutStamps(byMultiget.get(e.getKey()))).as(e.getKey()).isEqualTo(expected);
        assertThat(withoutStamps(bySync.get(e.getKey()))).as(e.getKey()).isEqualTo(expected);
      }
      String weekly =
          byQuery.entrySet().stream()
              .filter(e -> e.getKey().endsWith("weekly.ics"))
              .findFirst()
              .orElseThrow()
              .getValue();
      assertThat(weekly).contains("RRULE:FREQ=WEEKLY").contains("RECURRENCE-ID");
      if (viewer == colleague) {
        assertThat(String.join("\n", byQuery.values())).doesNotContain("秘密の面談");
      } else {
        assertThat(String.join("\n", byQuery.values())).contains("秘密の面談");
      }
    }
  }

  @Test
  void freeBusyQueryGivesTheBusyTimesOfACalendarAsItsOwnerAnswered(@TempDir Path dir)
      throws Exception {
    TestCompany c = fixtures.company();
    TestMember aoki = fixtures.member(c, "aoki");
    TestMember baba = fixtures.member(c, "baba");
    TestMember chiba = fixtures.member(c, "chiba");
    TestMember eda = fixtures.member(c, "eda");
    String babaCal = CalendarApi.defaultCalendar(baba.client());
    assertThat(
            baba.client()
                .put(
                    "/api/v1/calendars/" + babaCal + "/shares",
                    java.util.Map.of(
                        "shares",
                        List.of(
                            java.util.Map.of(
                                "granteeType",
                                "member",
                                "granteeId",
                                chiba.id().toString(),
                                "level",
                                "freebusy"))))
                .status())
        .isEqualTo(200);
    // aoki invites baba to a weekly meeting (01:00Z on 6, 13, 20, 27 April 2026); baba accepts the
    // series, is unsure about the second and declines the third.
    String weekly =
        CalendarApi.create(
                aoki.client(),
                CalendarApi.defaultCalendar(aoki.client()),
                CalendarApi.event(
                    "人事面談",
                    "2026-04-06T10:00",
                    "2026-04-06T11:00",
                    "timeZone",
                    "Asia/Tokyo",
                    "rrule",
                    "FREQ=WEEKLY;COUNT=4",
                    "attendees",
                    List.of(java.util.Map.of("memberId", baba.id().toString()))))
            .get("id")
            .asString();
    String reply = "/api/v1/events/" + weekly + "/reply";
    assertThat(baba.client().post(reply, java.util.Map.of("status", "accepted")).status())
        .isEqualTo(200);
    assertThat(
            baba.client()
                .post(
                    reply,
                    java.util.Map.of("status", "tentative", "occurrence", "2026-04-13T01:00:00Z"))
                .status())
        .isEqualTo(200);
    assertThat(
            baba.client()
                .post(
                    reply,
                    java.util.Map.of("status", "declined", "occurrence", "2026-04-20T01:00:00Z"))
                .status())
        .isEqualTo(200);
    // baba's own daily series: 9:00 Tokyo on 8–10 April, the 9th excluded, the 10th moved to
    // 15:00; a private event; an all-day event (not busy, as in the web's free/busy).
    String home = "/dav/cal/calendars/" + baba.loginId() + "/" + babaCal + "/";
    HttpResponse<String> series =
        dav(
            "PUT",
            home + "daily.ics",
            baba.loginId(),
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:daily@example.com\r\n"
                + "DTSTART;TZID=Asia/Tokyo:20260408T090000\r\n"
                + "DTEND;TZID=Asia/Tokyo:20260408T100000\r\nRRULE:FREQ=DAILY;COUNT=3\r\n"
                + "EXDATE;TZID=Asia/Tokyo:20260409T090000\r\nSUMMARY:朝会\r\nEND:VEVENT\r\n"
                + "BEGIN:VEVENT\r\nUID:daily@example.com\r\n"
                + "RECURRENCE-ID;TZID=Asia/Tokyo:20260410T090000\r\n"
                + "DTSTART;TZID=Asia/Tokyo:20260410T150000\r\n"
                + "DTEND;TZID=Asia/Tokyo:20260410T160000\r\nSUMMARY:朝会（午後）\r\n"
                + "END:VEVENT\r\nEND:VCALENDAR\r\n",
            "If-None-Match",
            "*");
    assertThat(series.statusCode()).as(series.body()).isEqualTo(201);
    putEvent(
        baba,
        home + "private.ics",
        "UID:private@example.com\r\nDTSTART:20260415T050000Z\r\nDTEND:20260415T060000Z\r\n"
            + "CLASS:PRIVATE\r\nSUMMARY:通院\r\n");
    putEvent(
        baba,
        home + "allday.ics",
        "UID:allday@example.com\r\nDTSTART;VALUE=DATE:20260416\r\n"
            + "DTEND;VALUE=DATE:20260417\r\nSUMMARY:有給休暇\r\n");
    // RFC 5545 TRANSP and STATUS: a transparent or cancelled event leaves the time free, a
    // tentative one is BUSY-TENTATIVE; both round-trip through GET.
    putEvent(
        baba,
        home + "free.ics",
        "UID:free@example.com\r\nDTSTART:20260421T050000Z\r\nDTEND:20260421T060000Z\r\n"
            + "TRANSP:TRANSPARENT\r\nSUMMARY:作業メモ\r\n");
    putEvent(
        baba,
        home + "cancelled.ics",
        "UID:cancelled@example.com\r\nDTSTART:20260422T050000Z\r\n"
            + "DTEND:20260422T060000Z\r\nSTATUS:CANCELLED\r\nSUMMARY:中止\r\n");
    putEvent(
        baba,
        home + "maybe.ics",
        "UID:maybe@example.com\r\nDTSTART:20260423T050000Z\r\nDTEND:20260423T060000Z\r\n"
            + "STATUS:TENTATIVE\r\nSUMMARY:仮押さえ\r\n");
    assertThat(dav("GET", home + "free.ics", baba.loginId(), "").body())
        .contains("TRANSP:TRANSPARENT")
        .doesNotContain("STATUS:");
    assertThat(dav("GET", home + "maybe.ics", baba.loginId(), "").body())
        .contains("STATUS:TENTATIVE")
        .doesNotContain("TRANSP:");
    List<String> expected =
        List.of(
            "DTSTART:20260401T000000Z",
            "DTEND:20260501T000000Z",
            "FREEBUSY;FBTYPE=BUSY:20260406T010000Z/20260406T020000Z",
            "FREEBUSY;FBTYPE=BUSY:20260408T000000Z/20260408T010000Z",
            "FREEBUSY;FBTYPE=BUSY:20260410T060000Z/20260410T070000Z",
            "FREEBUSY;FBTYPE=BUSY:20260415T050000Z/20260415T060000Z",
            "FREEBUSY;FBTYPE=BUSY:20260427T010000Z/20260427T020000Z",
            "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260413T010000Z/20260413T020000Z",
            "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260423T050000Z/20260423T060000Z");
    Path script = Paths.get("src/test/resources/calendar/caldav_freebusy.py").toAbsolutePath();
    // baba asks with the python caldav client; chiba, a colleague who sees only free/busy, gets
    // the same times and nothing of what the events are.
    for (TestMember asker : List.of(baba, chiba)) {
      String out =
          run(
              dir,
              List.of(
                  "/usr/bin/python3",
                  script.toString(),
                  "http://127.0.0.1:"
                      + port
                      + "/dav/cal/calendars/"
                      + asker.loginId()
                      + "/"
                      + babaCal
                      + "/",
                  asker.loginId(),
                  Fixtures.PASSWORD,
                  "2026-04-01T00:00:00Z",
                  "2026-05-01T00:00:00Z"));
      assertThat(out.lines().toList()).as(asker.loginId()).isEqualTo(expected);
    }
    String colleague = "/dav/cal/calendars/" + chiba.loginId() + "/" + babaCal + "/";
    String query =
        "<?xml version=\"1.0\"?><C:free-busy-query xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
            + "%s</C:free-busy-query>";
    HttpResponse<String> raw =
        dav(
            "REPORT",
            colleague,
            chiba.loginId(),
            query.formatted("<C:time-range start=\"20260410T000000Z\" end=\"20260410T063000Z\"/>"),
            "Depth",
            "1");
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/calendar");
    // Periods are cut to the range; nothing names the events.
    assertThat(raw.body())
        .contains("FREEBUSY;FBTYPE=BUSY:20260410T060000Z/20260410T063000Z")
        .doesNotContain("朝会")
        .doesNotContain("SUMMARY")
        .doesNotContain("UID:daily");
    // Bad input: no time-range, an unreadable time, a range beyond 400 days, end before start.
    HttpResponse<String> none = dav("REPORT", colleague, chiba.loginId(), query.formatted(""));
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(none.body()).contains("time-range");
    assertThat(
            dav(
                    "REPORT",
                    colleague,
                    chiba.loginId(),
                    query.formatted("<C:time-range start=\"yesterday\"/>"))
                .statusCode())
        .isEqualTo(400);
    HttpResponse<String> huge =
        dav(
            "REPORT",
            colleague,
            chiba.loginId(),
            query.formatted("<C:time-range start=\"19000101T000000Z\" end=\"22000101T000000Z\"/>"));
    assertThat(huge.statusCode()).isEqualTo(400);
    assertThat(huge.body()).contains("400 days");
    assertThat(
            dav(
                    "REPORT",
                    colleague,
                    chiba.loginId(),
                    query.formatted(
                        "<C:time-range start=\"20260410T000000Z\" end=\"20260409T000000Z\"/>"))
                .statusCode())
        .isEqualTo(400);
    // An open end is bounded to 400 days from the start.
    HttpResponse<String> open =
        dav(
            "REPORT",
            colleague,
            chiba.loginId(),
            query.formatted("<C:time-range start=\"20260401T000000Z\"/>"));
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(open.body()).contains("DTEND:20270506T000000Z").contains("20260427T010000Z");
    // A colleague the calendar is not shared with, and a member of another company: 404.
    assertThat(
            dav(
                    "REPORT",
                    "/dav/cal/calendars/" + eda.loginId() + "/" + babaCal + "/",
                    eda.loginId(),
                    query.formatted(
                        "<C:time-range start=\"20260401T000000Z\" end=\"20260501T000000Z\"/>"))
                .statusCode())
        .isEqualTo(404);
    TestMember stranger = fixtures.member(fixtures.company(), "dan");
    assertThat(
            dav(
                    "REPORT",
                    "/dav/cal/calendars/" + stranger.loginId() + "/" + babaCal + "/",
                    stranger.loginId(),
                    query.formatted(
                        "<C:time-range start=\"20260401T000000Z\" end=\"20260501T000000Z\"/>"))
                .statusCode())
        .isEqualTo(404);
  }

  /**
   * The 10 resources of bench/caldav.sh that Radicale finds and Musubi does not are all-day events
   * on the last day of a month: Radicale compares DATE values in UTC, Musubi in the calendar's zone
   * (Asia/Tokyo, which it advertises as calendar-timezone). A query that names a zone gets that
   * zone (RFC 4791 §7.3, §9.8).
   */
  @Test
  void allDayEventsAreComparedInTheCalendarsZoneOrTheOneTheQueryNames() throws Exception {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    String cal = CalendarApi.defaultCalendar(m.client());
    String home = "/dav/cal/calendars/" + m.loginId() + "/" + cal + "/";
    putEvent(
        m,
        home + "month-end.ics",
        "UID:month-end@example.com\r\nDTSTART;VALUE=DATE:20270131\r\n"
            + "DTEND;VALUE=DATE:20270201\r\nSUMMARY:月末締め\r\n");
    putEvent(
        m,
        home + "weekly-all-day.ics",
        "UID:weekly-all-day@example.com\r\nDTSTART;VALUE=DATE:20270117\r\n"
            + "DTEND;VALUE=DATE:20270118\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:週末当番\r\n");
    HttpResponse<String> props =
        dav(
            "PROPFIND",
            home,
            m.loginId(),
            "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\""
                + " xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><C:calendar-timezone/>"
                + "</D:prop></D:propfind>",
            "Depth",
            "0");
    assertThat(props.body()).contains("BEGIN:VTIMEZONE").contains("TZID:Asia/Tokyo");
    // February in Tokyo (the bench's month query): 2027-01-31T15:00Z to 2027-02-28T15:00Z.
    String february = "start=\"20270131T150000Z\" end=\"20270228T150000Z\"";
    String utc =
        "<C:timezone>BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:UTC\r\n"
            + "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0000\r\n"
            + "TZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n"
            + "</C:timezone>";
    assertThat(query(m, home, february, "")).isEmpty();
    // The weekly one's third day is 31 January too.
    assertThat(query(m, home, february, utc))
        .containsExactlyInAnyOrder("month-end.ics", "weekly-all-day.ics");
    // 24 January (its second day) is 2027-01-24T00:00Z–01-25T00:00Z in UTC and
    // 2027-01-23T15:00Z–01-24T15:00Z in Tokyo.
    String evening = "start=\"20270124T150000Z\" end=\"20270125T000000Z\"";
    assertThat(query(m, home, evening, "")).isEmpty();
    assertThat(query(m, home, evening, utc)).containsExactly("weekly-all-day.ics");
    assertThat(query(m, home, "start=\"20270124T000000Z\" end=\"20270124T010000Z\"", ""))
        .containsExactly("weekly-all-day.ics");
    // A zone the server cannot read: 400.
    HttpResponse<String> bad =
        dav(
            "REPORT",
            home,
            m.loginId(),
            calendarQuery(february, "<C:timezone>BEGIN:VCALENDAR</C:timezone>"),
            "Depth",
            "1");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("VTIMEZONE");
  }

  private static String calendarQuery(String range, String timezone) {
    return "<?xml version=\"1.0\"?><C:calendar-query xmlns:D=\"DAV:\""
        + " xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><D:getetag/></D:prop>"
        + "<C:filter><C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\">"
        + "<C:time-range "
        + range
        + "/></C:comp-filter></C:comp-filter></C:filter>"
        + timezone
        + "</C:calendar-query>";
  }

  /** The resource names a calendar-query finds. */
  private List<String> query(TestMember m, String home, String range, String timezone)
      throws Exception {
    HttpResponse<String> r =
        dav("REPORT", home, m.loginId(), calendarQuery(range, timezone), "Depth", "1");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(207);
    List<String> out = new java.util.ArrayList<>();
    var matcher =
        java.util.regex.Pattern.compile("<D:href>[^<]*/([^/<]+)</D:href>").matcher(r.body());
    while (matcher.find()) {
      out.add(matcher.group(1));
    }
    return out;
  }

  private void putEvent(TestMember m, String path, String vevent) throws Exception {
    HttpResponse<String> put =
        dav(
            "PUT",
            path,
            m.loginId(),
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
                + vevent
                + "END:VEVENT\r\nEND:VCALENDAR\r\n",
            "If-None-Match",
            "*");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
  }

  /** href → calendar-data of each response in a multistatus that has data. */
  private static java.util.Map<String, String> calendarData(String multistatus) throws Exception {
    var f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    var doc =
        f.newDocumentBuilder()
            .parse(new java.io.ByteArrayInputStream(multistatus.getBytes(StandardCharsets.UTF_8)));
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    var responses = doc.getElementsByTagNameNS("DAV:", "response");
    for (int i = 0; i < responses.getLength(); i++) {
      var r = (org.w3c.dom.Element) responses.item(i);
      var data = r.getElementsByTagNameNS("urn:ietf:params:xml:ns:caldav", "calendar-data");
      if (data.getLength() > 0) {
        out.put(
            r.getElementsByTagNameNS("DAV:", "href").item(0).getTextContent().strip(),
            data.item(0).getTextContent());
      }
    }
    return out;
  }

  private static String withoutStamps(String ics) {
    return ics.replaceAll("DTSTAMP:[0-9TZ]+\r?\n", "").replace("\r\n", "\n").strip();
  }
}
