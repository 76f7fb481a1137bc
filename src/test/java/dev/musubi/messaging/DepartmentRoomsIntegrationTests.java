package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Department rooms follow the directory: placements, suspensions, resumptions, tree moves. */
@MusubiIntegrationTest
class DepartmentRoomsIntegrationTests {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @Test
  void aDepartmentRoomFollowsTheDirectory() {
    TestCompany c = fixtures.company();
    ApiClient admin = c.admin();
    String sales = department(admin, "営業部", null);
    String tokyo = department(admin, "東京営業課", sales);
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    TestMember d = fixtures.member(c, "doi");
    place(admin, a, sales);
    place(admin, b, tokyo);

    // Only member admins create department rooms, for a department of their company.
    assertThat(a.client().post("/api/v1/rooms", room(sales, true)).status()).isEqualTo(403);
    ApiClient.Response unknown =
        admin.post("/api/v1/rooms", room(UUID.randomUUID().toString(), true));
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.body()).contains("unknown_department");
    assertThat(admin.post("/api/v1/rooms", room("not-an-id", true)).status()).isEqualTo(422);
    Map<String, Object> withMembers = room(sales, true);
    withMembers.put("members", List.of(d.id().toString()));
    assertThat(admin.post("/api/v1/rooms", withMembers).status()).isEqualTo(422);
    assertThat(admin.get("/api/v1/rooms").json()).isEmpty();

    ApiClient.Response created = admin.post("/api/v1/rooms", room(sales, true));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode r = created.json();
    String roomId = r.get("id").asString();
    assertThat(r.get("type").asString()).isEqualTo("department");
    assertThat(r.get("name").asString()).isEqualTo("営業部");
    assertThat(r.get("departmentId").asString()).isEqualTo(sales);
    assertThat(members(admin, roomId))
        .containsExactlyInAnyOrder(c.adminId().toString(), a.id().toString(), b.id().toString());
    ApiClient.Response narrow = admin.post("/api/v1/rooms", room(sales, false));
    String narrowId = narrow.json().get("id").asString();
    assertThat(members(admin, narrowId))
        .containsExactlyInAnyOrder(c.adminId().toString(), a.id().toString());

    // D joins the sub-department: D is in the wide room only.
    place(admin, d, tokyo);
    eventually(() -> assertThat(members(admin, roomId)).contains(d.id().toString()));
    assertThat(members(admin, narrowId)).doesNotContain(d.id().toString());
    assertThat(d.client().get("/api/v1/rooms/" + roomId).status()).isEqualTo(200);
    Talk.send(a.client(), roomId, "営業部の皆さんへ");

    // A leaves every department: out of both rooms, 404 from now on.
    place(admin, a);
    eventually(() -> assertThat(a.client().get("/api/v1/rooms/" + roomId).status()).isEqualTo(404));
    eventually(() -> assertThat(members(admin, narrowId)).containsExactly(c.adminId().toString()));

    // B suspended: out; resumed: back, with everything before read.
    assertThat(admin.post("/api/v1/admin/members/" + b.id() + "/suspend", null).status())
        .isEqualTo(200);
    eventually(() -> assertThat(members(admin, roomId)).doesNotContain(b.id().toString()));
    assertThat(admin.post("/api/v1/admin/members/" + b.id() + "/resume", null).status())
        .isEqualTo(200);
    eventually(() -> assertThat(members(admin, roomId)).contains(b.id().toString()));

    // Membership cannot be changed by hand.
    ApiClient.Response add =
        admin.post("/api/v1/rooms/" + roomId + "/members", Map.of("members", List.of(a.id())));
    assertThat(add.status()).isEqualTo(409);
    assertThat(add.problemType()).isEqualTo("department-room");
    assertThat(d.client().delete("/api/v1/rooms/" + roomId + "/members/" + d.id()).status())
        .isEqualTo(409);

    // A department moved under 営業部 brings its members into the wide room.
    String osaka = department(admin, "大阪営業課", null);
    TestMember e = fixtures.member(c, "eda");
    place(admin, e, osaka);
    awaitSyncsDone();
    assertThat(members(admin, roomId)).doesNotContain(e.id().toString());
    assertThat(
            admin.patch("/api/v1/admin/departments/" + osaka, Map.of("parentId", sales)).status())
        .isEqualTo(200);
    eventually(() -> assertThat(members(admin, roomId)).contains(e.id().toString()));
    // A deleted member leaves too.
    assertThat(admin.delete("/api/v1/admin/members/" + e.id()).status()).isIn(200, 204);
    eventually(() -> assertThat(members(admin, roomId)).doesNotContain(e.id().toString()));
    // Each sync ran after its change committed, and left no publication record behind.
    awaitSyncsDone();

    // Another company's department is unknown.
    TestCompany other = fixtures.company();
    ApiClient.Response foreign = other.admin().post("/api/v1/rooms", room(sales, true));
    assertThat(foreign.status()).isEqualTo(422);
    assertThat(foreign.body()).doesNotContain("営業部");
  }

  /** Rooms follow the directory shortly after its commit, on a thread of their own. */
  private static void eventually(ThrowingRunnable assertion) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(assertion);
  }

  /** Completed publications are deleted; none of the room sync's stays incomplete either. */
  private void awaitSyncsDone() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                jdbc.sql("SELECT COUNT(*) FROM event_publication WHERE listener_id LIKE ?")
                        .param("%DepartmentRoomSync%")
                        .query(Long.class)
                        .single()
                    == 0);
  }

  private static Map<String, Object> room(String department, boolean includeSub) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "department");
    m.put("department", department);
    m.put("includeSubDepartments", includeSub);
    return m;
  }

  private static String department(ApiClient admin, String name, String parent) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    if (parent != null) {
      body.put("parentId", parent);
    }
    ApiClient.Response r = admin.post("/api/v1/admin/departments", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  private static void place(ApiClient admin, TestMember m, String... departments) {
    List<Map<String, Object>> placements =
        java.util.Arrays.stream(departments)
            .map(d -> Map.<String, Object>of("departmentId", d, "position", "", "primary", true))
            .toList();
    ApiClient.Response r =
        admin.patch("/api/v1/admin/members/" + m.id(), Map.of("departments", placements));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private static List<String> members(ApiClient client, String roomId) {
    ApiClient.Response r = client.get("/api/v1/rooms/" + roomId);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("members").valueStream().map(JsonNode::asString).toList();
  }
}
