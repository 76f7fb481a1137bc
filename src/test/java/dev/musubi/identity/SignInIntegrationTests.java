package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import tools.jackson.databind.node.ObjectNode;

@MusubiIntegrationTest
class SignInIntegrationTests {

  @LocalServerPort int port;
  @Autowired TestClock clock;
  @Autowired JdbcClient jdbc;
  Fixtures fixtures;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

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
  void aHashMadeWithLowerCostsIsReplacedAtTheNextSignIn() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "rehash");
    // The suite hashes with 1 MiB × 1 pass; a stored hash with half that memory is weaker.
    String weak = new Argon2PasswordEncoder(16, 32, 1, 512, 1).encode(Fixtures.PASSWORD);
    jdbc.sql("UPDATE member SET password_hash = ? WHERE id = ?").params(weak, member.id()).update();
    String changedAt =
        jdbc.sql("SELECT password_changed_at FROM member WHERE id = ?")
            .params(member.id())
            .query((rs, n) -> String.valueOf(rs.getObject(1)))
            .single();
    int history = history(member);

    assertThat(fixtures.client().login(member.loginId(), "Not-the-password-1").status())
        .isEqualTo(401);
    assertThat(storedHash(member)).isEqualTo(weak);

    assertThat(fixtures.client().login(member.loginId(), Fixtures.PASSWORD).status())
        .isEqualTo(200);
    String upgraded = storedHash(member);
    assertThat(upgraded).startsWith("$argon2id$v=19$m=1024,t=1,p=1$").isNotEqualTo(weak);
    assertThat(
            jdbc.sql("SELECT password_changed_at FROM member WHERE id = ?")
                .params(member.id())
                .query((rs, n) -> String.valueOf(rs.getObject(1)))
                .single())
        .isEqualTo(changedAt);
    assertThat(history(member)).isEqualTo(history);

    // The upgraded hash verifies, and a hash made with the current costs is left alone.
    assertThat(fixtures.client().login(member.loginId(), Fixtures.PASSWORD).status())
        .isEqualTo(200);
    assertThat(storedHash(member)).isEqualTo(upgraded);
  }

  private String storedHash(Fixtures.TestMember member) {
    return jdbc.sql("SELECT password_hash FROM member WHERE id = ?")
        .params(member.id())
        .query(String.class)
        .single();
  }

  private int history(Fixtures.TestMember member) {
    return jdbc.sql("SELECT COUNT(*) FROM password_history WHERE member_id = ?")
        .params(member.id())
        .query(Integer.class)
        .single();
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

  @Test
  void expiredPasswordMustBeChangedBeforeAnythingElse() {
    Fixtures.TestCompany company = fixtures.company();
    ObjectNode policy = (ObjectNode) company.admin().get("/api/v1/admin/security-settings").json();
    policy.put("passwordMaxAgeDays", 30);
    assertThat(company.admin().put("/api/v1/admin/security-settings", policy).status())
        .isEqualTo(200);
    Fixtures.TestMember member = fixtures.member(company, "kigen");
    assertThat(member.client().get("/api/v1/directory/members").status()).isEqualTo(200);

    clock.advance(Duration.ofDays(31));
    ApiClient client = fixtures.client();
    assertThat(client.login(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    ApiClient.Response blocked = client.get("/api/v1/directory/members");
    assertThat(blocked.status()).isEqualTo(403);
    assertThat(blocked.problemType()).isEqualTo("password-expired");
    assertThat(client.get("/api/v1/me").json().get("passwordExpired").asBoolean()).isTrue();

    ApiClient.Response changed =
        client.post(
            "/api/v1/me/password",
            Map.of("currentPassword", Fixtures.PASSWORD, "newPassword", "Atarashii-Sora-88"));
    assertThat(changed.status()).as(changed.body()).isEqualTo(204);
    assertThat(client.get("/api/v1/directory/members").status()).isEqualTo(200);
  }
}
