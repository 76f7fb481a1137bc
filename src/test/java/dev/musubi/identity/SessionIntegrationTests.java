package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.Policies;
import dev.musubi.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class SessionIntegrationTests {

  private static final String SESSION = "MUSUBI_SESSION";

  @LocalServerPort int port;
  @Autowired TestClock clock;
  @Autowired org.springframework.jdbc.core.simple.JdbcClient jdbc;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  /** A fresh client that presents only the given session cookie. */
  private ApiClient withCookie(String value) {
    ApiClient c = fixtures.client();
    c.setCookie(SESSION, value);
    return c;
  }

  private static String sessionCookieSetBy(ApiClient.Response r) {
    return r.raw().headers().allValues("Set-Cookie").stream()
        .filter(h -> h.startsWith(SESSION + "=") && !h.startsWith(SESSION + "=;"))
        .map(h -> h.substring(SESSION.length() + 1, h.indexOf(';')))
        .findFirst()
        .orElseThrow();
  }

  private String token(ApiClient client) {
    ApiClient.Response r =
        client.post("/api/v1/me/tokens", Map.of("name", "cli", "scopes", List.of("read", "write")));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("token").asString();
  }

  @Test
  void signInReplacesAPlantedSessionCookie() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "kimura");
    String planted = "planted-by-an-attacker-0123456789abcdef";
    ApiClient victim = withCookie(planted);
    ApiClient.Response login = victim.login(member.loginId(), Fixtures.PASSWORD);
    assertThat(login.status()).isEqualTo(200);
    String issued = sessionCookieSetBy(login);
    assertThat(issued).isNotEmpty().isNotEqualTo(planted);
    assertThat(withCookie(issued).get("/api/v1/me").status()).isEqualTo(200);
    assertThat(withCookie(planted).get("/api/v1/me").status()).isEqualTo(401);
  }

  @Test
  void signInAlwaysIssuesANewSessionEvenWhenAlreadySignedIn() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "hayashi");
    String before = member.client().cookie(SESSION);
    assertThat(member.client().login(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    assertThat(member.client().cookie(SESSION)).isNotEqualTo(before);
  }

  @Test
  void signingOutEndsTheSession() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "shimizu");
    String cookie = member.client().cookie(SESSION);
    ApiClient.Response out = member.client().post("/api/v1/auth/logout", null);
    assertThat(out.status()).isEqualTo(204);
    assertThat(member.client().get("/api/v1/me").status()).isEqualTo(401);
    ApiClient.Response replay = withCookie(cookie).get("/api/v1/me");
    assertThat(replay.status()).isEqualTo(401);
    assertThat(replay.problemType()).isEqualTo("unauthenticated");
  }

  @Test
  void anIdleSessionEnds() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "yamaguchi");
    clock.advance(Duration.ofMinutes(59));
    assertThat(member.client().get("/api/v1/me").status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(59));
    assertThat(member.client().get("/api/v1/me").status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(61));
    assertThat(member.client().get("/api/v1/me").status()).isEqualTo(401);
  }

  @Test
  void aSessionEndsAtItsAbsoluteLimitEvenWhenActive() {
    Fixtures.TestCompany company = fixtures.company();
    Policies.update(
        company.admin(), Map.of("sessionIdleMinutes", 60, "sessionAbsoluteMinutes", 120));
    Fixtures.TestMember member = fixtures.member(company, "matsumoto");
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofMinutes(39));
      assertThat(member.client().get("/api/v1/me").status()).isEqualTo(200);
    }
    clock.advance(Duration.ofMinutes(4));
    assertThat(member.client().get("/api/v1/me").status()).isEqualTo(401);
  }

  @Test
  void aMemberSeesTheirSessionsAndCanEndOne() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "inoue");
    ApiClient laptop = fixtures.client().header("User-Agent", "laptop-browser");
    assertThat(laptop.login(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);

    JsonNode sessions = member.client().get("/api/v1/me/sessions").json();
    assertThat(sessions).hasSize(2);
    JsonNode other = null;
    for (JsonNode s : sessions) {
      if (!s.get("current").asBoolean()) {
        other = s;
      }
    }
    assertThat(other).isNotNull();
    assertThat(other.get("userAgent").asString()).isEqualTo("laptop-browser");
    ApiClient.Response end =
        member.client().delete("/api/v1/me/sessions/" + other.get("id").asString());
    assertThat(end.status()).isEqualTo(204);
    assertThat(laptop.get("/api/v1/me").status()).isEqualTo(401);
    assertThat(member.client().get("/api/v1/me").status()).isEqualTo(200);
    assertThat(member.client().get("/api/v1/me/sessions").json()).hasSize(1);
  }

  @Test
  void suspendingAMemberEndsTheirSessionsAndTokensAtOnce() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "kobayashi");
    String token = token(member.client());
    ApiClient bearer = fixtures.client().bearer(token);
    assertThat(bearer.get("/api/v1/me").status()).isEqualTo(200);

    assertThat(
            company
                .admin()
                .post("/api/v1/admin/members/" + member.id() + "/suspend", null)
                .status())
        .isEqualTo(200);
    assertThat(member.client().get("/api/v1/me").status()).isEqualTo(401);
    assertThat(bearer.get("/api/v1/me").status()).isEqualTo(401);
    ApiClient.Response wrong = fixtures.client().login(member.loginId(), "Wrong-password-123");
    ApiClient.Response right = fixtures.client().login(member.loginId(), Fixtures.PASSWORD);
    assertThat(right.status()).isEqualTo(401);
    assertThat(right.body()).isEqualTo(wrong.body());

    assertThat(
            company.admin().post("/api/v1/admin/members/" + member.id() + "/resume", null).status())
        .isEqualTo(200);
    ApiClient again = fixtures.client();
    assertThat(again.login(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    assertThat(again.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void rolesGrantedOrTakenApplyToASignedInSessionAtItsNextRequest() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "ueda");
    String members = "/api/v1/admin/members";
    assertThat(member.client().get(members).status()).isEqualTo(403);

    ApiClient.Response granted =
        company
            .admin()
            .patch(members + "/" + member.id(), Map.of("roles", List.of("member_admin")));
    assertThat(granted.status()).as(granted.body()).isEqualTo(200);
    assertThat(member.client().get(members).status()).isEqualTo(200);

    ApiClient.Response taken =
        company.admin().patch(members + "/" + member.id(), Map.of("roles", List.of()));
    assertThat(taken.status()).as(taken.body()).isEqualTo(200);
    assertThat(member.client().get(members).status()).isEqualTo(403);
    assertThat(member.client().get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void changingThePasswordEndsOtherSessionsAndTokensButKeepsThisOne() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "yamazaki");
    ApiClient phone = fixtures.client();
    assertThat(phone.login(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    ApiClient bearer = fixtures.client().bearer(token(member.client()));

    String next = "Atarashii-Kagi-2026!";
    ApiClient.Response change =
        member
            .client()
            .post(
                "/api/v1/me/password",
                Map.of("currentPassword", Fixtures.PASSWORD, "newPassword", next));
    assertThat(change.status()).as(change.body()).isEqualTo(204);
    assertThat(member.client().get("/api/v1/me").status()).isEqualTo(200);
    assertThat(phone.get("/api/v1/me").status()).isEqualTo(401);
    assertThat(bearer.get("/api/v1/me").status()).isEqualTo(401);
    assertThat(fixtures.client().login(member.loginId(), Fixtures.PASSWORD).status())
        .isEqualTo(401);
    assertThat(fixtures.client().login(member.loginId(), next).status()).isEqualTo(200);
  }

  @Test
  void anAddressOutsideTheAllowlistIsRefusedEverywhere() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "kitamura");
    ApiClient bearer = fixtures.client().bearer(token(member.client()));
    ApiClient.Response wrong = fixtures.client().login(member.loginId(), "Wrong-password-123");
    // The API refuses an allowlist that leaves out the admin's own address (every test client is
    // 127.0.0.1; see SecurityMonitoringIntegrationTests), so it is written directly here.
    jdbc.sql("UPDATE security_policy SET ip_allowlist = ? WHERE tenant_id = ?")
        .params("192.0.2.0/24", company.id())
        .update();

    ApiClient.Response session = member.client().get("/api/v1/me");
    assertThat(session.status()).isEqualTo(403);
    assertThat(session.problemType()).isEqualTo("ip-not-allowed");
    assertThat(bearer.get("/api/v1/me").status()).isEqualTo(403);
    ApiClient.Response login = fixtures.client().login(member.loginId(), Fixtures.PASSWORD);
    assertThat(login.status()).isEqualTo(401);
    assertThat(login.body()).isEqualTo(wrong.body());
    assertThat(company.admin().get("/api/v1/admin/audit").status()).isEqualTo(403);
  }

  @Test
  void aMemberCannotEndAColleaguesSessionOrToken() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember alice = fixtures.member(company, "arisu");
    Fixtures.TestMember bob = fixtures.member(company, "bobu");
    String bobSession = bob.client().get("/api/v1/me/sessions").json().get(0).get("id").asString();
    ApiClient.Response t =
        bob.client().post("/api/v1/me/tokens", Map.of("name", "x", "scopes", List.of("read")));
    String bobToken = t.json().get("id").asString();
    assertThat(alice.client().delete("/api/v1/me/sessions/" + bobSession).status()).isEqualTo(404);
    assertThat(alice.client().delete("/api/v1/me/tokens/" + bobToken).status()).isEqualTo(404);
    assertThat(bob.client().get("/api/v1/me").status()).isEqualTo(200);
    assertThat(
            fixtures.client().bearer(t.json().get("token").asString()).get("/api/v1/me").status())
        .isEqualTo(200);
  }

  @Test
  void aWrongCurrentPasswordChangesNothing() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "sasaki");
    ApiClient phone = fixtures.client();
    assertThat(phone.login(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    ApiClient.Response change =
        member
            .client()
            .post(
                "/api/v1/me/password",
                Map.of(
                    "currentPassword", "Not-my-password-1", "newPassword", "Atarashii-Kagi-2026!"));
    assertThat(change.status()).isEqualTo(422);
    assertThat(change.json().get("errors").get(0).get("field").asString())
        .isEqualTo("currentPassword");
    assertThat(phone.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(fixtures.client().login(member.loginId(), Fixtures.PASSWORD).status())
        .isEqualTo(200);
  }
}
