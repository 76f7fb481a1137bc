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

  @Test
  void usageCountsMessagesMailAndUploadsOfTheCompanyOnly() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestCompany other = fixtures.company();
    Fixtures.TestMember m = fixtures.member(company, "riyou");
    JsonNode before = last(company.admin()).get("usage");
    assertThat(before.get("messagesSent").asLong()).isZero();
    assertThat(before.get("mailSent").asLong()).isZero();
    assertThat(before.get("filesUploaded").asLong()).isZero();

    ApiClient.Response room =
        m.client()
            .post(
                "/api/v1/rooms",
                java.util.Map.of("type", "group", "name", "集計", "members", List.of()));
    assertThat(room.status()).as(room.body()).isEqualTo(201);
    for (int i = 0; i < 3; i++) {
      String key = java.util.UUID.randomUUID().toString();
      ApiClient.Response sent =
          m.client()
              .post(
                  "/api/v1/rooms/" + room.json().get("id").asString() + "/messages",
                  java.util.Map.of("text", "本文 " + i, "idempotencyKey", key));
      assertThat(sent.status()).as(sent.body()).isEqualTo(201);
    }
    ApiClient.Response mail =
        m.client()
            .post(
                "/api/v1/mail/messages",
                java.util.Map.of(
                    "to", List.of(company.adminLoginId()), "subject", "件名", "text", "本文"));
    assertThat(mail.status()).as(mail.body()).isEqualTo(202);
    dev.musubi.drive.DriveClient drive = new dev.musubi.drive.DriveClient(port, m.client());
    drive.uploaded(drive.root(), "集計.txt", new byte[1000]);

    JsonNode after = last(company.admin());
    JsonNode usage = after.get("usage");
    assertThat(usage.get("messagesSent").asLong()).isEqualTo(3);
    assertThat(usage.get("mailSent").asLong()).isEqualTo(1);
    // (mailReceived may count an alert notice mailed to the admin meanwhile, so it is not checked)
    assertThat(usage.get("filesUploaded").asLong()).isEqualTo(1);
    assertThat(usage.get("driveBytes").asLong()).isEqualTo(1000);
    assertThat(usage.get("mailboxBytes").asLong()).isPositive();
    assertThat(usage.get("storageBytes").asLong()).isGreaterThanOrEqualTo(1000);
    // Another company sees none of it.
    JsonNode theirs = last(other.admin()).get("usage");
    assertThat(theirs.get("messagesSent").asLong()).isZero();
    assertThat(theirs.get("filesUploaded").asLong()).isZero();
    assertThat(theirs.get("driveBytes").asLong()).isZero();

    ApiClient.Response csv = company.admin().get("/api/v1/admin/statistics/export");
    List<String> lines = csv.body().lines().toList();
    assertThat(lines.get(0))
        .endsWith(
            ",messagesSent,mailSent,mailReceived,mailboxBytes,filesUploaded,driveBytes,storageBytes");
    assertThat(lines.get(lines.size() - 1)).contains(",3,1,");
  }

  @Test
  void storagePerMemberAddsMailboxDriveAndTalkFilesOfTheCompanyOnly() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestCompany other = fixtures.company();
    Fixtures.TestMember m = fixtures.member(company, "youryou");
    dev.musubi.drive.DriveClient drive = new dev.musubi.drive.DriveClient(port, m.client());
    drive.uploaded(drive.root(), "容量.bin", new byte[4321]);
    ApiClient.Response mail =
        m.client()
            .post(
                "/api/v1/mail/messages",
                java.util.Map.of(
                    "to", List.of(company.adminLoginId()), "subject", "容量", "text", "本文"));
    assertThat(mail.status()).as(mail.body()).isEqualTo(202);

    ApiClient.Response res = company.admin().get("/api/v1/admin/statistics/storage");
    assertThat(res.status()).as(res.body()).isEqualTo(200);
    JsonNode body = res.json();
    assertThat(body.get("keys").valueStream().map(JsonNode::asString).toList())
        .containsExactly("talkFileBytes", "mailboxBytes", "driveBytes");
    JsonNode mine =
        body.get("members")
            .valueStream()
            .filter(r -> m.id().toString().equals(r.get("memberId").asString()))
            .findFirst()
            .orElseThrow();
    assertThat(mine.get("loginId").asString()).isEqualTo(m.loginId());
    assertThat(mine.get("bytes").get("driveBytes").asLong()).isEqualTo(4321);
    long mailbox = mine.get("bytes").get("mailboxBytes").asLong();
    assertThat(mailbox).isPositive(); // the copy in Sent
    assertThat(mine.get("bytes").get("talkFileBytes").asLong()).isZero();
    assertThat(mine.get("total").asLong()).isEqualTo(4321 + mailbox);
    // Largest first.
    List<Long> totals =
        body.get("members").valueStream().map(r -> r.get("total").asLong()).toList();
    assertThat(totals).isSortedAccordingTo(java.util.Comparator.reverseOrder());

    // Another company's admin sees none of it; members may not read it; bad limits are refused.
    assertThat(other.admin().get("/api/v1/admin/statistics/storage").body())
        .doesNotContain(m.id().toString());
    assertThat(m.client().get("/api/v1/admin/statistics/storage").status()).isEqualTo(403);
    assertThat(company.admin().get("/api/v1/admin/statistics/storage?limit=0").status())
        .isEqualTo(422);
    assertThat(company.admin().get("/api/v1/admin/statistics/storage?limit=x").status())
        .isEqualTo(422);

    ApiClient.Response csv = company.admin().get("/api/v1/admin/statistics/storage/export");
    assertThat(csv.status()).isEqualTo(200);
    List<String> lines = csv.body().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo(
            "\uFEFFmemberId,loginId,displayName,talkFileBytes,mailboxBytes,driveBytes,totalBytes");
    assertThat(lines)
        .anyMatch(l -> l.startsWith(m.id() + ",") && l.endsWith(",4321," + (4321 + mailbox)));
  }
}
