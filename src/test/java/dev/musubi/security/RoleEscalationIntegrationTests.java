package dev.musubi.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.Policies;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Admin roles cannot be used to gain more power than they grant. */
@MusubiIntegrationTest
class RoleEscalationIntegrationTests {

  @LocalServerPort int port;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  private static List<String> roles(ApiClient admin, Object id) {
    JsonNode roles = admin.get("/api/v1/admin/members/" + id).json().get("roles");
    return roles.valueStream().map(JsonNode::asString).toList();
  }

  @Test
  void aMemberAdminCannotGrantAdminRoles() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember memberAdmin = fixtures.member(company, "jinji", "member_admin");
    Fixtures.TestMember plain = fixtures.member(company, "ippan");

    ApiClient.Response create =
        memberAdmin
            .client()
            .post(
                "/api/v1/admin/members",
                Map.of(
                    "loginId",
                    "kage",
                    "password",
                    Fixtures.PASSWORD,
                    "displayName",
                    "影",
                    "roles",
                    List.of("super_admin")));
    assertThat(create.status()).as(create.body()).isEqualTo(422);
    ApiClient.Response self =
        memberAdmin
            .client()
            .patch(
                "/api/v1/admin/members/" + memberAdmin.id(),
                Map.of("roles", List.of("member", "member_admin", "super_admin")));
    assertThat(self.status()).as(self.body()).isIn(403, 422);
    ApiClient.Response other =
        memberAdmin
            .client()
            .patch(
                "/api/v1/admin/members/" + plain.id(), Map.of("roles", List.of("security_admin")));
    assertThat(other.status()).as(other.body()).isIn(403, 422);
    ApiClient.Response operator =
        company
            .admin()
            .patch("/api/v1/admin/members/" + plain.id(), Map.of("roles", List.of("operator")));
    assertThat(operator.status()).as(operator.body()).isEqualTo(422);

    assertThat(roles(company.admin(), memberAdmin.id())).doesNotContain("super_admin");
    assertThat(roles(company.admin(), plain.id())).doesNotContain("security_admin", "operator");
    assertThat(memberAdmin.client().get("/api/v1/admin/security-settings").status()).isEqualTo(403);
  }

  @Test
  void onlyASuperAdminActsOnASuperAdmin() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember memberAdmin = fixtures.member(company, "jinji2", "member_admin");
    String boss = "/api/v1/admin/members/" + company.adminId();
    assertThat(memberAdmin.client().post(boss + "/suspend", null).status()).isEqualTo(403);
    assertThat(memberAdmin.client().delete(boss).status()).isEqualTo(403);
    assertThat(memberAdmin.client().patch(boss, Map.of("displayName", "乗っ取り")).status())
        .isEqualTo(403);
    assertThat(company.admin().get("/api/v1/me").status()).isEqualTo(200);
    assertThat(company.admin().get("/api/v1/me").json().get("displayName").asString())
        .isNotEqualTo("乗っ取り");
  }

  @Test
  void aCompanySuperAdminIsNotAnOperator() {
    Fixtures.TestCompany company = fixtures.company();
    assertThat(company.admin().get("/api/v1/operator/companies").status()).isEqualTo(403);
    ApiClient.Response create =
        company
            .admin()
            .post(
                "/api/v1/operator/companies",
                Map.of(
                    "name",
                    "偽会社",
                    "domain",
                    "fake-" + company.domain(),
                    "adminLoginId",
                    "kanri",
                    "adminPassword",
                    Fixtures.PASSWORD));
    assertThat(create.status()).isEqualTo(403);
    assertThat(company.admin().get("/actuator/env").status()).isIn(403, 404);
  }

  @Test
  void aSuperAdminCannotLockThemselvesOut() {
    Fixtures.TestCompany company = fixtures.company();
    String self = "/api/v1/admin/members/" + company.adminId();
    assertThat(company.admin().post(self + "/suspend", null).status()).isEqualTo(409);
    assertThat(company.admin().delete(self).status()).isEqualTo(409);
    assertThat(company.admin().patch(self, Map.of("roles", List.of("member"))).status())
        .isEqualTo(422);
    assertThat(roles(company.admin(), company.adminId())).contains("super_admin");
  }

  @Test
  void anAuditorReadsTheTrailButChangesNothing() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember auditor = fixtures.member(company, "kansayaku", "auditor");
    assertThat(auditor.client().get("/api/v1/admin/audit").status()).isEqualTo(200);
    assertThat(auditor.client().get("/api/v1/admin/security-settings").status()).isEqualTo(200);
    JsonNode policy = auditor.client().get("/api/v1/admin/security-settings").json();
    assertThat(auditor.client().put("/api/v1/admin/security-settings", policy).status())
        .isEqualTo(403);
    assertThat(
            auditor
                .client()
                .post(
                    "/api/v1/admin/members",
                    Map.of("loginId", "x1", "password", Fixtures.PASSWORD, "displayName", "x"))
                .status())
        .isEqualTo(403);
    assertThat(auditor.client().post("/api/v1/admin/departments", Map.of("name", "x")).status())
        .isEqualTo(403);
  }

  @Test
  void aSecurityAdminSetsPolicyButDoesNotManageMembers() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember security = fixtures.member(company, "anzen", "security_admin");
    Policies.update(security.client(), Map.of("passwordMinLength", 14));
    assertThat(
            security
                .client()
                .post(
                    "/api/v1/admin/members",
                    Map.of("loginId", "x2", "password", "Nagai-Aikotoba-2026!", "displayName", "x"))
                .status())
        .isEqualTo(403);
    assertThat(
            security
                .client()
                .post("/api/v1/admin/members/" + company.adminId() + "/suspend", null)
                .status())
        .isEqualTo(403);
  }
}
