package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.Policies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** What identity and administration write to the audit trail. */
@MusubiIntegrationTest
class AuditIntegrationTests {

  private static final String ADMIN_AGENT = "audit-test-admin/1.0";
  private static final String MEMBER_AGENT = "audit-test-member/1.0";

  @LocalServerPort int port;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  private static List<JsonNode> entries(ApiClient admin, String action) {
    ApiClient.Response r = admin.get("/api/v1/admin/audit?size=200&action=" + action);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> list = new ArrayList<>();
    r.json().get("items").forEach(list::add);
    return list;
  }

  private static JsonNode only(ApiClient admin, String action, String targetId) {
    List<JsonNode> found =
        entries(admin, action).stream()
            .filter(e -> e.get("targetId").asString().equals(targetId))
            .toList();
    assertThat(found).as(action + " for " + targetId).hasSize(1);
    return found.get(0);
  }

  private static void assertFromRequest(JsonNode e, String actorLogin, String agent) {
    assertThat(e.get("actorLogin").asString()).isEqualTo(actorLogin);
    assertThat(e.get("actorId").isNull()).isFalse();
    assertThat(e.get("ip").asString()).isEqualTo("127.0.0.1");
    assertThat(e.get("userAgent").asString()).isEqualTo(agent);
    assertThat(e.get("outcome").asString()).isEqualTo("SUCCESS");
  }

  @Test
  void memberAdministrationIsAuditedWithActorTargetAddressAndAgent() {
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = fixtures.client().header("User-Agent", ADMIN_AGENT);
    assertThat(admin.login(company.adminLoginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    String who = company.adminLoginId();

    ApiClient.Response created =
        admin.post(
            "/api/v1/admin/members",
            Map.of(
                "loginId",
                "kansa",
                "password",
                Fixtures.PASSWORD,
                "displayName",
                "監査 対象",
                "roles",
                List.of("auditor")));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();
    assertThat(admin.post("/api/v1/admin/members/" + id + "/suspend", null).status())
        .isEqualTo(200);
    assertThat(admin.post("/api/v1/admin/members/" + id + "/resume", null).status()).isEqualTo(200);
    ApiClient.Response grant =
        admin.patch(
            "/api/v1/admin/members/" + id, Map.of("roles", List.of("auditor", "member_admin")));
    assertThat(grant.status()).as(grant.body()).isEqualTo(200);
    assertThat(admin.delete("/api/v1/admin/members/" + id).status()).isEqualTo(204);

    JsonNode create = only(admin, "MEMBER_CREATED", id);
    assertFromRequest(create, who, ADMIN_AGENT);
    assertThat(create.get("targetType").asString()).isEqualTo("member");
    assertThat(create.toString()).doesNotContain(Fixtures.PASSWORD);
    assertFromRequest(only(admin, "MEMBER_SUSPENDED", id), who, ADMIN_AGENT);
    assertFromRequest(only(admin, "MEMBER_RESUMED", id), who, ADMIN_AGENT);
    assertFromRequest(only(admin, "MEMBER_DELETED", id), who, ADMIN_AGENT);
    List<String> granted =
        entries(admin, "ROLE_GRANTED").stream()
            .filter(e -> e.get("targetId").asString().equals(id))
            .map(e -> e.get("detail").get("role").asString())
            .toList();
    assertThat(granted).contains("auditor", "member_admin");

    ApiClient.Response verify = admin.get("/api/v1/admin/audit/verify");
    assertThat(verify.status()).isEqualTo(200);
    assertThat(verify.json().get("valid").asBoolean()).as(verify.body()).isTrue();
  }

  @Test
  void aPolicyChangeRecordsBeforeAndAfter() {
    Fixtures.TestCompany company = fixtures.company();
    Policies.update(company.admin(), Map.of("lockoutThreshold", 7, "passwordMinLength", 12));
    List<JsonNode> changes = entries(company.admin(), "POLICY_CHANGED");
    assertThat(changes).hasSize(1);
    JsonNode detail = changes.get(0).get("detail");
    assertThat(detail.get("before").asString())
        .contains("lockoutThreshold=5")
        .contains("passwordMinLength=10");
    assertThat(detail.get("after").asString())
        .contains("lockoutThreshold=7")
        .contains("passwordMinLength=12");
    assertThat(changes.get(0).get("actorLogin").asString()).isEqualTo(company.adminLoginId());
  }

  @Test
  void passwordAndTokenChangesAreAudited() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember m = fixtures.member(company, "kiroku");
    ApiClient member = fixtures.client().header("User-Agent", MEMBER_AGENT);
    assertThat(member.login(m.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);

    ApiClient.Response token =
        member.post("/api/v1/me/tokens", Map.of("name", "監査", "scopes", List.of("read")));
    String tokenId = token.json().get("id").asString();
    assertThat(member.delete("/api/v1/me/tokens/" + tokenId).status()).isEqualTo(204);
    String next = "Atarashii-Kagi-2026!";
    assertThat(
            member
                .post(
                    "/api/v1/me/password",
                    Map.of("currentPassword", Fixtures.PASSWORD, "newPassword", next))
                .status())
        .isEqualTo(204);

    ApiClient admin = company.admin();
    JsonNode created = only(admin, "TOKEN_CREATED", tokenId);
    assertFromRequest(created, m.loginId(), MEMBER_AGENT);
    assertThat(created.get("detail").get("scopes").asString()).isEqualTo("read");
    assertThat(created.toString()).doesNotContain(token.json().get("token").asString());
    assertFromRequest(only(admin, "TOKEN_REVOKED", tokenId), m.loginId(), MEMBER_AGENT);
    JsonNode changed = only(admin, "PASSWORD_CHANGED", m.id().toString());
    assertFromRequest(changed, m.loginId(), MEMBER_AGENT);

    String export = admin.get("/api/v1/admin/audit/export").body();
    assertThat(export)
        .contains("PASSWORD_CHANGED", "TOKEN_CREATED", "TOKEN_REVOKED")
        .doesNotContain(next)
        .doesNotContain(Fixtures.PASSWORD)
        .doesNotContain(token.json().get("token").asString());
    assertThat(admin.get("/api/v1/admin/audit/verify").json().get("valid").asBoolean()).isTrue();
  }
}
