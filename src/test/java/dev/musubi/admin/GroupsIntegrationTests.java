package dev.musubi.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Custom groups: kept by whole-company member admins, read by every member in the directory. */
@MusubiIntegrationTest
class GroupsIntegrationTests {

  @LocalServerPort int port;

  static List<String> ids(JsonNode array) {
    return array.valueStream().map(JsonNode::asString).toList();
  }

  @Test
  void adminsKeepGroupsAndColleaguesSeeTheirActiveMembers() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    Fixtures.TestMember a = fixtures.member(company, "gaa");
    Fixtures.TestMember b = fixtures.member(company, "gbb");
    Fixtures.TestMember c = fixtures.member(company, "gcc");

    ApiClient.Response created =
        admin.post(
            "/api/v1/admin/groups",
            Map.of(
                "name",
                "新製品プロジェクト",
                "description",
                "2027年春の発売に向けて",
                "memberIds",
                List.of(a.id(), b.id(), a.id())));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();
    assertThat(ids(created.json().get("memberIds")))
        .containsExactlyInAnyOrder(a.id().toString(), b.id().toString());

    // Every member reads it in the directory, with names.
    JsonNode listed = c.client().get("/api/v1/directory/groups").json();
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).get("name").asString()).isEqualTo("新製品プロジェクト");
    assertThat(listed.get(0).get("memberCount").asInt()).isEqualTo(2);
    JsonNode view = c.client().get("/api/v1/directory/groups/" + id).json();
    assertThat(view.get("members").valueStream().map(m -> m.get("loginId").asString()))
        .containsExactlyInAnyOrder(a.loginId(), b.loginId());

    // Rename and replace the members; a suspended member is not listed to colleagues.
    ApiClient.Response changed =
        admin.patch(
            "/api/v1/admin/groups/" + id,
            Map.of("name", "新製品PJ", "memberIds", List.of(b.id(), c.id())));
    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    assertThat(ids(changed.json().get("memberIds")))
        .containsExactlyInAnyOrder(b.id().toString(), c.id().toString());
    assertThat(admin.post("/api/v1/admin/members/" + c.id() + "/suspend", null).status())
        .isEqualTo(200);
    assertThat(
            b.client()
                .get("/api/v1/directory/groups/" + id)
                .json()
                .get("members")
                .valueStream()
                .map(m -> m.get("loginId").asString()))
        .containsExactly(b.loginId());

    // The audit trail has each change, with counts and never more.
    JsonNode audit = admin.get("/api/v1/admin/audit?size=50&targetId=" + id).json().get("items");
    List<String> actions = audit.valueStream().map(e -> e.get("action").asString()).toList();
    assertThat(actions).contains("GROUP_CREATED", "GROUP_UPDATED");

    // A deleted member leaves the group's list and cannot be added again.
    assertThat(admin.delete("/api/v1/admin/members/" + c.id()).status()).isEqualTo(204);
    assertThat(ids(admin.get("/api/v1/admin/groups/" + id).json().get("memberIds")))
        .containsExactly(b.id().toString());
    assertThat(
            admin
                .patch("/api/v1/admin/groups/" + id, Map.of("memberIds", List.of(b.id(), c.id())))
                .status())
        .isEqualTo(422);

    assertThat(admin.delete("/api/v1/admin/groups/" + id).status()).isEqualTo(204);
    assertThat(a.client().get("/api/v1/directory/groups").json()).isEmpty();
    assertThat(b.client().get("/api/v1/directory/groups/" + id).status()).isEqualTo(404);
  }

  @Test
  void badInputIsRefusedAndNothingIsSaved() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestCompany other = fixtures.company();
    ApiClient admin = company.admin();
    Fixtures.TestMember a = fixtures.member(company, "hba");
    Fixtures.TestMember stranger = fixtures.member(other, "hbb");

    List<Map<String, Object>> bad = new ArrayList<>();
    bad.add(Map.of());
    bad.add(Map.of("name", " "));
    bad.add(Map.of("name", "x".repeat(101)));
    bad.add(Map.of("name", "改行\nあり"));
    bad.add(Map.of("name", "\u202Eevil"));
    bad.add(Map.of("name", "ok", "description", "d".repeat(1001)));
    bad.add(Map.of("name", "ok", "memberIds", List.of(stranger.id())));
    bad.add(Map.of("name", "ok", "memberIds", List.of(UUID.randomUUID())));
    for (Map<String, Object> body : bad) {
      ApiClient.Response r = admin.post("/api/v1/admin/groups", body);
      assertThat(r.status()).as(body + " → " + r.body()).isEqualTo(422);
    }
    Map<String, Object> malformedIds = new HashMap<>();
    malformedIds.put("name", "ok");
    malformedIds.put("memberIds", List.of("not-a-uuid"));
    assertThat(admin.post("/api/v1/admin/groups", malformedIds).status()).isIn(400, 422);
    assertThat(admin.get("/api/v1/admin/groups").json()).isEmpty();

    // Names are unique in the company, ignoring case and width; another company may reuse one.
    assertThat(admin.post("/api/v1/admin/groups", Map.of("name", "Ｓａｌｅｓ")).status()).isEqualTo(201);
    ApiClient.Response dup = admin.post("/api/v1/admin/groups", Map.of("name", "sales"));
    assertThat(dup.status()).isEqualTo(422);
    assertThat(dup.body()).contains("taken");
    assertThat(other.admin().post("/api/v1/admin/groups", Map.of("name", "sales")).status())
        .isEqualTo(201);

    // Members cannot keep groups; another company's admin gets 404 for this company's group.
    String id = admin.get("/api/v1/admin/groups").json().get(0).get("id").asString();
    assertThat(a.client().post("/api/v1/admin/groups", Map.of("name", "私的")).status())
        .isEqualTo(403);
    assertThat(a.client().patch("/api/v1/admin/groups/" + id, Map.of("name", "x")).status())
        .isEqualTo(403);
    assertThat(other.admin().get("/api/v1/admin/groups/" + id).status()).isEqualTo(404);
    assertThat(other.admin().patch("/api/v1/admin/groups/" + id, Map.of("name", "x")).status())
        .isEqualTo(404);
    assertThat(other.admin().delete("/api/v1/admin/groups/" + id).status()).isEqualTo(404);
    assertThat(stranger.client().get("/api/v1/directory/groups/" + id).status()).isEqualTo(404);
    assertThat(admin.get("/api/v1/admin/groups/" + id).json().get("name").asString())
        .isEqualTo("Ｓａｌｅｓ");
  }

  @Test
  void anAdminScopedToDepartmentsCannotKeepGroupsAndTheRefusalIsAudited() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    String sales = AdminScopeIntegrationTests.department(admin, "営業部", null);
    Map<String, Object> body = new HashMap<>();
    body.put("loginId", "bumon-kanri");
    body.put("password", Fixtures.PASSWORD);
    body.put("displayName", "部門 管理");
    body.put("roles", List.of("member_admin"));
    body.put("departments", List.of(Map.of("departmentId", sales, "primary", true)));
    body.put("adminScope", List.of(sales));
    ApiClient.Response created = admin.post("/api/v1/admin/members", body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    ApiClient scoped = fixtures.client();
    assertThat(scoped.login(created.json().get("loginId").asString(), Fixtures.PASSWORD).status())
        .isEqualTo(200);

    assertThat(scoped.post("/api/v1/admin/groups", Map.of("name", "部門横断")).status()).isEqualTo(403);
    assertThat(admin.get("/api/v1/admin/groups").json()).isEmpty();
    JsonNode refusals =
        admin.get("/api/v1/admin/audit?size=50&action=ADMIN_SCOPE_REFUSED").json().get("items");
    assertThat(refusals.valueStream().map(JsonNode::toString))
        .anyMatch(r -> r.contains("create_group"));
  }
}
