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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class InvitationsIntegrationTests {

  @LocalServerPort int port;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  static final String FROM = "2026-04-01T00:00:00Z";
  static final String TO = "2026-05-01T00:00:00Z";

  @Test
  void invitationsAppearForAttendeesWhoAnswerAndTheOrganiserSeesTheAnswers() {
    TestCompany c = fixtures.company();
    TestMember org = fixtures.member(c, "aoki");
    TestMember a = fixtures.member(c, "baba");
    TestMember b = fixtures.member(c, "chiba");
    String cal = defaultCalendar(org.client());
    JsonNode e =
        create(
            org.client(),
            cal,
            event(
                "企画会議",
                "2026-04-10T14:00",
                "2026-04-10T15:00",
                "visibility",
                "private",
                "attendees",
                List.of(
                    Map.of("memberId", a.id().toString()),
                    Map.of("memberId", b.id().toString(), "required", false),
                    Map.of("email", "Partner@Example.com", "name", "外部 太郎"))));
    String id = e.get("id").asString();
    assertThat(e.get("attendees")).hasSize(3);
    // In each attendee's own calendar, private or not, with their answer pending.
    String aCal = defaultCalendar(a.client());
    JsonNode inA = list(a.client(), aCal, FROM, TO);
    assertThat(inA).hasSize(1);
    assertThat(inA.get(0).get("title").asString()).isEqualTo("企画会議");
    assertThat(inA.get(0).get("invitation").asBoolean()).isTrue();
    assertThat(inA.get(0).get("myStatus").asString()).isEqualTo("needs-action");
    // Answers.
    assertThat(
            a.client()
                .post("/api/v1/events/" + id + "/reply", Map.of("status", "accepted"))
                .status())
        .isEqualTo(200);
    assertThat(
            b.client()
                .post("/api/v1/events/" + id + "/reply", Map.of("status", "tentative"))
                .status())
        .isEqualTo(200);
    ApiClient.Response bad =
        a.client().post("/api/v1/events/" + id + "/reply", Map.of("status", "maybe"));
    assertThat(bad.status()).isEqualTo(422);
    TestMember outsider = fixtures.member(c, "dobashi");
    assertThat(
            outsider
                .client()
                .post("/api/v1/events/" + id + "/reply", Map.of("status", "accepted"))
                .status())
        .isEqualTo(404);
    JsonNode seen = org.client().get("/api/v1/events/" + id).json();
    Map<String, String> answers = new java.util.HashMap<>();
    seen.get("attendees")
        .forEach(
            x ->
                answers.put(
                    x.has("memberId") ? x.get("memberId").asString() : x.get("email").asString(),
                    x.get("status").asString()));
    assertThat(answers)
        .containsEntry(a.id().toString(), "accepted")
        .containsEntry(b.id().toString(), "tentative")
        .containsEntry("partner@example.com", "needs-action");
    // A change of time propagates and asks again.
    ApiClient.Response moved =
        org.client()
            .patch(
                "/api/v1/events/" + id,
                Map.of("start", "2026-04-11T14:00", "end", "2026-04-11T15:00"));
    assertThat(moved.status()).as(moved.body()).isEqualTo(200);
    JsonNode after = list(a.client(), aCal, FROM, TO);
    assertThat(after.get(0).get("start").asString()).isEqualTo("2026-04-11T05:00:00Z");
    assertThat(after.get(0).get("myStatus").asString()).isEqualTo("needs-action");
    // Attendees cannot change the event.
    assertThat(a.client().patch("/api/v1/events/" + id, Map.of("title", "乗っ取り")).status())
        .isEqualTo(403);
    // A cancellation removes it from everyone's calendar.
    assertThat(org.client().delete("/api/v1/events/" + id).status()).isEqualTo(204);
    assertThat(list(a.client(), aCal, FROM, TO)).isEmpty();
    assertThat(a.client().get("/api/v1/events/" + id).status()).isEqualTo(404);
  }

  @Test
  void freeBusyShowsOnlyTimesAndDeclinedEventsAreFree() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    create(
        a.client(),
        defaultCalendar(a.client()),
        event("秘密の面談", "2026-04-06T10:00", "2026-04-06T11:00", "visibility", "private"));
    JsonNode inv =
        create(
            b.client(),
            defaultCalendar(b.client()),
            event(
                "共有会",
                "2026-04-06T13:00",
                "2026-04-06T14:00",
                "attendees",
                List.of(Map.of("memberId", a.id().toString()))));
    // Shown as free, cancelled (both free) and tentative (tentative whatever the answers).
    String aCal = defaultCalendar(a.client());
    JsonNode free =
        create(
            a.client(),
            aCal,
            event("作業", "2026-04-06T15:00", "2026-04-06T16:00", "transparency", "transparent"));
    assertThat(free.get("transparency").asString()).isEqualTo("TRANSPARENT");
    assertThat(free.get("status").asString()).isEqualTo("CONFIRMED");
    create(
        a.client(),
        aCal,
        event("中止", "2026-04-06T16:00", "2026-04-06T17:00", "status", "CANCELLED"));
    JsonNode maybe =
        create(
            a.client(),
            aCal,
            event("仮", "2026-04-06T17:00", "2026-04-06T18:00", "status", "TENTATIVE"));
    // Unknown values are refused with a field error and change nothing.
    ApiClient.Response badTransp =
        a.client()
            .patch("/api/v1/events/" + maybe.get("id").asString(), Map.of("transparency", "FREE"));
    assertThat(badTransp.status()).isEqualTo(422);
    assertThat(badTransp.body()).contains("transparency");
    ApiClient.Response badStatus =
        a.client()
            .post(
                "/api/v1/calendars/" + aCal + "/events",
                event("x", "2026-04-06T18:00", "2026-04-06T19:00", "status", "maybe"));
    assertThat(badStatus.status()).isEqualTo(422);
    assertThat(badStatus.body()).contains("\"status\"");
    ApiClient.Response fb =
        b.client()
            .get(
                "/api/v1/freebusy?members="
                    + a.id()
                    + ","
                    + b.id()
                    + "&from=2026-04-06T00:00:00Z&to=2026-04-07T00:00:00Z");
    assertThat(fb.status()).as(fb.body()).isEqualTo(200);
    assertThat(fb.body()).doesNotContain("秘密の面談");
    JsonNode aBusy = fb.json().get(a.id().toString());
    assertThat(aBusy).hasSize(3);
    assertThat(aBusy.get(0).get("start").asString()).isEqualTo("2026-04-06T01:00:00Z");
    assertThat(aBusy.get(0).get("status").asString()).isEqualTo("busy");
    assertThat(aBusy.get(1).get("status").asString()).isEqualTo("tentative");
    assertThat(aBusy.get(2).get("start").asString()).isEqualTo("2026-04-06T08:00:00Z");
    assertThat(aBusy.get(2).get("status").asString()).isEqualTo("tentative");
    a.client()
        .post(
            "/api/v1/events/" + inv.get("id").asString() + "/reply", Map.of("status", "declined"));
    JsonNode again =
        b.client()
            .get(
                "/api/v1/freebusy?members="
                    + a.id()
                    + "&from=2026-04-06T00:00:00Z&to=2026-04-07T00:00:00Z")
            .json();
    assertThat(again.get(a.id().toString())).hasSize(2);
    // Unknown members and missing windows are refused.
    assertThat(
            b.client()
                .get(
                    "/api/v1/freebusy?members="
                        + java.util.UUID.randomUUID()
                        + "&from=2026-04-06T00:00:00Z&to=2026-04-07T00:00:00Z")
                .status())
        .isEqualTo(422);
    assertThat(b.client().get("/api/v1/freebusy?members=" + a.id()).status()).isEqualTo(422);
  }

  @Test
  void findATimeProposesSlotsWhenEveryoneAndTheRoomAreFree() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    ApiClient.Response room =
        c.admin()
            .post(
                "/api/v1/facilities",
                Map.of("name", "会議室A", "capacity", 8, "openFrom", "09:00", "openTo", "18:00"));
    assertThat(room.status()).as(room.body()).isEqualTo(201);
    String roomId = room.json().get("id").asString();
    // 2026-04-06 (Mon): A busy 9-10, B busy 10-11, the room booked 11-12.
    create(
        a.client(),
        defaultCalendar(a.client()),
        event("A", "2026-04-06T09:00", "2026-04-06T10:00"));
    create(
        b.client(),
        defaultCalendar(b.client()),
        event("B", "2026-04-06T10:00", "2026-04-06T11:00"));
    // Neither a cancelled nor a transparent event takes the time.
    create(
        b.client(),
        defaultCalendar(b.client()),
        event("B2", "2026-04-06T12:00", "2026-04-06T13:00", "status", "CANCELLED"));
    create(
        a.client(),
        defaultCalendar(a.client()),
        event("A2", "2026-04-06T12:00", "2026-04-06T13:00", "transparency", "TRANSPARENT"));
    TestMember x = fixtures.member(c, "xeno");
    create(
        x.client(),
        defaultCalendar(x.client()),
        event("X", "2026-04-06T11:00", "2026-04-06T12:00", "facilityId", roomId));
    ApiClient.Response slots =
        a.client()
            .get(
                "/api/v1/freebusy/slots?members="
                    + b.id()
                    + "&facility="
                    + roomId
                    + "&from=2026-04-06T00:00:00%2B09:00&to=2026-04-07T00:00:00%2B09:00&minutes=60");
    assertThat(slots.status()).as(slots.body()).isEqualTo(200);
    assertThat(slots.json().get(0).get("start").asString()).isEqualTo("2026-04-06T03:00:00Z");
    slots
        .json()
        .forEach(
            s ->
                assertThat(s.get("start").asString())
                    .isGreaterThanOrEqualTo("2026-04-06T03:00:00Z"));
  }
}
