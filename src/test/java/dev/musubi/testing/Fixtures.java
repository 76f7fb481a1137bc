package dev.musubi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * Builds fresh companies and members through the real API, so each test owns its data. The operator
 * account exists in the test profile with {@link #OPERATOR_PASSWORD}.
 */
public final class Fixtures {

  public static final String OPERATOR_PASSWORD = "operator-test-Password-1";
  public static final String PASSWORD = "Kumo-no-ue-42!";
  private static final AtomicInteger counter = new AtomicInteger();

  private final int port;

  public Fixtures(int port) {
    this.port = port;
  }

  /** A company with a signed-in super admin. */
  public record TestCompany(
      UUID id, String domain, String adminLoginId, UUID adminId, ApiClient admin) {}

  /** A member with a signed-in client. */
  public record TestMember(UUID id, String loginId, ApiClient client) {}

  public ApiClient client() {
    return new ApiClient(port);
  }

  public ApiClient operator() {
    ApiClient op = client();
    assertThat(op.login("operator", OPERATOR_PASSWORD).status()).isEqualTo(200);
    return op;
  }

  public TestCompany company() {
    String unique = Long.toString(System.nanoTime(), 36) + counter.incrementAndGet();
    String domain = "c" + unique + ".example.jp";
    ApiClient.Response r =
        operator()
            .post(
                "/api/v1/operator/companies",
                Map.of(
                    "name",
                    "テスト株式会社 " + unique,
                    "domain",
                    domain,
                    "adminLoginId",
                    "kanri",
                    "adminPassword",
                    PASSWORD));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String adminLogin = "kanri@" + domain;
    ApiClient admin = client();
    assertThat(admin.login(adminLogin, PASSWORD).status()).isEqualTo(200);
    return new TestCompany(
        UUID.fromString(r.json().get("id").asString()),
        domain,
        adminLogin,
        UUID.fromString(r.json().get("adminId").asString()),
        admin);
  }

  /** Creates a member (given roles) through the admin API and signs them in. */
  public TestMember member(TestCompany company, String local, String... roles) {
    ApiClient.Response r =
        company
            .admin()
            .post(
                "/api/v1/admin/members",
                Map.of(
                    "loginId",
                    local,
                    "password",
                    PASSWORD,
                    "displayName",
                    "山田 " + local,
                    "familyName",
                    "山田",
                    "givenName",
                    local,
                    "familyNameReading",
                    "やまだ",
                    "givenNameReading",
                    "たろう",
                    "roles",
                    List.of(roles)));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonNode m = r.json();
    ApiClient c = client();
    String loginId = m.get("loginId").asString();
    assertThat(c.login(loginId, PASSWORD).status()).isEqualTo(200);
    return new TestMember(UUID.fromString(m.get("id").asString()), loginId, c);
  }
}
