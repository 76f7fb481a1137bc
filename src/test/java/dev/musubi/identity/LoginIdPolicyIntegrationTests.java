package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Login ID and password rules as the admin API applies them when creating members. */
@MusubiIntegrationTest
class LoginIdPolicyIntegrationTests {

  @LocalServerPort int port;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  private static Map<String, Object> member(String loginId, String password) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("loginId", loginId);
    m.put("password", password);
    m.put("displayName", "新入 社員");
    m.put("familyName", "新入");
    m.put("givenName", "社員");
    return m;
  }

  private static long count(Fixtures.TestCompany company) {
    return company.admin().get("/api/v1/admin/members?size=200").json().get("total").asLong();
  }

  private static List<String> errors(ApiClient.Response r, String field) {
    List<String> codes = new ArrayList<>();
    for (JsonNode e : r.json().path("errors")) {
      if (e.get("field").asString().equals(field)) {
        codes.add(e.get("code").asString());
      }
    }
    return codes;
  }

  private static void assertRefused(
      Fixtures.TestCompany company, String loginId, String password, String field) {
    long before = count(company);
    ApiClient.Response r = company.admin().post("/api/v1/admin/members", member(loginId, password));
    assertThat(r.status()).as("%s -> %s", loginId, r.body()).isEqualTo(422);
    assertThat(r.problemType()).isEqualTo("validation");
    assertThat(errors(r, field)).as("%s -> %s", loginId, r.body()).isNotEmpty();
    assertThat(count(company)).as(loginId).isEqualTo(before);
  }

  @Test
  void reservedAndDeceptiveLoginIdsAreRefused() {
    Fixtures.TestCompany company = fixtures.company();
    for (String id :
        List.of(
            "admin",
            "user1",
            "postmaster",
            "ｔａｒｏ",
            "t\u0430ro", // Cyrillic а
            "ta\u200Bro", // zero-width space
            "taro\u202Egnp", // right-to-left override
            "")) {
      assertRefused(company, id, Fixtures.PASSWORD, "loginId");
    }
  }

  @Test
  void loginIdsThatLookLikeAnExistingOneAreRefused() {
    Fixtures.TestCompany company = fixtures.company();
    fixtures.member(company, "taro.yamada");
    fixtures.member(company, "paypal");
    for (String id :
        List.of(
            "Taro.Yamada",
            "TARO.YAMADA@" + company.domain().toUpperCase(),
            "paypa1",
            "PAYPAL",
            "taro.yamada@" + company.domain())) {
      assertRefused(company, id, Fixtures.PASSWORD, "loginId");
    }
  }

  @Test
  void aLoginIdInAnotherDomainIsRefused() {
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestCompany other = fixtures.company();
    assertRefused(company, "jiro@" + other.domain(), Fixtures.PASSWORD, "loginId");
    assertRefused(company, "jiro@example.com", Fixtures.PASSWORD, "loginId");
    assertRefused(
        company, "jiro@" + company.domain() + ".evil.example", Fixtures.PASSWORD, "loginId");
  }

  @Test
  void aHugePasswordIsRefusedQuicklyWithoutCreatingTheMember() {
    Fixtures.TestCompany company = fixtures.company();
    long before = count(company);
    long start = System.nanoTime();
    ApiClient.Response r =
        company.admin().post("/api/v1/admin/members", member("ookii", "a1-".repeat(350_000)));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(errors(r, "password")).as(r.body()).isNotEmpty();
    assertThat(millis).as("refused without hashing a megabyte").isLessThan(3_000);
    assertThat(count(company)).isEqualTo(before);
  }

  @Test
  void aHugePasswordIsReportedAsTooLong() {
    Fixtures.TestCompany company = fixtures.company();
    ApiClient.Response r =
        company.admin().post("/api/v1/admin/members", member("ookii", "a1-".repeat(350_000)));
    assertThat(errors(r, "password"))
        .as(r.body().substring(0, Math.min(2000, r.body().length())))
        .contains("too_long");
  }

  @Test
  void commonPasswordsAndPasswordsContainingTheLoginIdAreRefused() {
    Fixtures.TestCompany company = fixtures.company();
    long before = count(company);
    ApiClient.Response common =
        company.admin().post("/api/v1/admin/members", member("hanako", "1qaz2wsx3edc"));
    assertThat(common.status()).isEqualTo(422);
    assertThat(errors(common, "password")).as(common.body()).contains("common");

    ApiClient.Response containsId =
        company.admin().post("/api/v1/admin/members", member("hanako", "hanako-Secret-99"));
    assertThat(containsId.status()).isEqualTo(422);
    assertThat(errors(containsId, "password")).as(containsId.body()).isNotEmpty();

    ApiClient.Response shortOne =
        company.admin().post("/api/v1/admin/members", member("hanako", "Tanpen-1"));
    assertThat(shortOne.status()).isEqualTo(422);
    assertThat(errors(shortOne, "password")).as(shortOne.body()).isNotEmpty();
    assertThat(count(company)).isEqualTo(before);

    ApiClient.Response ok =
        company.admin().post("/api/v1/admin/members", member("hanako", Fixtures.PASSWORD));
    assertThat(ok.status()).as(ok.body()).isEqualTo(201);
    assertThat(ok.body()).doesNotContain(Fixtures.PASSWORD);
  }
}
