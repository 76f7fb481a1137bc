package dev.musubi.calendar;

import static dev.musubi.calendar.CalendarApi.create;
import static dev.musubi.calendar.CalendarApi.defaultCalendar;
import static dev.musubi.calendar.CalendarApi.event;
import static dev.musubi.calendar.CalendarApi.list;
import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.drive.DriveClient;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Drive files attached to events: who may open them, what is refused, scopes, .ics and CalDAV. */
@MusubiIntegrationTest
class CalendarAttachmentsIntegrationTests {

  static final String FROM = "2026-04-01T00:00:00Z";
  static final String TO = "2026-05-01T00:00:00Z";

  @LocalServerPort int port;
  Fixtures fixtures;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  private String upload(TestMember m, String name, String content) {
    DriveClient d = new DriveClient(port, m.client());
    return d.uploaded(d.root(), name, content.getBytes(StandardCharsets.UTF_8))
        .get("id")
        .asString();
  }

  private static Map<String, Object> file(String id) {
    return Map.of("fileId", id);
  }

  @Test
  void anInviteeOpensTheOrganisersFileWithoutSeeingTheirDriveAndOthersCannot() {
    TestCompany c = fixtures.company();
    TestMember org = fixtures.member(c, "aoki");
    TestMember invitee = fixtures.member(c, "baba");
    TestMember colleague = fixtures.member(c, "chiba");
    TestCompany other = fixtures.company();
    TestMember stranger = fixtures.member(other, "doi");
    TestMember nobody = fixtures.member(c, "endo");
    String cal = defaultCalendar(org.client());
    // The colleague sees only when the organiser is busy.
    ApiClient.Response shared =
        org.client()
            .put(
                "/api/v1/calendars/" + cal + "/shares",
                Map.of(
                    "shares",
                    List.of(
                        Map.of(
                            "granteeType",
                            "member",
                            "granteeId",
                            colleague.id().toString(),
                            "level",
                            "freebusy"))));
    assertThat(shared.status()).as(shared.body()).isEqualTo(200);
    String fileId = upload(org, "議事録.txt", "第1回の議事録");
    JsonNode e =
        create(
            org.client(),
            cal,
            event(
                "定例会議",
                "2026-04-10T10:00",
                "2026-04-10T11:00",
                "attendees",
                List.of(Map.of("memberId", invitee.id().toString())),
                "attachments",
                List.of(file(fileId))));
    String id = e.get("id").asString();
    JsonNode a = e.get("attachments");
    assertThat(a).hasSize(1);
    assertThat(a.get(0).get("fileId").asString()).isEqualTo(fileId);
    assertThat(a.get(0).get("name").asString()).isEqualTo("議事録.txt");
    assertThat(a.get(0).get("size").asLong())
        .isEqualTo("第1回の議事録".getBytes(StandardCharsets.UTF_8).length);
    assertThat(a.get(0).get("contentType").asString()).startsWith("text/plain");

    // The invitee sees the file in the invitation but cannot reach it in the drive...
    JsonNode seen = invitee.client().get("/api/v1/events/" + id).json();
    assertThat(seen.get("attachments").get(0).get("name").asString()).isEqualTo("議事録.txt");
    assertThat(invitee.client().get("/api/v1/drive/files/" + fileId + "/content").status())
        .isEqualTo(404);
    // ...and opens it through the event, as a download that browsers will not sniff.
    String path = "/api/v1/events/" + id + "/attachments/" + fileId;
    ApiClient.Response got = invitee.client().get(path);
    assertThat(got.status()).as(got.body()).isEqualTo(200);
    assertThat(got.body()).isEqualTo("第1回の議事録");
    assertThat(got.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(got.header("Content-Disposition")).startsWith("attachment;").contains("UTF-8''");
    // Audited as the invitee's drive download, naming the event.
    ApiClient.Response audit = c.admin().get("/api/v1/admin/audit?targetId=" + fileId);
    assertThat(audit.body())
        .contains("\"actionCode\":4001")
        .contains(invitee.loginId())
        .contains("calendar.event");

    // A colleague who sees only the organiser's free/busy, one who sees nothing, another
    // company, a file not attached.
    assertThat(colleague.client().get(path).status()).isEqualTo(403);
    assertThat(nobody.client().get(path).status()).isEqualTo(404);
    assertThat(stranger.client().get(path).status()).isEqualTo(404);
    assertThat(
            invitee
                .client()
                .get("/api/v1/events/" + id + "/attachments/" + UUID.randomUUID())
                .status())
        .isEqualTo(404);
    assertThat(invitee.client().get("/api/v1/events/" + id + "/attachments/x").status())
        .isEqualTo(404);

    // A file deleted from the drive since is gone.
    assertThat(org.client().delete("/api/v1/drive/items/" + fileId).status()).isEqualTo(204);
    ApiClient.Response gone = invitee.client().get(path);
    assertThat(gone.status()).isEqualTo(410);
    assertThat(gone.problemType()).isEqualTo("attachment-gone");
  }

  @Test
  void aPrivateEventsAttachmentsStayHiddenFromThoseWhoSeeOnlyBusy() {
    TestCompany c = fixtures.company();
    TestMember org = fixtures.member(c, "aoki");
    TestMember reader = fixtures.member(c, "baba");
    String cal = defaultCalendar(org.client());
    // The reader may see details of the calendar, but this event is private.
    ApiClient.Response shared =
        org.client()
            .put(
                "/api/v1/calendars/" + cal + "/shares",
                Map.of(
                    "shares",
                    List.of(
                        Map.of(
                            "granteeType",
                            "member",
                            "granteeId",
                            reader.id().toString(),
                            "level",
                            "details"))));
    assertThat(shared.status()).as(shared.body()).isEqualTo(200);
    String fileId = upload(org, "secret.txt", "confidential");
    String publicId =
        create(
                org.client(),
                cal,
                event(
                    "公開",
                    "2026-04-10T10:00",
                    "2026-04-10T11:00",
                    "attachments",
                    List.of(file(fileId))))
            .get("id")
            .asString();
    String privateId =
        create(
                org.client(),
                cal,
                event(
                    "非公開",
                    "2026-04-11T10:00",
                    "2026-04-11T11:00",
                    "visibility",
                    "private",
                    "attachments",
                    List.of(file(fileId))))
            .get("id")
            .asString();
    assertThat(reader.client().get("/api/v1/events/" + publicId + "/attachments/" + fileId).body())
        .isEqualTo("confidential");
    assertThat(reader.client().get("/api/v1/events/" + privateId).json().get("attachments"))
        .isEmpty();
    assertThat(
            reader.client().get("/api/v1/events/" + privateId + "/attachments/" + fileId).status())
        .isEqualTo(403);
  }

  @Test
  void filesTheAttacherCannotReadAndTooManyOrMalformedAttachmentsAreRefusedLeavingNothing() {
    TestCompany c = fixtures.company();
    TestMember org = fixtures.member(c, "aoki");
    TestMember colleague = fixtures.member(c, "baba");
    TestCompany other = fixtures.company();
    TestMember stranger = fixtures.member(other, "doi");
    String cal = defaultCalendar(org.client());
    String mine = upload(org, "mine.txt", "mine");
    String theirs = upload(colleague, "theirs.txt", "theirs");
    String foreign = upload(stranger, "foreign.txt", "foreign");
    String base = "/api/v1/calendars/" + cal + "/events";

    ApiClient.Response r =
        org.client()
            .post(
                base,
                event(
                    "他人のファイル",
                    "2026-04-10T10:00",
                    "2026-04-10T11:00",
                    "attachments",
                    List.of(file(mine), file(theirs))));
    assertThat(r.status()).as(r.body()).isEqualTo(404);
    assertThat(r.problemType()).isEqualTo("attachment-not-found");
    assertThat(r.body()).doesNotContain("theirs.txt");

    r =
        org.client()
            .post(
                base,
                event(
                    "他社のファイル",
                    "2026-04-10T10:00",
                    "2026-04-10T11:00",
                    "attachments",
                    List.of(file(foreign))));
    assertThat(r.status()).as(r.body()).isEqualTo(404);
    assertThat(r.body()).doesNotContain("foreign.txt");

    List<Map<String, Object>> many = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      many.add(file(mine));
    }
    r =
        org.client()
            .post(base, event("多すぎる", "2026-04-10T10:00", "2026-04-10T11:00", "attachments", many));
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.body()).contains("\"field\":\"attachments\"").contains("too_many");

    r =
        org.client()
            .post(
                base,
                event(
                    "壊れた",
                    "2026-04-10T10:00",
                    "2026-04-10T11:00",
                    "attachments",
                    List.of(
                        Map.of("fileId", "not-an-id"),
                        Map.of("url", "javascript:alert(1)"),
                        Map.of())));
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.body())
        .contains("attachments[0].fileId")
        .contains("attachments[1].url")
        .contains("\"field\":\"attachments[2]\"");

    // A folder is not a file.
    DriveClient d = new DriveClient(port, org.client());
    String folder =
        org.client()
            .post("/api/v1/drive/folders/" + d.root() + "/folders", Map.of("name", "資料"))
            .json()
            .get("id")
            .asString();
    r =
        org.client()
            .post(
                base,
                event(
                    "フォルダ",
                    "2026-04-10T10:00",
                    "2026-04-10T11:00",
                    "attachments",
                    List.of(file(folder))));
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.body()).contains("not_a_file");

    // Nothing was stored by any of them.
    assertThat(list(org.client(), cal, FROM, TO)).isEmpty();

    // An update that adds someone else's file leaves the event as it was.
    String id =
        create(
                org.client(),
                cal,
                event(
                    "会議",
                    "2026-04-10T10:00",
                    "2026-04-10T11:00",
                    "attachments",
                    List.of(file(mine))))
            .get("id")
            .asString();
    r =
        org.client()
            .patch(
                "/api/v1/events/" + id,
                Map.of("title", "変更", "attachments", List.of(file(mine), file(theirs))));
    assertThat(r.status()).as(r.body()).isEqualTo(404);
    JsonNode after = org.client().get("/api/v1/events/" + id).json();
    assertThat(after.get("title").asString()).isEqualTo("会議");
    assertThat(after.get("attachments")).hasSize(1);
  }

  @Test
  void anEditorKeepsFilesTheyCannotReadAndEveryScopeKeepsTheAttachments() {
    TestCompany c = fixtures.company();
    TestMember org = fixtures.member(c, "aoki");
    TestMember editor = fixtures.member(c, "baba");
    String cal = defaultCalendar(org.client());
    org.client()
        .put(
            "/api/v1/calendars/" + cal + "/shares",
            Map.of(
                "shares",
                List.of(
                    Map.of(
                        "granteeType",
                        "member",
                        "granteeId",
                        editor.id().toString(),
                        "level",
                        "edit"))));
    String agenda = upload(org, "agenda.txt", "agenda");
    String notes = upload(editor, "notes.txt", "notes");
    JsonNode series =
        create(
            org.client(),
            cal,
            event(
                "週次",
                "2026-04-06T10:00",
                "2026-04-06T11:00",
                "timeZone",
                "Asia/Tokyo",
                "rrule",
                "FREQ=WEEKLY;COUNT=4",
                "attachments",
                List.of(file(agenda))));
    String id = series.get("id").asString();
    // The editor adds their own file while sending back the organiser's, which they cannot read.
    ApiClient.Response all =
        editor
            .client()
            .patch(
                "/api/v1/events/" + id + "?scope=all",
                Map.of("attachments", List.of(file(agenda), file(notes))));
    assertThat(all.status()).as(all.body()).isEqualTo(200);
    assertThat(all.json().get("attachments")).hasSize(2);
    // "This": a changed occurrence starts with the series' files.
    ApiClient.Response one =
        org.client()
            .patch(
                "/api/v1/events/" + id + "?scope=this&occurrence=2026-04-13T01:00:00Z",
                Map.of("title", "週次（特別回）"));
    assertThat(one.status()).as(one.body()).isEqualTo(200);
    assertThat(one.json().get("attachments")).hasSize(2);
    String overrideId = one.json().get("id").asString();
    assertThat(org.client().get("/api/v1/events/" + overrideId + "/attachments/" + notes).body())
        .isEqualTo("notes");
    // "Following" with its own list: the new series has it, the earlier one keeps its files.
    ApiClient.Response tail =
        org.client()
            .patch(
                "/api/v1/events/" + id + "?scope=following&occurrence=2026-04-20T01:00:00Z",
                Map.of("attachments", List.of(file(agenda))));
    assertThat(tail.status()).as(tail.body()).isEqualTo(200);
    assertThat(tail.json().get("attachments")).hasSize(1);
    assertThat(org.client().get("/api/v1/events/" + id).json().get("attachments")).hasSize(2);
    // Removing them all.
    ApiClient.Response none =
        org.client().patch("/api/v1/events/" + id + "?scope=all", Map.of("attachments", List.of()));
    assertThat(none.json().get("attachments")).isEmpty();
  }

  @Test
  void icsAndCalDavCarryAttachAndAClientsPutKeepsFilesAndLinks() throws Exception {
    TestCompany c = fixtures.company();
    TestMember org = fixtures.member(c, "aoki");
    String cal = defaultCalendar(org.client());
    String fileId = upload(org, "資料 1.txt", "shiryou");
    JsonNode e =
        create(
            org.client(),
            cal,
            event(
                "説明会",
                "2026-04-10T10:00",
                "2026-04-10T11:00",
                "attachments",
                List.of(file(fileId))));
    String id = e.get("id").asString();
    String download = "/api/v1/events/" + id + "/attachments/" + fileId;
    String ics = org.client().get("/api/v1/calendars/" + cal + "/export").body();
    assertThat(ics.replace("\r\n ", ""))
        .contains(
            "ATTACH;FILENAME=\"資料 1.txt\";FMTTYPE=text/plain:http://127.0.0.1:" + port + download);

    // A CalDAV client opens the ATTACH link with its calendar credentials (HTTP Basic); without
    // them it is challenged, and another member's credentials open nothing.
    HttpResponse<String> opened = dav("GET", download, org.loginId(), null);
    assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
    assertThat(opened.body()).isEqualTo("shiryou");
    HttpResponse<String> anonymous =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + download))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    TestMember stranger = fixtures.member(c, "kudo");
    assertThat(dav("GET", download, stranger.loginId(), null).statusCode()).isEqualTo(404);
    assertThat(dav("DELETE", download, org.loginId(), null).statusCode()).isIn(401, 403, 405);

    // CalDAV: the resource carries the same ATTACH; PUT back unchanged keeps the Drive file.
    String path = "/dav/cal/calendars/" + org.loginId() + "/" + cal + "/" + id + ".ics";
    HttpResponse<String> got = dav("GET", path, org.loginId(), null);
    assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
    assertThat(got.body().replace("\r\n ", "")).contains(download);
    HttpResponse<String> put =
        dav("PUT", path, org.loginId(), got.body(), "Content-Type", "text/calendar");
    assertThat(put.statusCode()).as(put.body()).isIn(201, 204);
    JsonNode again = list(org.client(), cal, FROM, TO).get(0);
    JsonNode detail = org.client().get("/api/v1/events/" + again.get("eventId").asString()).json();
    assertThat(detail.get("attachments")).hasSize(1);
    assertThat(detail.get("attachments").get(0).get("fileId").asString()).isEqualTo(fileId);
    assertThat(detail.get("attachments").get(0).get("name").asString()).isEqualTo("資料 1.txt");

    // A client's own ATTACH by URI is kept as a link; a download link of a file this resource
    // never had stays a link and opens nothing.
    String foreignLink =
        "http://127.0.0.1:" + port + "/api/v1/events/" + id + "/attachments/" + UUID.randomUUID();
    String body =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
            + "UID:link-1@test\r\nDTSTAMP:20260401T000000Z\r\n"
            + "DTSTART:20260412T010000Z\r\nDTEND:20260412T020000Z\r\nSUMMARY:Link\r\n"
            + "ATTACH;FILENAME=plan.pdf:https://example.com/files/plan.pdf\r\n"
            + "ATTACH:"
            + foreignLink
            + "\r\n"
            + "ATTACH;ENCODING=BASE64;VALUE=BINARY:aGVsbG8=\r\n"
            + "END:VEVENT\r\nEND:VCALENDAR\r\n";
    String linkPath = "/dav/cal/calendars/" + org.loginId() + "/" + cal + "/link-1.ics";
    HttpResponse<String> created =
        dav("PUT", linkPath, org.loginId(), body, "Content-Type", "text/calendar");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode linkEvent = null;
    for (JsonNode o : list(org.client(), cal, FROM, TO)) {
      if (o.get("title").asString().equals("Link")) {
        linkEvent = org.client().get("/api/v1/events/" + o.get("eventId").asString()).json();
      }
    }
    assertThat(linkEvent).isNotNull();
    JsonNode links = linkEvent.get("attachments");
    assertThat(links).hasSize(2);
    assertThat(links.get(0).get("url").asString()).isEqualTo("https://example.com/files/plan.pdf");
    assertThat(links.get(0).get("name").asString()).isEqualTo("plan.pdf");
    assertThat(links.get(0).has("fileId")).isFalse();
    assertThat(links.get(1).get("url").asString()).isEqualTo(foreignLink);
    assertThat(dav("GET", linkPath, org.loginId(), null).body().replace("\r\n ", ""))
        .contains("ATTACH;FILENAME=\"plan.pdf\":https://example.com/files/plan.pdf");
  }

  private HttpResponse<String> dav(
      String method, String path, String login, String body, String... headers) throws Exception {
    return DavRequests.send(http, port, method, path, login, body, headers);
  }
}
