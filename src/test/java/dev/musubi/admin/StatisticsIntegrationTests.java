package dev.musubi.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Daily figures: members by status, sign-ins, daily/weekly/monthly active members, CSV. */
@MusubiIntegrationTest
class StatisticsIntegrationTests {

  @LocalServerPort int port;
  @Autowired TestClock clock;
  @Autowired Statistics statistics;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  static JsonNode last(ApiClient c) {
    ApiClient.Response r = c.get("/api/v1/admin/statistics");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode days = r.json();
    return days.get(days.size() - 1);
  }

  @Test
  void figuresFollowSignInsAndStatus() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember m = fixtures.member(company, "katsudo");
    Fixtures.TestMember auditor = fixtures.member(company, "kansa", "auditor");
    Fixtures.TestMember jinji = fixtures.member(company, "jinji", "member_admin");
    assertThat(company.admin().post("/api/v1/admin/members/" + m.id() + "/suspend", null).status())
        .isEqualTo(200);

    JsonNode today = last(company.admin());
    assertThat(today.get("membersActive").asLong()).isEqualTo(3);
    assertThat(today.get("membersSuspended").asLong()).isEqualTo(1);
    assertThat(today.get("signIns").asLong()).isEqualTo(4);
    assertThat(today.get("dailyActive").asLong()).isEqualTo(4);
    assertThat(today.get("monthlyActive").asLong()).isEqualTo(4);
    assertThat(last(auditor.client()).get("signIns").asLong()).isEqualTo(4);
    assertThat(jinji.client().get("/api/v1/admin/statistics").status()).isEqualTo(403);
    assertThat(m.client().get("/api/v1/admin/statistics").status()).isEqualTo(401);

    // Eight days on: nobody was active this week, everybody this month.
    clock.advance(Duration.ofDays(8));
    ApiClient admin = fixtures.client();
    assertThat(admin.login(company.adminLoginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    JsonNode later = last(admin);
    assertThat(later.get("dailyActive").asLong()).isEqualTo(1);
    assertThat(later.get("weeklyActive").asLong()).isEqualTo(1);
    assertThat(later.get("monthlyActive").asLong()).isEqualTo(4);
    assertThat(later.get("signIns").asLong()).isEqualTo(1);

    // The job keeps yesterday's row too; the range shows both days.
    statistics.recordAll();
    JsonNode range =
        admin.get("/api/v1/admin/statistics?from=" + later.get("day").asString()).json();
    assertThat(range.size()).isEqualTo(1);

    ApiClient.Response csv = admin.get("/api/v1/admin/statistics/export");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.body()).startsWith("\uFEFFday,membersActive");
    assertThat(csv.body().lines().toList()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(
            admin
                .get("/api/v1/admin/audit?action=STATISTICS_EXPORTED")
                .json()
                .get("total")
                .asLong())
        .isEqualTo(1);

    for (String bad :
        List.of(
            "?from=yesterday",
            "?from=2026-02-01&to=2026-01-01",
            "?from=2020-01-01&to=2026-01-01")) {
      ApiClient.Response r = admin.get("/api/v1/admin/statistics" + bad);
      assertThat(r.status()).as(bad).isEqualTo(422);
    }
    Fixtures.TestCompany other = fixtures.company();
    assertThat(last(other.admin()).get("membersActive").asLong()).isEqualTo(1);
  }
}
