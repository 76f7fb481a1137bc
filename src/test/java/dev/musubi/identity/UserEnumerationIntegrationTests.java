package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

@MusubiIntegrationTest
class UserEnumerationIntegrationTests {

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

  @Test
  void everyFailedSignInLooksTheSame() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember active = fixtures.member(company, "aoki");
    Fixtures.TestMember suspended = fixtures.member(company, "ishii");
    Fixtures.TestMember locked = fixtures.member(company, "ueda");
    assertThat(
            company
                .admin()
                .post("/api/v1/admin/members/" + suspended.id() + "/suspend", null)
                .status())
        .isEqualTo(200);
    for (int i = 0; i < 5; i++) {
      fixtures.client().login(locked.loginId(), WRONG);
    }

    List<ApiClient.Response> failures =
        List.of(
            fixtures.client().login("mitsukaranai@" + company.domain(), WRONG),
            fixtures.client().login("mitsukaranai@no-such-company.example", WRONG),
            fixtures.client().login("mitsukaranai", WRONG),
            fixtures.client().login(active.loginId(), WRONG),
            fixtures.client().login(suspended.loginId(), Fixtures.PASSWORD),
            fixtures.client().login(locked.loginId(), Fixtures.PASSWORD));
    ApiClient.Response first = failures.get(0);
    assertThat(first.status()).isEqualTo(401);
    assertThat(first.problemType()).isEqualTo("bad-credentials");
    for (ApiClient.Response r : failures) {
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.body()).isEqualTo(first.body());
      assertThat(r.header("Content-Type")).isEqualTo(first.header("Content-Type"));
      assertThat(r.header("Set-Cookie")).isEqualTo(first.header("Set-Cookie"));
    }
    // Clear the lock so no other test inherits it (it is keyed on the login ID only).
    clock.advance(java.time.Duration.ofSeconds(61));
    assertThat(fixtures.client().login(locked.loginId(), Fixtures.PASSWORD).status())
        .isEqualTo(200);
  }

  @Test
  void anUnknownIdTakesAsLongAsAWrongPassword() {
    Fixtures.TestCompany company = fixtures.company();
    // A lockout threshold the timing runs cannot reach, so both sides stay on the hashing path.
    Map<String, Object> policy =
        new java.util.LinkedHashMap<>(
            company.admin().get("/api/v1/admin/security-settings").json().properties().stream()
                .collect(
                    java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, e -> (Object) e.getValue(), (a, b) -> a)));
    policy.put("lockoutThreshold", 100);
    ApiClient.Response put = company.admin().put("/api/v1/admin/security-settings", policy);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    Fixtures.TestMember member = fixtures.member(company, "fujita");
    ApiClient client = fixtures.client();
    String unknown = "fujita2@" + company.domain();
    // Warm-up, then interleave so that drift affects both sides alike.
    for (int i = 0; i < 3; i++) {
      client.login(unknown, WRONG);
      client.login(member.loginId(), WRONG);
    }
    List<Long> unknownTimes = new ArrayList<>();
    List<Long> knownTimes = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      unknownTimes.add(time(() -> client.login(unknown, WRONG)));
      knownTimes.add(time(() -> client.login(member.loginId(), WRONG)));
    }
    double ratio = (double) median(unknownTimes) / median(knownTimes);
    assertThat(ratio)
        .as("median unknown %s ns vs known %s ns", median(unknownTimes), median(knownTimes))
        .isBetween(0.5, 2.0);
    // Reset the address throttle for other tests.
    assertThat(client.login(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
  }

  private static long time(Supplier<ApiClient.Response> call) {
    long start = System.nanoTime();
    ApiClient.Response r = call.get();
    long took = System.nanoTime() - start;
    assertThat(r.status()).isEqualTo(401);
    return took;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
