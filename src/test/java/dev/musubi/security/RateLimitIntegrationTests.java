package dev.musubi.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.TestClockConfiguration;
import dev.musubi.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * The API answers 429 with Retry-After once a member, or an address nobody signed in from, sends
 * more than the configured rate; one member's flood does not slow down a colleague.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "musubi.rate-limit.member-per-minute=30",
      "musubi.rate-limit.anonymous-per-minute=40"
    })
@ActiveProfiles("test")
@ContextConfiguration(initializers = TestDatabase.class)
@Import(TestClockConfiguration.class)
class RateLimitIntegrationTests {

  @LocalServerPort int port;

  /** Sends GETs until a 429 comes back; returns it, or the last answer after {@code max}. */
  private static ApiClient.Response flood(ApiClient client, String path, int max) {
    ApiClient.Response r = null;
    for (int i = 0; i < max; i++) {
      r = client.get(path);
      if (r.status() == 429) {
        return r;
      }
    }
    return r;
  }

  @Test
  void aFloodIsRefusedPerMemberAndPerAddressWithRetryAfter() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient sato = fixtures.member(company, "sato").client();
    ApiClient suzuki = fixtures.member(company, "suzuki").client();

    // Sato floods: refused within the bucket's size, with a clear problem and Retry-After.
    ApiClient.Response refused = flood(sato, "/api/v1/me", 40);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.problemType()).isEqualTo("rate-limited");
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.body()).doesNotContain("sato");

    // Suzuki, signed in from the same address, is not held back by Sato.
    assertThat(suzuki.get("/api/v1/me").status()).isEqualTo(200);

    // Without signing in, the address is limited: 401s until the bucket is empty, then 429.
    ApiClient anonymous = fixtures.client();
    ApiClient.Response anon = flood(anonymous, "/api/v1/me", 60);
    assertThat(anon.status()).isEqualTo(429);
    assertThat(anon.header("Retry-After")).isNotNull();
    // The web client's own files are never limited.
    assertThat(anonymous.get("/app/main.js").status()).isEqualTo(200);
    // Signed-in members carry on.
    assertThat(suzuki.get("/api/v1/me").status()).isEqualTo(200);
  }
}
