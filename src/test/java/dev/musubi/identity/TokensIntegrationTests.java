package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class TokensIntegrationTests {

  @LocalServerPort int port;
  @Autowired TestClock clock;
  @Autowired JdbcClient jdbc;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  private JsonNode create(ApiClient client, List<String> scopes, Integer days) {
    Map<String, Object> body =
        days == null
            ? Map.of("name", "スクリプト", "scopes", scopes)
            : Map.of("name", "スクリプト", "scopes", scopes, "expiresInDays", days);
    ApiClient.Response r = client.post("/api/v1/me/tokens", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  @Test
  void aTokenIsShownOnceAndWorksAsABearer() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "mori");
    JsonNode created = create(member.client(), List.of("read", "write"), 30);
    String token = created.get("token").asString();
    assertThat(token).startsWith("mus_");

    ApiClient.Response list = member.client().get("/api/v1/me/tokens");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body()).doesNotContain(token).contains(created.get("id").asString());
    assertThat(list.json().get(0).has("token")).isFalse();

    ApiClient bearer = fixtures.client().bearer(token);
    ApiClient.Response me = bearer.get("/api/v1/me");
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("loginId").asString()).isEqualTo(member.loginId());
    assertThat(bearer.patch("/api/v1/me", Map.of("displayName", "森 さん")).status()).isEqualTo(200);
  }

  @Test
  void aReadTokenCanReadButNotWrite() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "abe");
    ApiClient bearer =
        fixtures
            .client()
            .bearer(create(member.client(), List.of("read"), null).get("token").asString());
    assertThat(bearer.get("/api/v1/directory/members").status()).isEqualTo(200);
    ApiClient.Response write = bearer.patch("/api/v1/me", Map.of("displayName", "変更"));
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.problemType()).isEqualTo("insufficient-scope");
    assertThat(member.client().get("/api/v1/me").json().get("displayName").asString())
        .isNotEqualTo("変更");
  }

  @Test
  void aTokenCannotManageCredentials() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "ikeda");
    ApiClient bearer =
        fixtures
            .client()
            .bearer(
                create(member.client(), List.of("read", "write"), null).get("token").asString());
    List<ApiClient.Response> refused =
        List.of(
            bearer.get("/api/v1/me/tokens"),
            bearer.post("/api/v1/me/tokens", Map.of("name", "another", "scopes", List.of("read"))),
            bearer.post(
                "/api/v1/me/password",
                Map.of(
                    "currentPassword", Fixtures.PASSWORD, "newPassword", "Atarashii-Kagi-2026!")),
            bearer.post("/api/v1/me/mfa/totp/setup", null),
            bearer.get("/api/v1/me/sessions"));
    for (ApiClient.Response r : refused) {
      assertThat(r.status()).as(r.body()).isEqualTo(403);
    }
    assertThat(member.client().get("/api/v1/me/tokens").json()).hasSize(1);
    assertThat(fixtures.client().login(member.loginId(), Fixtures.PASSWORD).status())
        .isEqualTo(200);
  }

  @Test
  void tokenRequestsOutsideTheRulesAreRefused() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "hirano");
    List<Map<String, Object>> bad =
        List.of(
            Map.of("name", "x", "scopes", List.of("admin")),
            Map.of("name", "x", "scopes", List.of("read"), "expiresInDays", 0),
            Map.of("name", "x", "scopes", List.of("read"), "expiresInDays", 366),
            Map.of("name", " ", "scopes", List.of("read")));
    for (Map<String, Object> body : bad) {
      ApiClient.Response r = member.client().post("/api/v1/me/tokens", body);
      assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(422);
    }
    assertThat(member.client().get("/api/v1/me/tokens").json()).isEmpty();
  }

  @Test
  void aRevokedTokenNoLongerWorks() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "ishikawa");
    JsonNode created = create(member.client(), List.of("read"), null);
    ApiClient bearer = fixtures.client().bearer(created.get("token").asString());
    assertThat(bearer.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(member.client().delete("/api/v1/me/tokens/" + created.get("id").asString()).status())
        .isEqualTo(204);
    ApiClient.Response r = bearer.get("/api/v1/me");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.problemType()).isEqualTo("unauthenticated");
    assertThat(member.client().delete("/api/v1/me/tokens/" + created.get("id").asString()).status())
        .isEqualTo(404);
  }

  @Test
  void anExpiredTokenNoLongerWorks() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "maeda");
    ApiClient bearer =
        fixtures
            .client()
            .bearer(create(member.client(), List.of("read"), 1).get("token").asString());
    clock.advance(Duration.ofHours(23));
    assertThat(bearer.get("/api/v1/me").status()).isEqualTo(200);
    clock.advance(Duration.ofHours(2));
    assertThat(bearer.get("/api/v1/me").status()).isEqualTo(401);
  }

  @Test
  void onlyAHashOfTheTokenIsStored() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "fujii");
    JsonNode created = create(member.client(), List.of("read"), null);
    String token = created.get("token").asString();
    List<String> stored =
        jdbc.sql("SELECT token_hash FROM access_token WHERE id = ?")
            .param(UUID.fromString(created.get("id").asString()))
            .query(String.class)
            .list();
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0)).isNotEqualTo(token).doesNotContain(token.substring(4)).hasSize(64);
    // Nor is the session secret stored as it is in the cookie.
    String cookie = member.client().cookie("MUSUBI_SESSION");
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM auth_session WHERE token_hash = ?")
                .param(cookie)
                .query(Long.class)
                .single())
        .isZero();
  }

  @Test
  void aGarbageBearerIsUnauthenticated() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "okada");
    for (String garbage :
        List.of("nonsense", "mus_" + "A".repeat(43), "x".repeat(5000), "mus_' OR '1'='1")) {
      ApiClient.Response r = fixtures.client().bearer(garbage).get("/api/v1/me");
      assertThat(r.status()).as(garbage).isEqualTo(401);
      assertThat(r.problemType()).isEqualTo("unauthenticated");
    }
    // A bearer header wins over the cookie: a bad token with a good session is still refused.
    assertThat(member.client().bearer("nonsense").get("/api/v1/me").status()).isEqualTo(401);
  }
}
