package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The drive page: new folder, upload with progress, navigation by breadcrumbs, download. */
@dev.musubi.testing.MusubiIntegrationTest
class DriveBrowserTests extends BrowserTestBase {

  static final String PASSWORD = "Asagao-Hirugao-1357!";

  private static Locator row(Page page, String name) {
    return page.getByTestId("drive-row").filter(new Locator.FilterOptions().setHasText(name));
  }

  @Test
  void uploadNavigateAndDownload() throws Exception {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "ドライブ株式会社");
    MusubiHttp admin = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    admin.post(
        "/api/v1/admin/members",
        MusubiHttp.json(
            "loginId", "tanaka",
            "password", PASSWORD,
            "displayName", "田中 一郎",
            "familyName", "田中",
            "givenName", "一郎"),
        201);
    Page page = browser.newPage(1280, 800);
    page.navigate("/#/drive");
    Browser.submitPassword(page, "tanaka@" + company.domain(), PASSWORD);
    assertThat(page.getByTestId("drive")).isVisible();
    assertThat(page.getByText("このフォルダは空です")).isVisible();
    assertThat(page.getByTestId("drive-quota")).containsText("使用中");

    // A new folder, then into it.
    page.getByTestId("drive-new-folder").click();
    page.locator("dialog")
        .getByRole(AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName("名前").setExact(true))
        .fill("見積書");
    page.getByTestId("drive-name-save").click();
    assertThat(row(page, "見積書")).isVisible();
    row(page, "見積書").getByRole(AriaRole.LINK).first().click();
    assertThat(page).hasURL(Pattern.compile("#/drive/folder/[0-9a-f-]{36}$"));
    assertThat(page.locator(".drive-crumbs")).containsText("見積書");

    // Upload two files through the file picker (the same path as a drop).
    String text = "御見積書\n合計 12,000 円\n";
    page.getByTestId("drive-file-input")
        .setInputFiles(
            new FilePayload[] {
              new FilePayload("見積 2026.txt", "text/plain", text.getBytes(StandardCharsets.UTF_8)),
              new FilePayload("memo.txt", "text/plain", "メモ".getBytes(StandardCharsets.UTF_8))
            });
    assertThat(row(page, "見積 2026.txt")).isVisible();
    assertThat(row(page, "memo.txt")).isVisible();

    // The same name again (another case) is refused with a clear message.
    page.getByTestId("drive-file-input")
        .setInputFiles(new FilePayload("MEMO.TXT", "text/plain", new byte[] {1}));
    assertThat(page.locator(".drive-upload-error")).containsText("同じ名前");

    // Download it and compare.
    Download download =
        page.waitForDownload(
            () -> row(page, "見積 2026.txt").getByRole(AriaRole.LINK).first().click());
    assertThat(Files.readString(download.path(), StandardCharsets.UTF_8)).isEqualTo(text);
    assertThat(download.suggestedFilename()).isEqualTo("見積 2026.txt");

    // Search by name from the folder.
    page.getByPlaceholder("ドライブ内を名前で検索").fill("見積");
    assertThat(page.locator(".drive-results")).isVisible();
    assertThat(row(page, "見積 2026.txt")).isVisible();
    page.getByPlaceholder("ドライブ内を名前で検索").fill("");
    browser.screenshot(page, "drive.png");

    // Back to the root by the breadcrumb; delete the folder to the trash and restore it.
    page.locator(".drive-crumbs a").first().click();
    assertThat(row(page, "見積書")).isVisible();
    row(page, "見積書")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("ゴミ箱へ移動"))
        .click();
    page.locator("dialog")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("ゴミ箱へ移動"))
        .click();
    assertThat(row(page, "見積書")).hasCount(0);
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("ゴミ箱")).click();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("元に戻す")).click();
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("ドライブに戻る")).click();
    assertThat(row(page, "見積書")).isVisible();

    // Phone width: the list still works.
    Page phone = browser.newPage(390, 844);
    phone.navigate("/#/drive");
    Browser.submitPassword(phone, "tanaka@" + company.domain(), PASSWORD);
    assertThat(row(phone, "見積書")).isVisible();
    assertThat(phone.getByTestId("drive-upload")).isVisible();

    // When the company's policy refuses members' downloads, the page says so and offers none.
    row(phone, "見積書").getByRole(AriaRole.LINK).first().click();
    assertThat(row(phone, "memo.txt").getByTestId("drive-download")).hasCount(1);
    admin.send("PUT", "/api/v1/admin/drive-policy", "{\"downloadDeniedRoles\":[\"member\"]}", 200);
    phone.reload();
    assertThat(phone.getByTestId("drive-download-blocked")).containsText("ロールではダウンロードできません");
    assertThat(row(phone, "memo.txt")).isVisible();
    assertThat(phone.getByTestId("drive-download")).hasCount(0);
  }

  @Test
  void previewShareOutsideAndASharedDriveWithMembers() throws Exception {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "共有テスト株式会社");
    MusubiHttp admin = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    for (String[] m : new String[][] {{"sato", "佐藤 花子"}, {"kato", "加藤 誠"}}) {
      admin.post(
          "/api/v1/admin/members",
          MusubiHttp.json("loginId", m[0], "password", PASSWORD, "displayName", m[1]),
          201);
    }
    Page page = browser.newPage(1280, 800);
    page.navigate("/#/drive");
    Browser.submitPassword(page, "sato@" + company.domain(), PASSWORD);
    assertThat(page.getByTestId("drive")).isVisible();
    byte[] pdf = dev.musubi.drive.DrivePreviewIntegrationTests.pdf(false);
    page.getByTestId("drive-file-input")
        .setInputFiles(
            new FilePayload[] {
              new FilePayload(
                  "議事録.txt", "text/plain", "第一回 定例会\n".getBytes(StandardCharsets.UTF_8)),
              new FilePayload("見積書.pdf", "application/pdf", pdf)
            });
    assertThat(row(page, "見積書.pdf")).isVisible();

    // Previews: the text itself, the first page of the PDF drawn by the server.
    row(page, "議事録.txt").locator(".drive-open").click();
    assertThat(page.getByTestId("drive-preview-text")).hasText("第一回 定例会\n");
    page.keyboard().press("Escape");
    row(page, "見積書.pdf").locator(".drive-open").click();
    Locator img = page.getByTestId("drive-preview-image");
    assertThat(img).isVisible();
    page.waitForCondition(
        () -> ((Number) img.evaluate("i => i.complete ? i.naturalHeight : 0")).intValue() > 0);
    assertThat(((Number) img.evaluate("i => i.naturalHeight")).intValue()).isEqualTo(1024);
    browser.screenshot(page, "drive-preview.png");
    page.keyboard().press("Escape");

    // A password-protected link for someone outside, opened in a browser that never signed in.
    row(page, "見積書.pdf").getByTestId("drive-share").click();
    page.getByLabel("パスワード（任意）").fill("kagi-1234");
    page.getByLabel("ダウンロード回数の上限（任意）").fill("1");
    page.getByTestId("drive-share-create").click();
    String url = page.getByTestId("drive-share-url").inputValue();
    assertThat(url).contains("/#/share/");
    assertThat(page.getByTestId("drive-links")).containsText("ダウンロード 0 / 1 回");

    Page outsider = browser.newPage(390, 844);
    outsider.navigate(url.substring(url.indexOf("/#/")));
    assertThat(outsider.getByTestId("drive-public")).containsText("見積書.pdf");
    outsider.getByLabel("パスワード").fill("wrong-password");
    outsider.getByTestId("drive-public-download").click();
    assertThat(outsider.getByTestId("drive-public")).containsText("パスワードが違います");
    outsider.getByLabel("パスワード").fill("kagi-1234");
    Download got =
        outsider.waitForDownload(() -> outsider.getByTestId("drive-public-download").click());
    assertThat(Files.readAllBytes(got.path())).isEqualTo(pdf);
    assertThat(got.suggestedFilename()).isEqualTo("見積書.pdf");
    // The one allowed download is used up: the link now reads as gone.
    outsider.reload();
    assertThat(outsider.getByTestId("drive-public")).containsText("無効か、期限が切れています");

    // The owner sees the count and revokes the link.
    page.keyboard().press("Escape");
    row(page, "見積書.pdf").getByTestId("drive-share").click();
    assertThat(page.getByTestId("drive-links")).containsText("ダウンロード 1 / 1 回");
    page.keyboard().press("Escape");

    // Only a super admin creates shared drives; the admin creates one and adds a colleague as
    // editor, who then sees it.
    assertThat(page.getByTestId("drive-new-drive")).hasCount(0);
    page = browser.newPage(1280, 800);
    page.navigate("/#/drive");
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    page.getByTestId("drive-new-drive").click();
    page.locator("dialog")
        .getByRole(AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName("名前").setExact(true))
        .fill("営業部");
    page.getByTestId("drive-name-save").click();
    assertThat(page.locator(".drive-tab-active")).containsText("営業部");
    page.getByTestId("drive-members").click();
    page.getByLabel("メンバーを名前で検索").fill("加藤");
    page.getByTestId("drive-member-results")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("追加"))
        .click();
    assertThat(page.getByTestId("drive-grants")).containsText("加藤 誠");
    assertThat(page.getByTestId("drive-grants")).containsText("編集者");

    Page kato = browser.newPage(1280, 800);
    kato.navigate("/#/drive");
    Browser.submitPassword(kato, "kato@" + company.domain(), PASSWORD);
    assertThat(kato.locator(".drive-tabs")).containsText("営業部");
  }
}
