package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@MusubiIntegrationTest
class SignInIntegrationTests {

  @LocalServerPort int port;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @Test
  void signedInAdminSeesTheirAccountAndCompany() {
    Fixtures.TestCompany company = fixtures.company();
    ApiClient.Response me = company.admin().get("/api/v1/me");
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("loginId").asString()).isEqualTo(company.adminLoginId());
    assertThat(me.json().get("company").get("domain").asString()).isEqualTo(company.domain());
    assertThat(me.json().get("roles").toString()).contains("super_admin");
  }

  @Test
  void wrongPasswordAndUnknownIdGiveTheSameProblem() {
    Fixtures.TestCompany company = fixtures.company();
    ApiClient.Response wrong =
        fixtures.client().login(company.adminLoginId(), "Not-the-password-1");
    ApiClient.Response unknown =
        fixtures.client().login("nobody@" + company.domain(), "Not-the-password-1");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(wrong.body().replace("\"instance\":\"/api/v1/auth/login\"", ""))
        .isEqualTo(unknown.body().replace("\"instance\":\"/api/v1/auth/login\"", ""));
    assertThat(wrong.header("Content-Type")).startsWith("application/problem+json");
  }
}
