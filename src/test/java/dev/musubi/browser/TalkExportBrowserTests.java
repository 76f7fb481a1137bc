package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit tab's message export: a super admin picks a member, states why, gets the CSV. */
@MusubiIntegrationTest
class TalkExportBrowserTests extends BrowserTestBase {

  @Test
  void aSuperAdminExportsAMembersMessagesWithAReason() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember a = fixtures.member(company, "ishida");
    Fixtures.TestMember b = fixtures.member(company, "mori");
    String room =
        a.client()
            .post(
                "/api/v1/rooms",
                Map.of("type", "group", "name", "購買", "members", List.of(b.id().toString())))
            .json()
            .get("id")
            .asString();
    assertThat(
            a.client()
                .post("/api/v1/rooms/" + room + "/messages", Map.of("text", "発注書を送ります"))
                .status())
        .isEqualTo(201);

    Page page = browser.newPage(1280, 900);
    // The browser (Asia/Tokyo) believes it is the early morning of a day that has not begun in
    // UTC, with the message sent after 15:00 UTC of the day before: the default range must still
    // hold it (a UTC "today" cut it off once, between midnight and 09:00 in Tokyo).
    LocalDate utcDay =
        LocalDate.ofInstant(
            Instant.now().minus(Duration.ofHours(15).plusSeconds(1)), ZoneOffset.UTC);
    page.clock().setFixedTime(utcDay.atTime(20, 0).toInstant(ZoneOffset.UTC).toEpochMilli());
    page.navigate("/#/admin/audit");
    Browser.submitPassword(page, company.adminLoginId(), Fixtures.PASSWORD);
    page.getByLabel("メンバーを名前で検索").fill("ishida");
    page.locator(".tx-found button").first().click();
    assertThat(page.getByTestId("tx-chosen")).containsText("ishida");
    page.getByTestId("tx-run").click();
    // No reason: refused, nothing downloaded.
    assertThat(page.getByTestId("talk-export").locator(".alert")).isVisible();
    page.getByLabel("理由（10 文字以上）").fill("取引先からの苦情の事実確認のため");
    Download got = page.waitForDownload(() -> page.getByTestId("tx-run").click());
    String csv = Files.readString(got.path(), StandardCharsets.UTF_8);
    assertThat(csv).contains("発注書を送ります", "購買");
  }
}
