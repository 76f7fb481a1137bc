package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.musubi.identity.ProtocolLoginException.Reason;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.Policies;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** {@link ProtocolLogins}: the sign-in of IMAP and submission clients, on the web's rules. */
@MusubiIntegrationTest
class ProtocolLoginsIntegrationTests {

  private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(1);

  @LocalServerPort int port;
  @Autowired ProtocolLogins logins;
  @Autowired JdbcClient jdbc;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  Fixtures.TestMember member;
  Fixtures.TestMember other;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    member = fixtures.member(company, "imai");
    other = fixtures.member(company, "ono");
  }

  /**
   * A documentation address (RFC 5737) of its own, so that the per-address throttle is not shared.
   */
  static String nextIp() {
    return "198.51.100." + NEXT_ADDRESS.getAndIncrement();
  }

  private static JsonNode token(ApiClient client, List<String> scopes) {
    ApiClient.Response r =
        client.post("/api/v1/me/tokens", Map.of("name", "メール", "scopes", scopes));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private ProtocolLoginException failure(String loginId, String password, String ip) {
    ProtocolLoginException thrown =
        catchThrowableOfType(
            ProtocolLoginException.class, () -> logins.authenticate(loginId, password, ip, "test"));
    assertThat(thrown).as("refused").isNotNull();
    return thrown;
  }

  private Reason refused(String loginId, String password, String ip) {
    return failure(loginId, password, ip).reason();
  }

  @Test
  void thePasswordSignsInAndAWrongOneIsInvalidAndAudited() {
    MemberPrincipal signedIn =
        logins.authenticate(member.loginId(), Fixtures.PASSWORD, nextIp(), "submission");
    assertThat(signedIn.memberId()).isEqualTo(member.id());
    assertThat(signedIn.tenantId()).isEqualTo(company.id());
    assertThat(signedIn.tokenId()).isNull();
    assertThat(logins.stillActive(signedIn)).isTrue();
    assertThat(refused(member.loginId(), "Wrong-password-1", nextIp())).isEqualTo(Reason.INVALID);
    assertThat(refused("nobody@" + company.domain(), Fixtures.PASSWORD, nextIp()))
        .isEqualTo(Reason.INVALID);
    assertThat(refused("", "x", nextIp())).isEqualTo(Reason.INVALID);
    assertThat(refused(member.loginId(), "x".repeat(2000), nextIp())).isEqualTo(Reason.INVALID);
    assertThat(
            jdbc.sql(
                    "SELECT COUNT(*) FROM audit_event WHERE tenant_id = ? AND action = 'LOGIN_FAILED'")
                .param(company.id())
                .query(Long.class)
                .single())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void anAppPasswordSignsInOnlyWithItsOwnersLoginId() {
    String app = token(member.client(), List.of("read", "write")).get("token").asString();
    MemberPrincipal signedIn = logins.authenticate(member.loginId(), app, nextIp(), "imap");
    assertThat(signedIn.memberId()).isEqualTo(member.id());
    assertThat(signedIn.tokenId()).isNotNull();
    assertThat(signedIn.scopes()).contains("read", "write");
    assertThat(refused(other.loginId(), app, nextIp())).isEqualTo(Reason.INVALID);
    assertThat(refused(company.adminLoginId(), app, nextIp())).isEqualTo(Reason.INVALID);
  }

  @Test
  void aRevokedAppPasswordIsInvalidAndEndsOpenConnections() {
    JsonNode token = token(member.client(), List.of("read", "write"));
    String app = token.get("token").asString();
    MemberPrincipal signedIn = logins.authenticate(member.loginId(), app, nextIp(), "imap");
    ApiClient.Response revoke =
        member.client().delete("/api/v1/me/tokens/" + token.get("id").asString());
    assertThat(revoke.status()).as(revoke.body()).isIn(200, 204);
    assertThat(logins.stillActive(signedIn)).isFalse();
    assertThat(refused(member.loginId(), app, nextIp())).isEqualTo(Reason.INVALID);
  }

  @Test
  void aReadOnlyAppPasswordIsNotEnoughForMail() {
    String readOnly = token(member.client(), List.of("read")).get("token").asString();
    assertThat(refused(member.loginId(), readOnly, nextIp())).isEqualTo(Reason.INSUFFICIENT_SCOPE);
  }

  @Test
  void twoStepMembersNeedAnAppPassword() {
    // Made before the rule: under it, a member must set up two-step first.
    String app = token(member.client(), List.of("read", "write")).get("token").asString();
    Policies.update(company.admin(), Map.of("mfaRequirement", "all"));
    assertThat(refused(member.loginId(), Fixtures.PASSWORD, nextIp()))
        .isEqualTo(Reason.APP_PASSWORD_REQUIRED);
    assertThat(logins.authenticate(member.loginId(), app, nextIp(), "imap").memberId())
        .isEqualTo(member.id());
  }

  @Test
  void theIpAllowlistAppliesToPasswordsAndAppPasswords() {
    String app = token(member.client(), List.of("read", "write")).get("token").asString();
    Policies.update(company.admin(), Map.of("ipAllowlist", List.of("127.0.0.0/8")));
    // With the password the refusal looks like a wrong password, as on the web (the audit trail
    // tells the admin why); an app password already proves who the client is.
    assertThat(refused(member.loginId(), Fixtures.PASSWORD, "192.0.2.7")).isEqualTo(Reason.INVALID);
    assertThat(
            jdbc.sql(
                    "SELECT COUNT(*) FROM audit_event WHERE tenant_id = ? AND action = 'ACCESS_DENIED_IP'")
                .param(company.id())
                .query(Long.class)
                .single())
        .isEqualTo(1);
    assertThat(refused(member.loginId(), app, "192.0.2.8")).isEqualTo(Reason.IP_NOT_ALLOWED);
    assertThat(logins.authenticate(member.loginId(), Fixtures.PASSWORD, "127.0.0.1", "imap"))
        .isNotNull();
  }

  @Test
  void manyFailuresFromOneAddressAreThrottledWhateverTheLoginId() {
    String ip = nextIp();
    for (int i = 0; i < 50; i++) {
      assertThat(refused("guess" + i + "@" + company.domain(), "x", ip)).isEqualTo(Reason.INVALID);
    }
    ProtocolLoginException thrown = failure(member.loginId(), Fixtures.PASSWORD, ip);
    assertThat(thrown.reason()).isEqualTo(Reason.THROTTLED);
    assertThat(thrown.retryAfterSeconds()).isPositive();
    // Another address is not affected.
    assertThat(logins.authenticate(member.loginId(), Fixtures.PASSWORD, nextIp(), "imap"))
        .isNotNull();
  }

  @Test
  void aSuspendedMemberIsNoLongerActive() {
    MemberPrincipal signedIn =
        logins.authenticate(member.loginId(), Fixtures.PASSWORD, nextIp(), "imap");
    ApiClient.Response s =
        company.admin().post("/api/v1/admin/members/" + member.id() + "/suspend", null);
    assertThat(s.status()).as(s.body()).isEqualTo(200);
    assertThat(logins.stillActive(signedIn)).isFalse();
    assertThat(refused(member.loginId(), Fixtures.PASSWORD, nextIp())).isEqualTo(Reason.INVALID);
  }
}
