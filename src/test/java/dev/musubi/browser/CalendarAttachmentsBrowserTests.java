package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import dev.musubi.drive.DriveClient;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The event editor attaches files from Drive and uploads new ones; an invitee opens them. */
@MusubiIntegrationTest
class CalendarAttachmentsBrowserTests extends BrowserTestBase {

  Fixtures fixtures;

  @BeforeEach
  void start() {
    fixtures = new Fixtures(port);
  }

  private static String defaultCalendar(ApiClient c) {
    for (JsonNode cal : c.get("/api/v1/calendars").json()) {
      if (cal.get("isDefault").asBoolean()) {
        return cal.get("id").asString();
      }
    }
    throw new AssertionError("no default calendar");
  }

  @Test
  void theOrganiserAttachesADriveFileAndAnUploadAndTheInviteeDownloadsIt() throws Exception {
    Fixtures.TestCompany c = fixtures.company();
    Fixtures.TestMember tanaka = fixtures.member(c, "tanaka");
    Fixtures.TestMember sato = fixtures.member(c, "sato");
    DriveClient drive = new DriveClient(port, tanaka.client());
    drive.uploaded(drive.root(), "提案書.txt", "提案の本文".getBytes(StandardCharsets.UTF_8));
    LocalDate today = LocalDate.now(ZoneId.of("Asia/Tokyo"));
    ApiClient.Response created =
        tanaka
            .client()
            .post(
                "/api/v1/calendars/" + defaultCalendar(tanaka.client()) + "/events",
                Map.of(
                    "title",
                    "企画レビュー",
                    "start",
                    today + "T14:00",
                    "end",
                    today + "T15:00",
                    "timeZone",
                    "Asia/Tokyo",
                    "attendees",
                    List.of(Map.of("memberId", sato.id().toString()))));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String eventId = created.json().get("id").asString();

    Page page = browser.newPage(1280, 900);
    page.navigate("/#/calendar");
    Browser.submitPassword(page, tanaka.loginId(), Fixtures.PASSWORD);
    page.locator(".cal-month").getByText("企画レビュー").click();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("編集").setExact(true))
        .click();
    // Pick a file from the drive...
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("ドライブから選ぶ")).click();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("マイドライブ")).click();
    com.microsoft.playwright.Locator pick =
        page.locator(".cal-pick-file")
            .filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("提案書.txt"));
    pick.click();
    assertThat(pick).hasAttribute("aria-pressed", "true");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("完了")).click();
    // ...and upload a new one, which lands in the member's drive.
    page.locator(".cal-attach-upload input[type=file]")
        .setInputFiles(
            new FilePayload(
                "議題.txt", "text/plain", "1. 予算 2. 日程".getBytes(StandardCharsets.UTF_8)));
    assertThat(page.locator(".cal-attach-list").getByText("議題.txt")).isVisible();
    assertThat(page.locator(".cal-attach-list").getByText("提案書.txt")).isVisible();
    browser.screenshot(page, "calendar-attachments.png");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("保存")).click();
    assertThat(page.getByText("予定を保存しました。")).isVisible();

    JsonNode saved = tanaka.client().get("/api/v1/events/" + eventId).json();
    assertThat(saved.get("attachments")).hasSize(2);
    assertThat(saved.get("attachments").get(0).get("name").asString()).isEqualTo("提案書.txt");
    assertThat(saved.get("attachments").get(1).get("name").asString()).isEqualTo("議題.txt");
    JsonNode root =
        tanaka.client().get("/api/v1/drive/folders/" + drive.root()).json().get("items");
    assertThat(root.toString()).contains("カレンダーの添付ファイル");

    // The invitee sees the files in the invitation and downloads one.
    Page invitee = browser.newPage(390, 800);
    invitee.navigate("/#/calendar");
    Browser.submitPassword(invitee, sato.loginId(), Fixtures.PASSWORD);
    invitee.locator(".cal-agenda").getByText("企画レビュー").click();
    assertThat(invitee.getByRole(AriaRole.DIALOG).getByText("添付ファイル")).isVisible();
    Download download =
        invitee.waitForDownload(
            () ->
                invitee
                    .getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("議題.txt"))
                    .click());
    assertThat(download.suggestedFilename()).isEqualTo("議題.txt");
    assertThat(Files.readString(download.path())).isEqualTo("1. 予算 2. 日程");
  }
}
