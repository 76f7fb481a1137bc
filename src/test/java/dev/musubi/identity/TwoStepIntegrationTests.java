package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.Policies;
import dev.musubi.testing.TestClock;
import dev.musubi.testing.TotpCodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class TwoStepIntegrationTests {

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

  /** A member with TOTP switched on. */
  record Enrolled(
      Fixtures.TestCompany company,
      Fixtures.TestMember member,
      String secret,
      List<String> recoveryCodes) {}

  private Enrolled enrol(String local, String... roles) {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, local, roles);
    ApiClient.Response setup = member.client().post("/api/v1/me/mfa/totp/setup", null);
    assertThat(setup.status()).as(setup.body()).isEqualTo(200);
    String secret = setup.json().get("secret").asString();
    assertThat(setup.json().get("otpauthUri").asString())
        .startsWith("otpauth://totp/")
        .contains(secret);
    assertThat(setup.json().get("qrSvg").asString()).isNotEmpty();
    ApiClient.Response activate =
        member
            .client()
            .post(
                "/api/v1/me/mfa/totp/activate",
                Map.of("code", TotpCodes.at(secret, clock.instant())));
    assertThat(activate.status()).as(activate.body()).isEqualTo(200);
    List<String> codes = new ArrayList<>();
    activate.json().get("recoveryCodes").forEach(c -> codes.add(c.asString()));
    assertThat(codes).hasSize(10).doesNotHaveDuplicates();
    assertThat(member.client().get("/api/v1/me").json().get("mfa").get("totpEnabled").asBoolean())
        .isTrue();
    return new Enrolled(company, member, secret, codes);
  }

  private static Map<String, Object> policyWith(ApiClient admin, Map<String, Object> changes) {
    Map<String, Object> policy = new java.util.LinkedHashMap<>();
    admin
        .get("/api/v1/admin/security-settings")
        .json()
        .properties()
        .forEach(x -> policy.put(x.getKey(), x.getValue()));
    policy.putAll(changes);
    return policy;
  }

  /** A code the server has not seen yet: the next step is within the allowed drift. */
  private String nextCode(String secret) {
    return TotpCodes.at(secret, clock.instant().plusSeconds(30));
  }

  private ApiClient passwordStep(Enrolled e) {
    ApiClient c = fixtures.client();
    ApiClient.Response r = c.login(e.member().loginId(), Fixtures.PASSWORD);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("status").asString()).isEqualTo("mfa_required");
    return c;
  }

  @Test
  void onlyTheSecondFactorsTheCompanyAllowsCanBeSetUpAndUsed() {
    Enrolled e = enrol("matsumoto", "security_admin");
    ApiClient admin = e.company().admin();
    ApiClient.Response lockout =
        e.member()
            .client()
            .put(
                "/api/v1/admin/security-settings",
                policyWith(e.member().client(), Map.of("mfaMethods", List.of("passkey"))));
    assertThat(lockout.status()).as("the TOTP-only admin would lock themselves out").isEqualTo(422);
    assertThat(lockout.body()).contains("mfaMethods").contains("excludes_you");
    Fixtures.TestMember other = fixtures.member(e.company(), "yamada");
    assertThat(other.client().post("/webauthn/register/options", null).status()).isEqualTo(200);
    ApiClient halfway = passwordStep(e);

    Policies.update(admin, Map.of("mfaMethods", List.of("passkey")));
    ApiClient.Response code =
        halfway.post("/api/v1/auth/mfa", Map.of("code", nextCode(e.secret())));
    assertThat(code.status()).isEqualTo(403);
    assertThat(code.problemType()).isEqualTo("mfa-method-not-allowed");
    ApiClient.Response password = fixtures.client().login(e.member().loginId(), Fixtures.PASSWORD);
    assertThat(password.status()).as("the password alone is not enough").isEqualTo(403);
    assertThat(password.problemType()).isEqualTo("mfa-method-not-allowed");
    assertThat(password.json().get("detail").asString()).contains("Authenticator apps");
    ApiClient.Response setup = other.client().post("/api/v1/me/mfa/totp/setup", null);
    assertThat(setup.status()).isEqualTo(403);
    assertThat(setup.problemType()).isEqualTo("mfa-method-not-allowed");
    assertThat(other.client().get("/api/v1/me").json().get("mfa").get("allowedMethods").toString())
        .isEqualTo("[\"passkey\"]");
    JsonNode refused =
        admin.get("/api/v1/admin/audit?action=MFA_FAILED").json().get("items").get(0);
    assertThat(refused.get("detail").get("reason").asString()).isEqualTo("method_not_allowed");

    Policies.update(admin, Map.of("mfaMethods", List.of("totp")));
    ApiClient.Response passkey = other.client().post("/webauthn/register/options", null);
    assertThat(passkey.status()).isEqualTo(403);
    assertThat(passkey.problemType()).isEqualTo("mfa-method-not-allowed");
    assertThat(
            passwordStep(e).post("/api/v1/auth/mfa", Map.of("code", nextCode(e.secret()))).status())
        .isEqualTo(200);
  }

  @Test
  void signInAsksForTheSecondFactorAndIssuesANewSession() {
    Enrolled e = enrol("takahashi");
    ApiClient c = passwordStep(e);
    String halfway = c.cookie("MUSUBI_SESSION");
    assertThat(c.get("/api/v1/me").status()).as("half signed in is not signed in").isEqualTo(401);

    ApiClient.Response wrong =
        c.post(
            "/api/v1/auth/mfa",
            Map.of("code", TotpCodes.at(e.secret(), clock.instant().plusSeconds(600))));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.problemType()).isEqualTo("bad-credentials");

    c.setCookie("MUSUBI_SESSION", halfway);
    ApiClient.Response ok = c.post("/api/v1/auth/mfa", Map.of("code", nextCode(e.secret())));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().get("status").asString()).isEqualTo("ok");
    String full =
        ok.raw().headers().allValues("Set-Cookie").stream()
            .filter(h -> h.startsWith("MUSUBI_SESSION=") && !h.startsWith("MUSUBI_SESSION=;"))
            .map(h -> h.substring("MUSUBI_SESSION=".length(), h.indexOf(';')))
            .findFirst()
            .orElseThrow();
    assertThat(full).isNotEqualTo(halfway);
    ApiClient signedIn = fixtures.client();
    signedIn.setCookie("MUSUBI_SESSION", full);
    assertThat(signedIn.get("/api/v1/me").status()).isEqualTo(200);
    ApiClient stale = fixtures.client();
    stale.setCookie("MUSUBI_SESSION", halfway);
    assertThat(stale.post("/api/v1/auth/mfa", Map.of("code", nextCode(e.secret()))).status())
        .isEqualTo(401);
  }

  @Test
  void aMistypedCodeCanBeCorrectedInTheSameSignIn() {
    Enrolled e = enrol("kondo");
    ApiClient c = passwordStep(e);
    ApiClient.Response wrong =
        c.post(
            "/api/v1/auth/mfa",
            Map.of("code", TotpCodes.at(e.secret(), clock.instant().plusSeconds(600))));
    assertThat(wrong.status()).isEqualTo(401);
    // The browser keeps whatever cookie the 401 left it; the member types the right code.
    ApiClient.Response retry = c.post("/api/v1/auth/mfa", Map.of("code", nextCode(e.secret())));
    assertThat(retry.status()).as(retry.body()).isEqualTo(200);
    assertThat(c.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void wrongCodesLockTheAccountEvenWhenThePasswordStepIsRepeated() {
    Enrolled e = enrol("kubo");
    int wrongCodes = 0;
    for (int round = 0; round < 3; round++) {
      ApiClient c = fixtures.client();
      if (c.login(e.member().loginId(), Fixtures.PASSWORD).status() != 200) {
        break; // locked: the password step is refused, as it should be
      }
      String halfway = c.cookie("MUSUBI_SESSION");
      for (int i = 0; i < 4; i++) {
        c.setCookie("MUSUBI_SESSION", halfway);
        String wrong =
            TotpCodes.at(e.secret(), clock.instant().plusSeconds(600 + 30L * wrongCodes));
        assertThat(c.post("/api/v1/auth/mfa", Map.of("code", wrong)).status()).isEqualTo(401);
        wrongCodes++;
      }
    }
    // Twelve wrong second factors: a correct one must not be accepted now.
    ApiClient c = fixtures.client();
    ApiClient.Response password = c.login(e.member().loginId(), Fixtures.PASSWORD);
    if (password.status() == 200) {
      ApiClient.Response code = c.post("/api/v1/auth/mfa", Map.of("code", nextCode(e.secret())));
      assertThat(code.status())
          .as("after %d wrong codes the right code still signs in", wrongCodes)
          .isEqualTo(401);
    }
    clock.advance(Duration.ofHours(1));
    assertThat(fixtures.client().login(e.member().loginId(), Fixtures.PASSWORD).status())
        .isEqualTo(200);
  }

  @Test
  void aCodeCannotBeUsedTwice() {
    Enrolled e = enrol("nakajima");
    String code = nextCode(e.secret());
    assertThat(passwordStep(e).post("/api/v1/auth/mfa", Map.of("code", code)).status())
        .isEqualTo(200);
    ApiClient.Response replay = passwordStep(e).post("/api/v1/auth/mfa", Map.of("code", code));
    assertThat(replay.status()).isEqualTo(401);
    assertThat(replay.problemType()).isEqualTo("bad-credentials");
    // The activation code's step is used up as well.
    ApiClient.Response earlier =
        passwordStep(e)
            .post("/api/v1/auth/mfa", Map.of("code", TotpCodes.at(e.secret(), clock.instant())));
    assertThat(earlier.status()).isEqualTo(401);
  }

  @Test
  void aRecoveryCodeWorksOnceOnly() {
    Enrolled e = enrol("ogawa");
    String recovery = e.recoveryCodes().get(3);
    assertThat(passwordStep(e).post("/api/v1/auth/mfa", Map.of("code", recovery)).status())
        .isEqualTo(200);
    assertThat(passwordStep(e).post("/api/v1/auth/mfa", Map.of("code", recovery)).status())
        .isEqualTo(401);
    assertThat(
            e.member()
                .client()
                .get("/api/v1/me")
                .json()
                .get("mfa")
                .get("recoveryCodesLeft")
                .asInt())
        .isEqualTo(9);
  }

  @Test
  void signInAndEnrolmentAreAudited() {
    Enrolled e = enrol("goto");
    passwordStep(e).post("/api/v1/auth/mfa", Map.of("code", "123456x"));
    passwordStep(e).post("/api/v1/auth/mfa", Map.of("code", nextCode(e.secret())));
    JsonNode items = e.company().admin().get("/api/v1/admin/audit?size=200").json().get("items");
    List<String> actions = items.findValuesAsString("action");
    assertThat(actions)
        .contains("TOTP_ENABLED", "MFA_SUCCEEDED", "MFA_FAILED", "RECOVERY_CODES_GENERATED");
    String all = items.toString();
    assertThat(all).doesNotContain(e.secret()).doesNotContain(e.recoveryCodes().get(0));
  }

  @Test
  void aCompanyThatRequiresTwoStepSendsMembersWithoutItToSetUp() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "hasegawa");
    Policies.update(company.admin(), Map.of("mfaRequirement", "all"));

    ApiClient.Response directory = member.client().get("/api/v1/directory/members");
    assertThat(directory.status()).isEqualTo(403);
    assertThat(directory.problemType()).isEqualTo("mfa-setup-required");
    ApiClient.Response me = member.client().get("/api/v1/me");
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("mfa").get("setupRequired").asBoolean()).isTrue();

    ApiClient.Response setup = member.client().post("/api/v1/me/mfa/totp/setup", null);
    assertThat(setup.status()).isEqualTo(200);
    String secret = setup.json().get("secret").asString();
    assertThat(
            member
                .client()
                .post(
                    "/api/v1/me/mfa/totp/activate",
                    Map.of("code", TotpCodes.at(secret, clock.instant())))
                .status())
        .isEqualTo(200);
    assertThat(member.client().get("/api/v1/directory/members").status()).isEqualTo(200);
  }

  @Test
  void turningTwoStepOffNeedsThePassword() {
    Enrolled e = enrol("murakami");
    ApiClient.Response wrong =
        e.member()
            .client()
            .post("/api/v1/me/mfa/totp/disable", Map.of("password", "Not-it-123456"));
    assertThat(wrong.status()).isEqualTo(422);
    ApiClient.Response ok =
        e.member()
            .client()
            .post("/api/v1/me/mfa/totp/disable", Map.of("password", Fixtures.PASSWORD));
    assertThat(ok.status()).isEqualTo(204);
    ApiClient c = fixtures.client();
    assertThat(c.login(e.member().loginId(), Fixtures.PASSWORD).json().get("status").asString())
        .isEqualTo("ok");
    clock.advance(Duration.ZERO);
  }
}
