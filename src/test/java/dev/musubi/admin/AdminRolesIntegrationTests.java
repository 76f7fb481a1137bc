package dev.musubi.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Each admin endpoint per role; custom roles from permissions; role grants raise alerts. */
@MusubiIntegrationTest
class AdminRolesIntegrationTests {

  @LocalServerPort int port;

  /** What each role may read (GET) and change; true = allowed. */
  record Expect(String method, String path, Map<String, Boolean> allowed) {}

  @Test
  void everyAdminEndpointAnswersPerRole() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Map<String, ApiClient> clients = new LinkedHashMap<>();
    clients.put("super_admin", company.admin());
    for (String role : List.of("member_admin", "security_admin", "auditor")) {
      clients.put(role, fixtures.member(company, role.replace('_', '-'), role).client());
    }
    clients.put("member", fixtures.member(company, "ippan").client());
    Fixtures.TestMember target = fixtures.member(company, "taisho");
    JsonNode policy = company.admin().get("/api/v1/admin/security-settings").json();

    // super_admin, member_admin, security_admin, auditor, member
    Object[][] matrix = {
      {"GET", "/api/v1/admin/members", true, true, true, false, false},
      {"GET", "/api/v1/admin/members/" + target.id(), true, true, true, false, false},
      {"GET", "/api/v1/admin/members/deleted", true, true, true, false, false},
      {"GET", "/api/v1/admin/members/" + target.id() + "/access", true, true, true, true, false},
      {"PATCH", "/api/v1/admin/members/" + target.id(), true, true, false, false, false},
      {"GET", "/api/v1/admin/security-settings", true, false, true, true, false},
      {"PUT", "/api/v1/admin/security-settings", true, false, true, false, false},
      {"GET", "/api/v1/admin/roles", true, true, true, true, false},
      {"POST", "/api/v1/admin/roles", true, false, false, false, false},
      {"GET", "/api/v1/admin/alerts", true, false, true, false, false},
      {"GET", "/api/v1/admin/audit", true, false, true, true, false},
      {"POST", "/api/v1/admin/departments", true, true, false, false, false},
    };
    String[] roles = clients.keySet().toArray(String[]::new);
    int n = 0;
    for (Object[] row : matrix) {
      for (int i = 0; i < roles.length; i++) {
        String method = (String) row[0];
        String path = (String) row[1];
        boolean allowed = (Boolean) row[2 + i];
        Object body =
            switch (method) {
              case "PATCH" -> Map.of("phone", "03-0000-000" + (n++ % 10));
              case "PUT" -> policy;
              case "POST" ->
                  path.endsWith("/roles")
                      ? Map.of("name", "r" + n++ + roles[i], "permissions", List.of("members.read"))
                      : Map.of("name", "部" + n++);
              default -> null;
            };
        ApiClient.Response r = clients.get(roles[i]).send(method, path, body);
        if (allowed) {
          assertThat(r.status())
              .as(roles[i] + " " + method + " " + path + " " + r.body())
              .isLessThan(300);
        } else {
          assertThat(r.status()).as(roles[i] + " " + method + " " + path).isEqualTo(403);
          assertThat(r.problemType()).isNotBlank();
        }
      }
    }
  }

  @Test
  void aCustomRoleGrantsExactlyItsPermissionsAndItsGrantRaisesAnAlert() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    Fixtures.TestMember reader = fixtures.member(company, "etsuran");
    Fixtures.TestMember security = fixtures.member(company, "anzen", "security_admin");
    assertThat(reader.client().get("/api/v1/admin/members").status()).isEqualTo(403);

    ApiClient.Response bad =
        admin.post(
            "/api/v1/admin/roles", Map.of("name", "全権", "permissions", List.of("roles.manage")));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body()).contains("not_grantable");
    assertThat(
            admin
                .post("/api/v1/admin/roles", Map.of("name", "謎", "permissions", List.of("fly")))
                .status())
        .isEqualTo(422);
    assertThat(
            admin
                .post("/api/v1/admin/roles", Map.of("name", "", "permissions", List.of()))
                .status())
        .isEqualTo(422);

    ApiClient.Response role =
        admin.post(
            "/api/v1/admin/roles",
            Map.of("name", "名簿閲覧", "permissions", List.of("members.read", "statistics.read")));
    assertThat(role.status()).as(role.body()).isEqualTo(201);
    String roleId = role.json().get("id").asString();
    assertThat(
            admin
                .post(
                    "/api/v1/admin/roles",
                    Map.of("name", "名簿閲覧", "permissions", List.of("members.read")))
                .status())
        .isEqualTo(422);
    // A security admin cannot hand out roles.
    assertThat(
            security
                .client()
                .put(
                    "/api/v1/admin/members/" + reader.id() + "/custom-roles",
                    Map.of("roleIds", List.of(roleId)))
                .status())
        .isEqualTo(403);

    ApiClient.Response assigned =
        admin.put(
            "/api/v1/admin/members/" + reader.id() + "/custom-roles",
            Map.of("roleIds", List.of(roleId)));
    assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
    assertThat(assigned.json().get("customRoles").get(0).get("name").asString()).isEqualTo("名簿閲覧");

    assertThat(reader.client().get("/api/v1/admin/members").status()).isEqualTo(200);
    assertThat(
            reader
                .client()
                .patch("/api/v1/admin/members/" + security.id(), Map.of("phone", "1"))
                .status())
        .isEqualTo(403);
    assertThat(
            reader
                .client()
                .post(
                    "/api/v1/admin/roles",
                    Map.of("name", "x", "permissions", List.of("members.write")))
                .status())
        .isEqualTo(403);

    // The grant raised an alert that security admins see and acknowledge.
    JsonNode alerts = security.client().get("/api/v1/admin/alerts?open=true").json().get("items");
    JsonNode forReader =
        alerts
            .valueStream()
            .filter(a -> a.get("subjectId").asString().equals(reader.id().toString()))
            .findFirst()
            .orElseThrow();
    assertThat(forReader.get("kind").asString()).isEqualTo("admin_role_granted");
    assertThat(forReader.get("detail").asString()).contains("custom:名簿閲覧");
    assertThat(
            alerts
                .valueStream()
                .anyMatch(a -> a.get("subjectId").asString().equals(security.id().toString())))
        .as("granting security_admin at creation raised an alert")
        .isTrue();
    ApiClient.Response ack =
        security
            .client()
            .post("/api/v1/admin/alerts/" + forReader.get("id").asString() + "/acknowledge", null);
    assertThat(ack.status()).isEqualTo(200);
    assertThat(ack.json().get("acknowledgedAt").isNull()).isFalse();
    assertThat(
            admin.get("/api/v1/admin/audit?action=CUSTOM_ROLE_ASSIGNED").json().get("items").size())
        .isEqualTo(1);
    assertThat(
            admin.get("/api/v1/admin/audit?action=ALERT_ACKNOWLEDGED").json().get("total").asLong())
        .isEqualTo(1);

    // Deleting the role takes the permissions away at once.
    assertThat(admin.delete("/api/v1/admin/roles/" + roleId).status()).isEqualTo(204);
    assertThat(reader.client().get("/api/v1/admin/members").status()).isEqualTo(403);
  }

  @Test
  void anotherCompanysRolesAndAlertsAreNotFound() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany a = fixtures.company();
    Fixtures.TestCompany b = fixtures.company();
    String roleId =
        a.admin()
            .post(
                "/api/v1/admin/roles", Map.of("name", "A社", "permissions", List.of("members.read")))
            .json()
            .get("id")
            .asString();
    Fixtures.TestMember inA = fixtures.member(a, "a1", "auditor");
    String alertId =
        a.admin().get("/api/v1/admin/alerts").json().get("items").get(0).get("id").asString();
    ApiClient other = b.admin();
    assertThat(
            other
                .put(
                    "/api/v1/admin/roles/" + roleId,
                    Map.of("name", "x", "permissions", List.of("members.read")))
                .status())
        .isEqualTo(404);
    assertThat(other.delete("/api/v1/admin/roles/" + roleId).status()).isEqualTo(404);
    assertThat(other.post("/api/v1/admin/alerts/" + alertId + "/acknowledge", null).status())
        .isEqualTo(404);
    assertThat(other.get("/api/v1/admin/members/" + inA.id() + "/access").status()).isEqualTo(404);
    assertThat(
            other
                .put(
                    "/api/v1/admin/members/" + inA.id() + "/custom-roles",
                    Map.of("roleIds", List.of()))
                .status())
        .isEqualTo(404);
    Fixtures.TestMember inB = fixtures.member(b, "b1");
    assertThat(
            other
                .put(
                    "/api/v1/admin/members/" + inB.id() + "/custom-roles",
                    Map.of("roleIds", List.of(roleId)))
                .status())
        .isEqualTo(422);
    assertThat(other.get("/api/v1/admin/roles").body()).doesNotContain(roleId);
  }
}
