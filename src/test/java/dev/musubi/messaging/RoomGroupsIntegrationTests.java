package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Custom groups picked when creating a talk room or adding members: their active members join. */
@MusubiIntegrationTest
class RoomGroupsIntegrationTests {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  static String group(ApiClient admin, String name, Fixtures.TestMember... members) {
    ApiClient.Response r =
        admin.post(
            "/api/v1/admin/groups",
            Map.of(
                "name",
                name,
                "memberIds",
                java.util.Arrays.stream(members).map(m -> m.id().toString()).toList()));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  long roomCount(Fixtures.TestCompany company) {
    return jdbc.sql("SELECT COUNT(*) FROM talk_room WHERE tenant_id = ?")
        .param(company.id())
        .query(Long.class)
        .single();
  }

  @Test
  void aGroupsActiveMembersJoinANewRoomAndARoomLater() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    Fixtures.TestMember a = fixtures.member(company, "aoki");
    Fixtures.TestMember b = fixtures.member(company, "baba");
    Fixtures.TestMember c = fixtures.member(company, "chiba");
    Fixtures.TestMember d = fixtures.member(company, "doi");
    Fixtures.TestMember e = fixtures.member(company, "endo");
    String project = group(admin, "プロジェクトA", a, b, c);
    String later = group(admin, "後から", d, e);
    // b is suspended and c deleted: they are left out.
    assertThat(admin.post("/api/v1/admin/members/" + b.id() + "/suspend", null).status())
        .isEqualTo(200);
    assertThat(admin.delete("/api/v1/admin/members/" + c.id()).status()).isEqualTo(204);

    ApiClient.Response created =
        a.client()
            .post(
                "/api/v1/rooms",
                Map.of(
                    "type",
                    "group",
                    "name",
                    "プロジェクトA",
                    "members",
                    List.of(e.id().toString()),
                    "groups",
                    List.of(project)));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String roomId = created.json().get("id").asString();
    assertThat(members(roomId)).containsExactlyInAnyOrder(a.id().toString(), e.id().toString());

    ApiClient.Response added =
        a.client().post("/api/v1/rooms/" + roomId + "/members", Map.of("groups", List.of(later)));
    assertThat(added.status()).as(added.body()).isEqualTo(200);
    assertThat(members(roomId))
        .containsExactlyInAnyOrder(a.id().toString(), d.id().toString(), e.id().toString());
    assertThat(
            admin
                .get("/api/v1/admin/audit?action=ROOM_MEMBERS_ADDED")
                .json()
                .get("items")
                .get(0)
                .get("detail")
                .get("members")
                .asString())
        .isEqualTo(d.id().toString());

    // Expanded at that moment: someone added to the group afterwards does not join by themself.
    assertThat(
            admin
                .patch(
                    "/api/v1/admin/groups/" + later,
                    Map.of(
                        "memberIds",
                        List.of(
                            d.id().toString(), e.id().toString(), company.adminId().toString())))
                .status())
        .isEqualTo(200);
    assertThat(members(roomId)).hasSize(3);
  }

  List<String> members(String roomId) {
    return jdbc
        .sql("SELECT member_id FROM talk_member WHERE room_id = ?")
        .param(java.util.UUID.fromString(roomId))
        .query(java.util.UUID.class)
        .list()
        .stream()
        .map(Object::toString)
        .toList();
  }

  @Test
  void anotherCompanysGroupOrAnUnknownOneIsRefusedAndNothingIsStored() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestCompany other = fixtures.company();
    Fixtures.TestMember a = fixtures.member(company, "aoki");
    Fixtures.TestMember x = fixtures.member(other, "xeno");
    String foreign = group(other.admin(), "他社", x);
    String own = group(company.admin(), "自社", a);
    long before = roomCount(company);
    for (Object groups :
        List.of(List.of(foreign), List.of("not-a-uuid"), List.of(own, foreign), List.of(""))) {
      ApiClient.Response r =
          a.client()
              .post("/api/v1/rooms", Map.of("type", "group", "name", "漏えい", "groups", groups));
      assertThat(r.status()).as(r.body()).isEqualTo(422);
      assertThat(r.problemType()).isEqualTo("validation");
      assertThat(r.json().get("errors").findValuesAsString("field")).containsExactly("groups");
      assertThat(r.body()).doesNotContain(x.id().toString()).doesNotContain("他社");
    }
    assertThat(roomCount(company)).isEqualTo(before);
    // Groups make no sense for a direct room.
    ApiClient.Response direct =
        a.client()
            .post(
                "/api/v1/rooms",
                Map.of(
                    "type",
                    "direct",
                    "members",
                    List.of(company.adminId().toString()),
                    "groups",
                    List.of(own)));
    assertThat(direct.status()).isEqualTo(422);

    String roomId =
        a.client()
            .post(
                "/api/v1/rooms",
                Map.of(
                    "type",
                    "group",
                    "name",
                    "自社",
                    "members",
                    List.of(company.adminId().toString())))
            .json()
            .get("id")
            .asString();
    ApiClient.Response add =
        a.client().post("/api/v1/rooms/" + roomId + "/members", Map.of("groups", List.of(foreign)));
    assertThat(add.status()).isEqualTo(422);
    assertThat(members(roomId)).doesNotContain(x.id().toString()).hasSize(2);
    // Someone outside the room cannot use the endpoint to probe groups either.
    assertThat(
            x.client()
                .post("/api/v1/rooms/" + roomId + "/members", Map.of("groups", List.of(foreign)))
                .status())
        .isEqualTo(404);
  }
}
