package dev.musubi.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@MusubiIntegrationTest
class SecurityHeadersIntegrationTests {

  @LocalServerPort int port;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  private static void assertHardened(ApiClient.Response r) {
    String csp = r.header("Content-Security-Policy");
    assertThat(csp).as("Content-Security-Policy").isNotNull();
    String scriptSrc =
        Arrays.stream(csp.split(";"))
            .map(String::trim)
            .filter(d -> d.startsWith("script-src"))
            .findFirst()
            .orElse(
                Arrays.stream(csp.split(";"))
                    .map(String::trim)
                    .filter(d -> d.startsWith("default-src"))
                    .findFirst()
                    .orElseThrow());
    assertThat(scriptSrc).doesNotContain("'unsafe-inline'").doesNotContain("'unsafe-eval'");
    assertThat(csp).contains("frame-ancestors 'none'").contains("object-src 'none'");
    assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(r.header("Referrer-Policy")).isNotBlank();
  }

  @Test
  void pagesAndApiResponsesCarryTheSecurityHeaders() {
    Fixtures.TestCompany company = fixtures.company();
    assertHardened(fixtures.client().get("/"));
    assertHardened(company.admin().get("/api/v1/me"));
    assertHardened(fixtures.client().get("/api/v1/me"));
    assertHardened(fixtures.client().login("x@example.jp", "nope-nope-nope"));
    ApiClient.Response me = company.admin().get("/api/v1/me");
    String cacheControl = me.header("Cache-Control");
    assertThat(cacheControl).as("API answers must not be cached").contains("no-store");
  }

  @Test
  void theSessionCookieIsHttpOnlyAndSameSiteLax() {
    Fixtures.TestCompany company = fixtures.company();
    ApiClient.Response login = fixtures.client().login(company.adminLoginId(), Fixtures.PASSWORD);
    List<String> cookies = login.raw().headers().allValues("Set-Cookie");
    String session =
        cookies.stream().filter(c -> c.startsWith("MUSUBI_SESSION=")).findFirst().orElseThrow();
    assertThat(session).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");
    assertThat(session).containsIgnoringCase("Path=/");
    assertThat(session)
        .doesNotContainIgnoringCase("Expires=")
        .doesNotContainIgnoringCase("Max-Age");
  }

  @Test
  void malformedJsonIsABadRequestProblem() {
    Fixtures.TestCompany company = fixtures.company();
    ApiClient.Response r =
        company
            .admin()
            .sendRaw(
                "POST",
                "/api/v1/admin/departments",
                "{\"name\": \"営業部\",",
                "application/json",
                company.admin().csrf());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("Content-Type")).as(r.body()).startsWith("application/problem+json");
    assertThat(r.problemType()).isEqualTo("bad-request");
  }

  @Test
  void malformedJsonIsABadRequestAndNeverAServerError() {
    Fixtures.TestCompany company = fixtures.company();
    for (String body :
        List.of("{\"name\": \"営業部\",", "[1,2", "null", "\"text\"", "{\"sortOrder\":\"x\"}")) {
      ApiClient.Response r =
          company
              .admin()
              .sendRaw(
                  "POST",
                  "/api/v1/admin/departments",
                  body,
                  "application/json",
                  company.admin().csrf());
      assertThat(r.status()).as(body + " -> " + r.body()).isBetween(400, 499);
    }
    assertThat(company.admin().get("/api/v1/admin/departments").json()).isEmpty();
  }

  @Test
  void aWrongContentTypeIsAnUnsupportedMediaTypeProblem() {
    Fixtures.TestCompany company = fixtures.company();
    ApiClient.Response r =
        company
            .admin()
            .sendRaw(
                "POST",
                "/api/v1/admin/departments",
                "name=営業部",
                "text/plain",
                company.admin().csrf());
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.header("Content-Type")).as(r.body()).startsWith("application/problem+json");
    assertThat(r.problemType()).isEqualTo("unsupported-media-type");
  }

  @Test
  void aWrongContentTypeIsRefusedAndChangesNothing() {
    Fixtures.TestCompany company = fixtures.company();
    ApiClient.Response r =
        company
            .admin()
            .sendRaw(
                "POST",
                "/api/v1/admin/departments",
                "name=営業部",
                "text/plain",
                company.admin().csrf());
    assertThat(r.status()).isEqualTo(415);
    assertThat(company.admin().get("/api/v1/admin/departments").json()).isEmpty();
  }

  @Test
  void aPathVariableThatIsNotAnIdIsNotFound() {
    Fixtures.TestCompany company = fixtures.company();
    for (String path :
        List.of(
            "/api/v1/admin/members/not-a-uuid",
            "/api/v1/admin/members/1%27%20OR%201=1",
            "/api/v1/admin/departments/123")) {
      ApiClient.Response r = company.admin().get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.problemType()).isEqualTo("not-found");
    }
    assertThat(company.admin().delete("/api/v1/me/tokens/zzz").status()).isEqualTo(404);
  }
}
