package dev.musubi.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.admin.internal.AlertRules;
import dev.musubi.platform.geo.GeoIp;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Alerts on admin sign-ins from a new country, with an IP-to-country file given as {@code
 * musubi.geoip.csv} and the client address taken from {@code X-Forwarded-For} of a trusted proxy
 * (this test's client on 127.0.0.1).
 */
@MusubiIntegrationTest
class CountryAlertIntegrationTests {

  static final Path CSV;

  static {
    try {
      CSV = Files.createTempFile("musubi-geoip-", ".csv");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @DynamicPropertySource
  static void geoIp(DynamicPropertyRegistry registry) throws IOException {
    Files.writeString(
        CSV,
        """
        start_ip,end_ip,country_code
        198.51.100.0,198.51.100.255,JP
        203.0.113.0,203.0.113.255,US
        2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,DE
        this,is,not a row
        """);
    registry.add("musubi.geoip.csv", CSV::toString);
    registry.add("musubi.trusted-proxies", () -> "127.0.0.1");
  }

  @LocalServerPort int port;
  @Autowired TestClock clock;
  @Autowired GeoIp geoIp;
  @Autowired dev.musubi.admin.internal.AlertMail alertMail;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  ApiClient signInFrom(Fixtures fixtures, String loginId, String ip) {
    ApiClient c = fixtures.client().header("X-Forwarded-For", ip);
    assertThat(c.login(loginId, Fixtures.PASSWORD).status()).isEqualTo(200);
    return c;
  }

  static List<JsonNode> countryAlerts(ApiClient admin) {
    return admin
        .get("/api/v1/admin/alerts?size=200")
        .json()
        .get("items")
        .valueStream()
        .filter(a -> a.get("kind").asString().equals(AlertRules.ADMIN_NEW_COUNTRY))
        .toList();
  }

  @Test
  void anAdminSigningInFromANewCountryIsAlertedOnceAndAKnownCountryIsNot() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    String admin = company.adminLoginId();
    Fixtures.TestMember member = fixtures.member(company, "ippan");

    // The first country seen is the admin's baseline.
    signInFrom(fixtures, admin, "198.51.100.7");
    signInFrom(fixtures, admin, "198.51.100.200");
    ApiClient console = signInFrom(fixtures, admin, "2001:db8::5");
    assertThat(countryAlerts(console)).hasSize(1);
    assertThat(countryAlerts(console).get(0).get("detail").asString()).contains("country DE");

    ApiClient us = signInFrom(fixtures, admin, "203.0.113.5");
    signInFrom(fixtures, admin, "203.0.113.99");
    signInFrom(fixtures, admin, "198.51.100.9");
    List<JsonNode> alerts = countryAlerts(us);
    assertThat(alerts).as("DE and US, each once; JP is known").hasSize(2);
    assertThat(alerts.get(0).get("detail").asString()).contains("country US");
    assertThat(alerts.get(0).get("subjectLogin").asString()).isEqualTo(admin);
    // An address in no range, and a plain member anywhere, raise nothing.
    signInFrom(fixtures, admin, "192.0.2.1");
    signInFrom(fixtures, member.loginId(), "198.51.100.1");
    signInFrom(fixtures, member.loginId(), "203.0.113.1");
    assertThat(countryAlerts(us)).hasSize(2);

    // Mailed to the security admins like every alert.
    alertMail.deliverPending();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> SecurityMonitoringIntegrationTests.inbox(us).contains("管理者の新しい国からのログイン"));

    // The audit trail and the sign-in history show the country.
    List<JsonNode> logins =
        us.get("/api/v1/admin/audit?action=LOGIN_SUCCEEDED&size=100")
            .json()
            .get("items")
            .valueStream()
            .toList();
    assertThat(logins)
        .filteredOn(e -> e.get("ip").asString().equals("198.51.100.9"))
        .singleElement()
        .satisfies(e -> assertThat(e.get("detail").get("country").asString()).isEqualTo("JP"));
    assertThat(logins)
        .filteredOn(e -> e.get("ip").asString().equals("192.0.2.1"))
        .singleElement()
        .satisfies(e -> assertThat(e.get("detail").has("country")).isFalse());
    JsonNode sessions = us.get("/api/v1/me/sessions").json();
    assertThat(sessions.valueStream().filter(s -> s.get("current").asBoolean()).findFirst())
        .hasValueSatisfying(s -> assertThat(s.get("country").asString()).isEqualTo("US"));

    // After the company's window a country is new again.
    assertThat(
            us.put("/api/v1/admin/alert-settings", settings(us, Map.of("newCountryDays", 1)))
                .status())
        .isEqualTo(200);
    clock.advance(Duration.ofDays(2));
    signInFrom(fixtures, admin, "203.0.113.5");
    ApiClient later = signInFrom(fixtures, admin, "203.0.113.6");
    assertThat(countryAlerts(later)).hasSize(3);
  }

  @Test
  void theConsoleSeesThatCountryAlertsAreOnAndTheFileIsReloadedWhenItChanges() throws IOException {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    JsonNode status = company.admin().get("/api/v1/admin/alerts/country-status").json();
    assertThat(status.get("enabled").asBoolean()).isTrue();
    assertThat(status.get("state").asString()).isEqualTo("loaded");
    assertThat(status.get("rows").asLong()).isEqualTo(3);
    assertThat(status.get("skipped").asLong()).isEqualTo(1);
    assertThat(status.toString()).as("no file path for company admins").doesNotContain("csv");
    Fixtures.TestMember member = fixtures.member(company, "ippan");
    assertThat(member.client().get("/api/v1/admin/alerts/country-status").status()).isEqualTo(403);

    assertThat(geoIp.reloadIfChanged()).as("unchanged").isFalse();
    String before = Files.readString(CSV);
    try {
      Files.writeString(CSV, before + "192.0.2.0,192.0.2.255,FR\n");
      Files.setLastModifiedTime(CSV, FileTime.from(Instant.now().plusSeconds(60)));
      assertThat(geoIp.reloadIfChanged()).isTrue();
      assertThat(geoIp.country("192.0.2.10")).hasValue("FR");
      assertThat(geoIp.status().rows()).isEqualTo(4);
    } finally {
      Files.writeString(CSV, before);
      Files.setLastModifiedTime(CSV, FileTime.from(Instant.now().plusSeconds(120)));
      geoIp.reloadIfChanged();
    }
    assertThat(geoIp.country("192.0.2.10")).isEmpty();
  }

  @Test
  void theCountryWindowIsValidated() {
    Fixtures fixtures = new Fixtures(port);
    ApiClient admin = fixtures.company().admin();
    for (Object bad : List.of(0, 3651, -5)) {
      ApiClient.Response r =
          admin.put("/api/v1/admin/alert-settings", settings(admin, Map.of("newCountryDays", bad)));
      assertThat(r.status()).isEqualTo(422);
      assertThat(r.json().get("errors").findValuesAsString("field"))
          .containsExactly("newCountryDays");
    }
    assertThat(admin.get("/api/v1/admin/alert-settings").json().get("newCountryDays").asInt())
        .isEqualTo(90);
    assertThat(
            admin
                .get("/api/v1/admin/audit?action=ALERT_SETTINGS_CHANGED")
                .json()
                .get("total")
                .asLong())
        .isZero();
    assertThat(
            admin
                .put("/api/v1/admin/alert-settings", settings(admin, Map.of("newCountryDays", 30)))
                .json()
                .get("newCountryDays")
                .asInt())
        .isEqualTo(30);
  }

  static Map<String, Object> settings(ApiClient admin, Map<String, Object> changes) {
    Map<String, Object> s = new java.util.LinkedHashMap<>();
    admin
        .get("/api/v1/admin/alert-settings")
        .json()
        .properties()
        .forEach(e -> s.put(e.getKey(), e.getValue()));
    s.putAll(changes);
    return s;
  }
}
