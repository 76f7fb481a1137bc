package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.Policies;
import dev.musubi.testing.TestClock;
import dev.musubi.testing.TotpCodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** HTTP Basic on /dav/: password, app password, two-step rule, lockout, no cookie sessions. */
@MusubiIntegrationTest
class DavBasicAuthIntegrationTests {

  @LocalServerPort int port;
  @Autowired TestClock clock;
  @Autowired JdbcClient jdbc;
  Fixtures fixtures;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  private HttpResponse<String> propfind(String user, String password) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/dav/probe/"))
            .method("PROPFIND", HttpRequest.BodyPublishers.noBody())
            .header("Depth", "0");
    if (user != null) {
      String pair = user + ":" + password;
      b.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withoutCredentialsTheClientIsChallenged() throws Exception {
    HttpResponse<String> r = propfind(null, null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm=\"Musubi\""));
  }

  @Test
  void thePasswordSignsInAndAWrongOneIsRefusedAndAudited() throws Exception {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "dav1");
    assertThat(propfind(member.loginId(), Fixtures.PASSWORD).statusCode()).isNotIn(401, 403);
    // Remembered: the second request is answered the same way.
    assertThat(propfind(member.loginId(), Fixtures.PASSWORD).statusCode()).isNotIn(401, 403);
    HttpResponse<String> wrong = propfind(member.loginId(), "Not-the-password-1");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("bad-credentials");
    Integer failures =
        jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE tenant_id = ? AND action = 'LOGIN_FAILED'")
            .param(company.id())
            .query(Integer.class)
            .single();
    assertThat(failures).isPositive();
    assertThat(propfind("kanri@" + company.domain(), "\u0000").statusCode()).isEqualTo(401);
  }

  @Test
  void malformedCredentialsAreRefused() throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/dav/probe/"))
            .method("PROPFIND", HttpRequest.BodyPublishers.noBody())
            .header("Authorization", "Basic %%%not-base64")
            .build();
    assertThat(http.send(r, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
  }

  @Test
  void aBrowserSessionCookieDoesNotReachDav() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "dav2");
    ApiClient.Response r = member.client().send("PROPFIND", "/dav/probe/", null);
    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void withTwoStepVerificationOnlyAnAppPasswordWorks() throws Exception {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "dav3");
    Fixtures.TestMember other = fixtures.member(company, "dav4");
    ApiClient.Response setup = member.client().post("/api/v1/me/mfa/totp/setup", null);
    String secret = setup.json().get("secret").asString();
    assertThat(
            member
                .client()
                .post(
                    "/api/v1/me/mfa/totp/activate",
                    Map.of("code", TotpCodes.at(secret, clock.instant())))
                .status())
        .isEqualTo(200);

    HttpResponse<String> refused = propfind(member.loginId(), Fixtures.PASSWORD);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("app-password-required");

    ApiClient.Response token =
        member
            .client()
            .post(
                "/api/v1/me/tokens",
                Map.of("name", "Thunderbird", "scopes", List.of("read", "write")));
    assertThat(token.status()).as(token.body()).isEqualTo(201);
    String appPassword = token.json().get("token").asString();
    assertThat(propfind(member.loginId(), appPassword).statusCode()).isNotIn(401, 403);
    // Someone else's login ID with this app password is refused.
    assertThat(propfind(other.loginId(), appPassword).statusCode()).isEqualTo(401);
  }

  @Test
  void whenTheCompanyRequiresTwoStepThePasswordAloneIsRefused() throws Exception {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "dav5");
    Policies.update(company.admin(), Map.of("mfaRequirement", "all"));
    assertThat(propfind(member.loginId(), Fixtures.PASSWORD).body())
        .contains("app-password-required");
  }

  @Test
  void repeatedWrongPasswordsLockTheAccountForDavToo() throws Exception {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "dav6");
    Policies.update(company.admin(), Map.of("lockoutThreshold", 3));
    for (int i = 0; i < 3; i++) {
      assertThat(propfind(member.loginId(), "Wrong-password-" + i).statusCode()).isEqualTo(401);
    }
    assertThat(propfind(member.loginId(), Fixtures.PASSWORD).statusCode()).isIn(401, 429);
    ApiClient fresh = fixtures.client();
    assertThat(fresh.login(member.loginId(), Fixtures.PASSWORD).status()).isNotEqualTo(200);
  }

  @Test
  void aSuspendedMemberIsRefusedEvenWhenRemembered() throws Exception {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "dav7");
    assertThat(propfind(member.loginId(), Fixtures.PASSWORD).statusCode()).isNotIn(401, 403);
    ApiClient.Response s =
        company.admin().post("/api/v1/admin/members/" + member.id() + "/suspend", null);
    assertThat(s.status()).as(s.body()).isEqualTo(200);
    assertThat(propfind(member.loginId(), Fixtures.PASSWORD).statusCode()).isEqualTo(401);
  }
}
