package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.musubi.identity.internal.Passwords;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * Argon2 runs before the transaction that stores its result, so that a burst of member creations or
 * password changes does not hold pool connections while it waits for a hashing thread. The check is
 * an assertion in {@link Passwords#hashBeforeTransaction}, on in every test run: the flows below
 * would answer 500 if they hashed inside their transaction.
 */
@MusubiIntegrationTest
class PasswordHashingIntegrationTests {

  @LocalServerPort int port;
  @Autowired Passwords passwords;
  @Autowired TransactionTemplate tx;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @Test
  void hashingInsideATransactionIsCaught() {
    assertThatThrownBy(() -> tx.execute(s -> passwords.hashBeforeTransaction("Kagi-2026-abc!")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("transaction");
    String hash = passwords.hashBeforeTransaction("Kagi-2026-abc!");
    assertThat(passwords.matches("Kagi-2026-abc!", hash)).isTrue();
  }

  @Test
  void creatingAMemberChangingAndResettingThePasswordHashOutsideTransactions() {
    Fixtures.TestCompany company = fixtures.company();
    ObjectNode policy = (ObjectNode) company.admin().get("/api/v1/admin/security-settings").json();
    policy.put("passwordHistory", 3);
    assertThat(company.admin().put("/api/v1/admin/security-settings", policy).status())
        .isEqualTo(200);
    // Created by the admin API: Members.create hashes before its transaction.
    Fixtures.TestMember m = fixtures.member(company, "hashi");

    String changed = "Aozora-Kumo-2026!";
    ApiClient.Response change =
        m.client()
            .post(
                "/api/v1/me/password",
                Map.of("currentPassword", Fixtures.PASSWORD, "newPassword", changed));
    assertThat(change.status()).as(change.body()).isEqualTo(204);
    // The history check runs before the transaction too: the same password again is refused.
    ApiClient again = fixtures.client();
    assertThat(again.login(m.loginId(), changed).status()).isEqualTo(200);
    ApiClient.Response reused =
        again.post(
            "/api/v1/me/password", Map.of("currentPassword", changed, "newPassword", changed));
    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.body()).contains("reused");

    ApiClient.Response link =
        company.admin().post("/api/v1/admin/members/" + m.id() + "/password-reset-link", null);
    assertThat(link.status()).as(link.body()).isEqualTo(201);
    String token = link.json().get("token").asString();
    String reset = "Yuuhi-Umi-2026-x!";
    ApiClient anon = fixtures.client();
    ApiClient.Response r =
        anon.post("/api/v1/auth/password-reset", Map.of("token", token, "password", reset));
    assertThat(r.status()).as(r.body()).isEqualTo(204);
    // Used once: the second reset with the link changes nothing.
    ApiClient.Response second =
        anon.post(
            "/api/v1/auth/password-reset", Map.of("token", token, "password", "Sanbanme-2026-x!"));
    assertThat(second.problemType()).isEqualTo("reset-link-invalid");
    assertThat(fixtures.client().login(m.loginId(), reset).status()).isEqualTo(200);
    assertThat(fixtures.client().login(m.loginId(), changed).status()).isNotEqualTo(200);
  }
}
