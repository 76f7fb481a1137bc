package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** The admin writes the privacy notice; a member reads it and downloads their data. */
@MusubiIntegrationTest
class PrivacyBrowserTests extends BrowserTestBase {

  @Test
  void theAdminPublishesTheNoticeAndDownloadsTheirOwnDataFromMyAccount() throws IOException {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "個人情報株式会社");
    Page page = browser.newPage();
    page.navigate("/#/admin/privacy");
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    assertThat(page.getByTestId("retention-form")).isVisible();
    page.locator("textarea[name=privacyNotice]").fill("個人情報の利用目的\n社内の連絡のため");
    page.locator(".privacy-admin .card")
        .last()
        .getByRole(
            AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("保存"))
        .click();
    assertThat(page.locator(".toast").first()).containsText("保存しました");

    page.navigate("/#/account/privacy");
    assertThat(page.getByTestId("my-data")).isVisible();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("データを準備する")).click();
    assertThat(page.getByTestId("export-status")).containsText("ダウンロードできます");
    Download download =
        page.waitForDownload(
            () ->
                page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("ダウンロード"))
                    .click());
    List<String> names = new ArrayList<>();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(download.path()))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        names.add(e.getName());
      }
    }
    assertThat(names).contains("profile/profile.json", "manifest.json");
    browser.screenshot(page, "privacy-my-data.png");
    // The card refreshes after a download (the download link becomes a "prepare" button, which
    // moves the notice link): click only once it has settled.
    assertThat(page.getByTestId("export-status")).containsText("ダウンロード済み");

    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("プライバシーポリシーを読む")).click();
    assertThat(page).hasURL(Pattern.compile("#/privacy$"));
    assertThat(page.getByTestId("privacy-notice")).containsText("社内の連絡のため");
  }

  @Test
  void anAdminExportsAMembersDataFromTheMemberList() throws IOException {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "書き出し株式会社");
    String login = "kakidashi@" + company.domain();
    new MusubiHttp(port)
        .signIn(company.adminLoginId(), company.adminPassword())
        .post(
            "/api/v1/admin/members",
            MusubiHttp.json(
                "loginId", login, "password", "Kaki-Dashi-Test-2468!", "displayName", "書出 花子"),
            201);
    Page page = browser.newPage();
    page.navigate("/#/admin/members");
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    com.microsoft.playwright.Locator row =
        page.locator("tr")
            .filter(
                new com.microsoft.playwright.Locator.FilterOptions()
                    .setHas(page.locator("[data-member='" + login + "']")));
    row.getByTestId("member-export").click();
    Download download =
        page.waitForDownload(() -> row.getByTestId("member-export-download").click());
    List<String> names = new ArrayList<>();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(download.path()))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        names.add(e.getName());
      }
    }
    assertThat(names).contains("profile/profile.json");
  }
}
