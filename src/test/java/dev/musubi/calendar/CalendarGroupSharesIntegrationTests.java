package dev.musubi.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A calendar shared with a custom group: whoever is in the group at read time sees it. */
@MusubiIntegrationTest
class CalendarGroupSharesIntegrationTests {

  static final String FROM = "2026-04-01T00:00:00Z";
  static final String TO = "2026-05-01T00:00:00Z";

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  static ApiClient.Response shareWithGroup(TestMember owner, String cal, String group, String lvl) {
    return owner
        .client()
        .put(
            "/api/v1/calendars/" + cal + "/shares",
            Map.of(
                "shares",
                List.of(Map.of("granteeType", "group", "granteeId", group, "level", lvl))));
  }

  static int events(TestMember m, String cal) {
    ApiClient.Response r =
        m.client().get("/api/v1/calendars/" + cal + "/events?from=" + FROM + "&to=" + TO);
    return r.status() == 200 ? r.json().size() : -r.status();
  }

  @Test
  void groupMembersSeeTheCalendarAndGroupChangesApplyAtOnce() {
    Fixtures fixtures = new Fixtures(port);
    TestCompany c = fixtures.company();
    TestMember owner = fixtures.member(c, "aoki");
    TestMember inGroup = fixtures.member(c, "baba");
    TestMember later = fixtures.member(c, "chiba");
    TestMember outside = fixtures.member(c, "doi");
    String group =
        c.admin()
            .post(
                "/api/v1/admin/groups",
                Map.of("name", "営業企画", "memberIds", List.of(inGroup.id().toString())))
            .json()
            .get("id")
            .asString();
    String cal = CalendarApi.defaultCalendar(owner.client());
    assertThat(
            owner
                .client()
                .post(
                    "/api/v1/calendars/" + cal + "/events",
                    CalendarApi.event("企画会議", "2026-04-06T10:00", "2026-04-06T11:00"))
                .status())
        .isEqualTo(201);

    ApiClient.Response shared = shareWithGroup(owner, cal, group, "details");
    assertThat(shared.status()).as(shared.body()).isEqualTo(200);
    assertThat(shared.json().get("shares").get(0).get("granteeType").asString()).isEqualTo("group");
    assertThat(events(inGroup, cal)).isEqualTo(1);
    assertThat(
            inGroup
                .client()
                .get("/api/v1/calendars")
                .json()
                .valueStream()
                .map(x -> x.get("id").asString()))
        .contains(cal);
    assertThat(events(outside, cal)).as("not in the group: as if it did not exist").isEqualTo(-404);
    assertThat(events(later, cal)).isEqualTo(-404);

    // Expanded at read time: joining the group shows it, leaving hides it.
    assertThat(
            c.admin()
                .patch(
                    "/api/v1/admin/groups/" + group,
                    Map.of("memberIds", List.of(later.id().toString())))
                .status())
        .isEqualTo(200);
    assertThat(events(later, cal)).isEqualTo(1);
    assertThat(events(inGroup, cal)).isEqualTo(-404);
    // Details level: the group may read, not write.
    assertThat(
            later
                .client()
                .post(
                    "/api/v1/calendars/" + cal + "/events",
                    CalendarApi.event("x", "2026-04-07T10:00", "2026-04-07T11:00"))
                .status())
        .isEqualTo(403);
    // A deleted group: its share drops out of the owner's list (so the rest can be saved again)
    // and grants nothing; the stale row goes with the next save.
    TestMember colleague = fixtures.member(c, "endo");
    assertThat(
            owner
                .client()
                .put(
                    "/api/v1/calendars/" + cal + "/shares",
                    Map.of(
                        "shares",
                        List.of(
                            Map.of("granteeType", "group", "granteeId", group, "level", "details"),
                            Map.of(
                                "granteeType",
                                "member",
                                "granteeId",
                                colleague.id().toString(),
                                "level",
                                "freebusy"))))
                .status())
        .isEqualTo(200);
    assertThat(c.admin().delete("/api/v1/admin/groups/" + group).status()).isEqualTo(204);
    ApiClient.Response mine = owner.client().get("/api/v1/calendars/" + cal);
    assertThat(mine.json().get("shares").findValuesAsString("granteeType"))
        .containsExactly("member");
    assertThat(events(later, cal)).isEqualTo(-404);
    ApiClient.Response saved =
        owner
            .client()
            .put(
                "/api/v1/calendars/" + cal + "/shares",
                Map.of("shares", mine.json().get("shares")));
    assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM cal_share WHERE calendar_id = ?")
                .param(java.util.UUID.fromString(cal))
                .query(Long.class)
                .single())
        .isEqualTo(1);
    // A deleted member of the group is signed out and sees nothing.
    assertThat(c.admin().delete("/api/v1/admin/members/" + later.id()).status()).isEqualTo(204);
    assertThat(later.client().get("/api/v1/calendars").status()).isEqualTo(401);
  }

  @Test
  void anotherCompanysGroupOrAnUnknownOneIsRefusedAndNothingIsStored() {
    Fixtures fixtures = new Fixtures(port);
    TestCompany c = fixtures.company();
    TestCompany other = fixtures.company();
    TestMember owner = fixtures.member(c, "aoki");
    TestMember stranger = fixtures.member(other, "xeno");
    String foreign =
        other
            .admin()
            .post(
                "/api/v1/admin/groups",
                Map.of("name", "他社", "memberIds", List.of(stranger.id().toString())))
            .json()
            .get("id")
            .asString();
    String cal = CalendarApi.defaultCalendar(owner.client());
    for (String bad : List.of(foreign, "00000000-0000-0000-0000-000000000000", "nope")) {
      ApiClient.Response r = shareWithGroup(owner, cal, bad, "details");
      assertThat(r.status()).as(r.body()).isEqualTo(422);
      assertThat(r.json().get("errors").findValuesAsString("field"))
          .containsExactly("shares[0].granteeId");
      assertThat(r.body()).doesNotContain("他社");
    }
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM cal_share WHERE calendar_id = ?")
                .param(java.util.UUID.fromString(cal))
                .query(Long.class)
                .single())
        .isZero();
    assertThat(events(stranger, cal)).isEqualTo(-404);
  }
}
