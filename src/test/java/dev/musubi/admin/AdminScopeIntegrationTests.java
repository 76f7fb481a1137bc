package dev.musubi.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** A member admin scoped to departments acts on nothing outside them (least privilege). */
@MusubiIntegrationTest
class AdminScopeIntegrationTests {

  @LocalServerPort int port;

  static String department(ApiClient admin, String name, String parentId) {
    Map<String, Object> body = new java.util.HashMap<>(Map.of("name", name));
    if (parentId != null) {
      body.put("parentId", parentId);
    }
    ApiClient.Response r = admin.post("/api/v1/admin/departments", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  static String member(ApiClient admin, String login, String departmentId) {
    Map<String, Object> body =
        new java.util.HashMap<>(
            Map.of("loginId", login, "password", Fixtures.PASSWORD, "displayName", "社員 " + login));
    if (departmentId != null) {
      body.put("departments", List.of(Map.of("departmentId", departmentId, "primary", true)));
    }
    ApiClient.Response r = admin.post("/api/v1/admin/members", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  @Test
  void aScopedMemberAdminSeesAndActsOnlyInsideTheirDepartments() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    String sales = department(admin, "営業部", null);
    String tokyo = department(admin, "東京営業所", sales);
    String dev = department(admin, "開発部", null);
    String inTokyo = member(admin, "tokyo1", tokyo);
    String inDev = member(admin, "dev1", dev);
    String nowhere = member(admin, "muzoku", null);

    ApiClient.Response created =
        admin.post(
            "/api/v1/admin/members",
            Map.of(
                "loginId",
                "eigyo-kanri",
                "password",
                Fixtures.PASSWORD,
                "displayName",
                "営業 管理",
                "roles",
                List.of("member_admin"),
                "departments",
                List.of(Map.of("departmentId", sales, "primary", true)),
                "adminScope",
                List.of(sales)));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String scopedId = created.json().get("id").asString();
    ApiClient scoped = fixtures.client();
    assertThat(scoped.login(created.json().get("loginId").asString(), Fixtures.PASSWORD).status())
        .isEqualTo(200);
    assertThat(admin.get("/api/v1/admin/members/" + scopedId + "/access").json().get("adminScope"))
        .hasSize(1);

    // Lists only members of sales and its sub-departments.
    List<String> listed =
        scoped
            .get("/api/v1/admin/members?size=200")
            .json()
            .get("items")
            .valueStream()
            .map(m -> m.get("id").asString())
            .toList();
    assertThat(listed).contains(inTokyo, scopedId).doesNotContain(inDev, nowhere);
    assertThat(scoped.get("/api/v1/admin/members?q=dev1").json().get("total").asLong()).isZero();

    // Every member endpoint on someone outside answers 404, and nothing changes.
    for (String outside : List.of(inDev, nowhere)) {
      List<ApiClient.Response> tries = new ArrayList<>();
      tries.add(scoped.get("/api/v1/admin/members/" + outside));
      tries.add(scoped.patch("/api/v1/admin/members/" + outside, Map.of("displayName", "乗っ取り")));
      tries.add(scoped.post("/api/v1/admin/members/" + outside + "/suspend", null));
      tries.add(scoped.post("/api/v1/admin/members/" + outside + "/resume", null));
      tries.add(scoped.delete("/api/v1/admin/members/" + outside));
      tries.add(scoped.get("/api/v1/admin/members/" + outside + "/access"));
      tries.add(scoped.post("/api/v1/admin/members/" + outside + "/password-reset-link", null));
      tries.add(scoped.post("/api/v1/admin/members/" + outside + "/mfa-reset", null));
      for (ApiClient.Response r : tries) {
        assertThat(r.status()).as(r.raw().request().uri() + " " + r.body()).isEqualTo(404);
        assertThat(r.body()).doesNotContain("dev1", "muzoku");
      }
      JsonNode still = admin.get("/api/v1/admin/members/" + outside).json();
      assertThat(still.get("status").asString()).isEqualTo("active");
      assertThat(still.get("displayName").asString()).doesNotContain("乗っ取り");
    }
    ApiClient.Response refusals =
        admin.get("/api/v1/admin/audit?size=200&action=ADMIN_SCOPE_REFUSED");
    List<JsonNode> mine =
        refusals
            .json()
            .get("items")
            .valueStream()
            .filter(e -> e.get("actorId").asString().equals(scopedId))
            .toList();
    assertThat(mine).hasSizeGreaterThanOrEqualTo(12);
    assertThat(mine).allMatch(e -> e.get("outcome").asString().equals("FAILURE"));

    // Inside the scope the admin works normally.
    assertThat(
            scoped
                .patch("/api/v1/admin/members/" + inTokyo, Map.of("phone", "03-1234-5678"))
                .status())
        .isEqualTo(200);
    assertThat(scoped.post("/api/v1/admin/members/" + inTokyo + "/suspend", null).status())
        .isEqualTo(200);

    // New members go into the scope only; members cannot be moved out of it.
    ApiClient.Response outsideNew =
        scoped.post(
            "/api/v1/admin/members",
            Map.of(
                "loginId",
                "soto",
                "password",
                Fixtures.PASSWORD,
                "displayName",
                "外",
                "departments",
                List.of(Map.of("departmentId", dev, "primary", true))));
    assertThat(outsideNew.status()).isEqualTo(422);
    assertThat(outsideNew.body()).contains("out_of_scope");
    ApiClient.Response noDepartment =
        scoped.post(
            "/api/v1/admin/members",
            Map.of("loginId", "mushozoku", "password", Fixtures.PASSWORD, "displayName", "無"));
    assertThat(noDepartment.status()).isEqualTo(422);
    ApiClient.Response move =
        scoped.patch(
            "/api/v1/admin/members/" + inTokyo,
            Map.of("departments", List.of(Map.of("departmentId", dev, "primary", true))));
    assertThat(move.status()).isEqualTo(422);
    assertThat(
            scoped
                .post(
                    "/api/v1/admin/members",
                    Map.of(
                        "loginId",
                        "naka",
                        "password",
                        Fixtures.PASSWORD,
                        "displayName",
                        "中",
                        "departments",
                        List.of(Map.of("departmentId", tokyo, "primary", true))))
                .status())
        .isEqualTo(201);

    // The department tree outside the scope is out of reach too.
    assertThat(scoped.patch("/api/v1/admin/departments/" + dev, Map.of("name", "x")).status())
        .isEqualTo(404);
    assertThat(scoped.delete("/api/v1/admin/departments/" + dev).status()).isEqualTo(404);
    assertThat(
            scoped.post("/api/v1/admin/departments", Map.of("name", "y", "parentId", dev)).status())
        .isEqualTo(404);
    assertThat(scoped.post("/api/v1/admin/departments", Map.of("name", "z")).status())
        .isEqualTo(422);
    assertThat(scoped.patch("/api/v1/admin/departments/" + tokyo, Map.of("parentId", dev)).status())
        .isEqualTo(404);
    assertThat(
            scoped
                .post("/api/v1/admin/departments", Map.of("name", "大阪営業所", "parentId", sales))
                .status())
        .isEqualTo(201);

    // A scoped admin cannot widen their own scope.
    assertThat(
            scoped
                .put(
                    "/api/v1/admin/members/" + scopedId + "/admin-scope",
                    Map.of("departmentIds", List.of(sales, dev)))
                .status())
        .isEqualTo(403);
    // A department that is someone's scope cannot be deleted from under them.
    assertThat(admin.delete("/api/v1/admin/departments/" + sales).status()).isEqualTo(409);
  }

  @Test
  void anUnknownOrForeignDepartmentIsNoScope() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany a = fixtures.company();
    Fixtures.TestCompany b = fixtures.company();
    String foreign = department(b.admin(), "他社", null);
    Fixtures.TestMember m = fixtures.member(a, "jinji", "member_admin");
    ApiClient.Response r =
        a.admin()
            .put(
                "/api/v1/admin/members/" + m.id() + "/admin-scope",
                Map.of("departmentIds", List.of(foreign)));
    assertThat(r.status()).isEqualTo(422);
    assertThat(
            a.admin()
                .put(
                    "/api/v1/admin/members/" + m.id() + "/admin-scope",
                    Map.of("departmentIds", List.of(UUID.randomUUID())))
                .status())
        .isEqualTo(422);
    assertThat(
            b.admin()
                .put(
                    "/api/v1/admin/members/" + m.id() + "/admin-scope",
                    Map.of("departmentIds", List.of(foreign)))
                .status())
        .isEqualTo(404);
  }
}
