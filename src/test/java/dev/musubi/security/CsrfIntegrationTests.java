package dev.musubi.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

@MusubiIntegrationTest
class CsrfIntegrationTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  private static String newMember(String local) {
    return JSON.writeValueAsString(
        Map.of(
            "loginId",
            local,
            "password",
            Fixtures.PASSWORD,
            "displayName",
            "偽 " + local,
            "roles",
            List.of("super_admin")));
  }

  private long memberCount(Fixtures.TestCompany company) {
    return company.admin().get("/api/v1/admin/members").json().get("total").asLong();
  }

  @Test
  void aCookieSessionWriteWithoutTheCsrfTokenIsRefused() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "okamoto");
    long before = memberCount(company);

    ApiClient.Response post =
        company
            .admin()
            .sendRaw("POST", "/api/v1/admin/members", newMember("csrf1"), "application/json", null);
    assertThat(post.status()).isEqualTo(403);
    assertThat(post.problemType()).isEqualTo("csrf");
    assertThat(post.header("Content-Type")).startsWith("application/problem+json");

    ApiClient.Response patch =
        company
            .admin()
            .sendRaw(
                "PATCH",
                "/api/v1/admin/members/" + member.id(),
                "{\"displayName\":\"書き換え\"}",
                "application/json",
                null);
    assertThat(patch.status()).isEqualTo(403);
    assertThat(patch.problemType()).isEqualTo("csrf");

    ApiClient.Response delete =
        company.admin().sendRaw("DELETE", "/api/v1/admin/members/" + member.id(), null, null, null);
    assertThat(delete.status()).isEqualTo(403);
    assertThat(delete.problemType()).isEqualTo("csrf");

    ApiClient.Response form =
        company
            .admin()
            .sendRaw(
                "POST",
                "/api/v1/admin/members/" + member.id() + "/suspend",
                "a=b",
                "application/x-www-form-urlencoded",
                null);
    assertThat(form.status()).isEqualTo(403);

    assertThat(memberCount(company)).isEqualTo(before);
    ApiClient.Response still = company.admin().get("/api/v1/admin/members/" + member.id());
    assertThat(still.json().get("displayName").asString()).isNotEqualTo("書き換え");
    assertThat(still.json().get("status").asString()).isEqualToIgnoringCase("active");
    assertThat(member.client().get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void aWrongCsrfTokenIsRefused() {
    Fixtures.TestCompany company = fixtures.company();
    long before = memberCount(company);
    String real = company.admin().csrf();
    for (String wrong :
        List.of("wrong", real + "x", "", new StringBuilder(real).reverse().toString())) {
      ApiClient.Response r =
          company
              .admin()
              .sendRaw(
                  "POST", "/api/v1/admin/members", newMember("csrf2"), "application/json", wrong);
      assertThat(r.status()).as("token '%s'", wrong).isEqualTo(403);
    }
    assertThat(memberCount(company)).isEqualTo(before);
    // Another session's token does not fit this one's cookie either.
    ApiClient other = fixtures.client();
    String othersToken = other.csrf();
    if (!othersToken.equals(real)) {
      ApiClient.Response r =
          company
              .admin()
              .sendRaw(
                  "POST",
                  "/api/v1/admin/members",
                  newMember("csrf3"),
                  "application/json",
                  othersToken);
      assertThat(r.status()).isEqualTo(403);
    }
    ApiClient.Response right =
        company
            .admin()
            .sendRaw(
                "POST",
                "/api/v1/admin/members",
                newMember("csrf4"),
                "application/json",
                company.admin().csrf()); // the token may be renewed after a refusal
    assertThat(right.status()).as(right.body()).isEqualTo(201);
  }

  @Test
  void aCrossSiteOriginIsRefused() {
    Fixtures.TestCompany company = fixtures.company();
    ApiClient.Response login =
        fixtures
            .client()
            .header("Origin", "http://evil.example")
            .login(company.adminLoginId(), Fixtures.PASSWORD);
    assertThat(login.status()).isEqualTo(403);
    assertThat(login.problemType()).isEqualTo("origin");
    assertThat(login.header("Set-Cookie")).isNull();

    ApiClient.Response sameSite =
        fixtures
            .client()
            .header("Origin", "http://127.0.0.1:" + port)
            .login(company.adminLoginId(), Fixtures.PASSWORD);
    assertThat(sameSite.status()).isEqualTo(200);

    long before = memberCount(company);
    ApiClient.Response write =
        company
            .admin()
            .header("Origin", "http://evil.example")
            .post("/api/v1/admin/members", JSON.readTree(newMember("origin1")));
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.problemType()).isEqualTo("origin");
    ApiClient.Response nullOrigin =
        fixtures.client().header("Origin", "null").login(company.adminLoginId(), Fixtures.PASSWORD);
    assertThat(nullOrigin.status()).isEqualTo(403);
    assertThat(memberCount(fixturesAdmin(company))).isEqualTo(before);
  }

  private Fixtures.TestCompany fixturesAdmin(Fixtures.TestCompany company) {
    ApiClient fresh = fixtures.client();
    assertThat(fresh.login(company.adminLoginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    return new Fixtures.TestCompany(
        company.id(), company.domain(), company.adminLoginId(), company.adminId(), fresh);
  }

  @Test
  void bearerTokenRequestsNeedNoCsrfToken() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "nishimura");
    ApiClient.Response token =
        member
            .client()
            .post("/api/v1/me/tokens", Map.of("name", "ci", "scopes", List.of("read", "write")));
    ApiClient bearer = fixtures.client().bearer(token.json().get("token").asString());
    ApiClient.Response r =
        bearer.sendRaw(
            "PATCH", "/api/v1/me", "{\"displayName\":\"西村 API\"}", "application/json", null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(member.client().get("/api/v1/me").json().get("displayName").asString())
        .isEqualTo("西村 API");
  }
}
