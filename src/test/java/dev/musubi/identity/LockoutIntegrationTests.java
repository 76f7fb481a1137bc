package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class LockoutIntegrationTests {

  private static final String WRONG = "Sora-no-shita-99?";

  @LocalServerPort int port;
  @Autowired TestClock clock;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  private ApiClient.Response attempt(String loginId, String password) {
    return fixtures.client().login(loginId, password);
  }

  private void failFiveTimes(String loginId) {
    for (int i = 0; i < 5; i++) {
      ApiClient.Response r = attempt(loginId, WRONG + i);
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.problemType()).isEqualTo("bad-credentials");
    }
  }

  @Test
  void repeatedWrongPasswordsAreRefusedAs401() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "okubo");
    for (int i = 0; i < 3; i++) {
      ApiClient.Response r = attempt(member.loginId(), WRONG);
      assertThat(r.status()).as("attempt %d: %s", i + 1, r.body()).isEqualTo(401);
    }
    assertThat(attempt(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void lockoutDoesNotRevealThatTheAccountIsLocked() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "tanaka");
    ApiClient.Response wrong = attempt(member.loginId(), WRONG);
    for (int i = 0; i < 4; i++) {
      attempt(member.loginId(), WRONG);
    }
    ApiClient.Response rightButLocked = attempt(member.loginId(), Fixtures.PASSWORD);
    assertThat(rightButLocked.status()).isEqualTo(401);
    assertThat(rightButLocked.body()).isEqualTo(wrong.body());
    assertThat(rightButLocked.header("Retry-After")).isNull();
    assertThat(rightButLocked.header("Set-Cookie")).isNull();
  }

  @Test
  void theLockEndsAfterItsDurationAndDoublesWhenRepeated() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "kato");
    failFiveTimes(member.loginId());
    assertThat(attempt(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(401);
    clock.advance(Duration.ofSeconds(61));
    // Locked again at once: the second lock lasts twice as long.
    failFiveTimes(member.loginId());
    clock.advance(Duration.ofSeconds(61));
    assertThat(attempt(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(401);
    clock.advance(Duration.ofSeconds(60));
    assertThat(attempt(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void theRightPasswordGetsInOnceTheLockHasPassed() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "ito");
    failFiveTimes(member.loginId());
    clock.advance(Duration.ofSeconds(30));
    assertThat(attempt(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(401);
    clock.advance(Duration.ofSeconds(31));
    ApiClient c = fixtures.client();
    assertThat(c.login(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    assertThat(c.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void aSuccessfulSignInResetsTheFailureCount() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "watanabe");
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 4; i++) {
        assertThat(attempt(member.loginId(), WRONG).status()).isEqualTo(401);
      }
      assertThat(attempt(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    }
    assertThat(attempt(member.loginId(), WRONG).status()).isEqualTo(401);
    assertThat(attempt(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void anUnknownLoginIdLocksInTheSameWay() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "nakamura");
    String unknown = "nakamur4@" + company.domain();
    for (int i = 0; i < 5; i++) {
      ApiClient.Response known = attempt(member.loginId(), WRONG);
      ApiClient.Response nobody = attempt(unknown, WRONG);
      assertThat(nobody.status()).isEqualTo(known.status()).isEqualTo(401);
      assertThat(nobody.body()).isEqualTo(known.body());
    }
    ApiClient.Response known = attempt(member.loginId(), Fixtures.PASSWORD);
    ApiClient.Response nobody = attempt(unknown, Fixtures.PASSWORD);
    assertThat(nobody.body()).isEqualTo(known.body());
    JsonNode locked =
        company.admin().get("/api/v1/admin/audit?action=LOGIN_LOCKED&size=50").json().get("items");
    assertThat(locked.findValuesAsString("actorLogin")).contains(member.loginId(), unknown);
    clock.advance(Duration.ofSeconds(61));
    assertThat(attempt(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void failuresAndLocksAreAuditedWithTheirReasonButNeverThePassword() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "yoshida");
    String secretGuess = "Himitsu-no-Aikotoba-77";
    for (int i = 0; i < 5; i++) {
      attempt(member.loginId(), secretGuess + i);
    }
    attempt(member.loginId(), Fixtures.PASSWORD);
    attempt("daremo@" + company.domain(), secretGuess);

    JsonNode failed =
        company
            .admin()
            .get("/api/v1/admin/audit?action=LOGIN_FAILED&outcome=failure&size=100")
            .json()
            .get("items");
    assertThat(failed.findValuesAsString("reason"))
        .contains("bad_password", "locked", "unknown_login");
    JsonNode locked =
        company.admin().get("/api/v1/admin/audit?action=LOGIN_LOCKED").json().get("items");
    assertThat(locked).hasSize(1);
    assertThat(locked.get(0).get("actorLogin").asString()).isEqualTo(member.loginId());
    assertThat(locked.get(0).get("ip").asString()).isEqualTo("127.0.0.1");

    String everything = company.admin().get("/api/v1/admin/audit?size=200").body();
    String export = company.admin().get("/api/v1/admin/audit/export").body();
    for (String text : new String[] {everything, export}) {
      assertThat(text).doesNotContain(secretGuess).doesNotContain(Fixtures.PASSWORD);
    }
    assertThat(export).contains("LOGIN_LOCKED");
  }

  @Test
  void oneAddressWithTooManyFailuresIsRateLimited() {
    Fixtures.TestCompany company = fixtures.company();
    ApiClient client = fixtures.client();
    try {
      for (int i = 0; i < 50; i++) {
        ApiClient.Response r = client.login("guess" + i + "@" + company.domain(), WRONG);
        assertThat(r.status()).as("attempt %d", i + 1).isEqualTo(401);
      }
      ApiClient.Response limited = client.login(company.adminLoginId(), Fixtures.PASSWORD);
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.problemType()).isEqualTo("rate-limited");
      assertThat(limited.header("Content-Type")).startsWith("application/problem+json");
      long retryAfter = Long.parseLong(limited.header("Retry-After"));
      assertThat(retryAfter).isBetween(1L, 15 * 60L + 1);
      assertThat(client.login("guess-more@" + company.domain(), WRONG).status()).isEqualTo(429);
    } finally {
      // The throttle is in memory and keyed on 127.0.0.1: clear it for every other test.
      clock.advance(Duration.ofMinutes(16));
      assertThat(client.login(company.adminLoginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    }
  }
}
