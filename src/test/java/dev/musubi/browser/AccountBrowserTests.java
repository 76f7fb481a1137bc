package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** My account: profile, password, sessions, access tokens and turning two-step off. */
@MusubiIntegrationTest
class AccountBrowserTests extends BrowserTestBase {

  static final String NEW_PASSWORD = "Hotaru-Semi-Suzumushi-9753!";

  @Autowired TestClock clock;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  private Page signedIn(MusubiHttp.TestCompany company, String tab) {
    Page page = browser.newPage();
    page.navigate("/#/account/" + tab);
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    assertThat(page.getByTestId("company-name")).hasText(company.name());
    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("マイアカウント")))
        .isVisible();
    return page;
  }

  private static Locator button(Page page, String name) {
    return page.getByRole(
        AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  @Test
  void changesDisplayNameAndLanguageAndTheUiSwitchesToEnglish() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "プロフィール株式会社");
    Page page = signedIn(company, "profile");

    page.getByLabel("表示名").fill("結 太郎");
    page.getByLabel("表示言語").selectOption("en");
    button(page, "保存").click();

    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("My account")))
        .isVisible();
    assertThat(page.getByTestId("account-menu")).containsText("結 太郎");
    assertThat(page.locator("[data-nav=talk]")).hasText("Talk");
    assertThat(page.getByLabel("Display name")).hasValue("結 太郎");

    // The choice is the member's, not the browser's: it survives a reload in a Japanese browser.
    page.reload();
    assertThat(page.locator("[data-nav=contacts]")).hasText("Contacts");
    page.locator("[data-nav=talk]").click();
    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Talk")))
        .isVisible();
    browser.screenshot(page, "app-en.png");
  }

  @Test
  void turnsTheMentionDigestOffAndTheChoiceIsKept() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "通知設定株式会社");
    Page page = signedIn(company, "profile");
    Locator digest = page.getByTestId("mention-digest");
    assertThat(digest).isChecked();
    digest.click();
    assertThat(page.getByRole(AriaRole.STATUS)).containsText("通知の設定を保存しました");
    assertThat(digest).not().isChecked();
    page.reload();
    assertThat(page.getByTestId("notifications")).containsText("未読のメンションをメールで知らせる");
    assertThat(page.getByTestId("mention-digest")).not().isChecked();
  }

  @Test
  void changesThePasswordAfterAFieldError() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "パスワード株式会社");
    Page page = signedIn(company, "password");

    page.getByLabel("現在のパスワード").fill(company.adminPassword());
    page.getByLabel("新しいパスワード", new Page.GetByLabelOptions().setExact(true)).fill("short");
    page.getByLabel("新しいパスワード（確認）").fill("short");
    button(page, "パスワードを変更").click();
    Locator invalid = page.locator(".field-invalid");
    assertThat(invalid.getByLabel("新しいパスワード", new Locator.GetByLabelOptions().setExact(true)))
        .isVisible();
    assertThat(invalid.locator(".field-error")).hasText("10文字以上にしてください。");

    page.getByLabel("新しいパスワード", new Page.GetByLabelOptions().setExact(true)).fill(NEW_PASSWORD);
    page.getByLabel("新しいパスワード（確認）").fill(NEW_PASSWORD);
    button(page, "パスワードを変更").click();
    assertThat(page.getByText("パスワードを変更しました。")).isVisible();
    assertThat(page.locator(".field-invalid")).hasCount(0);
    assertThat(page.getByLabel("現在のパスワード")).hasValue("");

    // The new password signs in; the old one no longer does.
    new MusubiHttp(port).signIn(company.adminLoginId(), NEW_PASSWORD);
    Page other = browser.newPage();
    other.navigate("/");
    Browser.submitPassword(other, company.adminLoginId(), company.adminPassword());
    assertThat(other.getByRole(AriaRole.ALERT)).containsText("ログインIDまたはパスワードが正しくありません");
  }

  @Test
  void endingAnotherSessionSignsThatBrowserOut() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "セッション株式会社");
    Page page = signedIn(company, "sessions");
    Page other = browser.newPage();
    other.navigate("/");
    Browser.submitPassword(other, company.adminLoginId(), company.adminPassword());
    assertThat(other.getByTestId("company-name")).hasText("セッション株式会社");

    page.reload();
    Locator rows = page.locator("table tbody tr");
    assertThat(rows).hasCount(2);
    Locator current = rows.filter(new Locator.FilterOptions().setHasText("この端末"));
    assertThat(current).hasCount(1);
    assertThat(current.getByRole(AriaRole.BUTTON)).hasCount(0);

    Locator otherRow = rows.filter(new Locator.FilterOptions().setHasNotText("この端末"));
    otherRow.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("終了")).click();
    assertThat(page.getByText("セッションを終了しました。")).isVisible();
    assertThat(rows).hasCount(1);

    other.reload();
    assertThat(
            other.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Musubi にログイン")))
        .isVisible();
    // This browser is still signed in.
    page.reload();
    assertThat(page.locator("table tbody tr")).hasCount(1);
  }

  @Test
  void createsAPersonalTokenShownOnceAndRevokesIt() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "トークン株式会社");
    Page page = signedIn(company, "tokens");
    page.context().grantPermissions(List.of("clipboard-read", "clipboard-write"));
    assertThat(page.getByText("アクセストークンはありません。")).isVisible();

    page.getByLabel("名前", new Page.GetByLabelOptions().setExact(true)).fill("バックアップスクリプト");
    button(page, "トークンを作成").click();
    Locator reveal = page.getByTestId("new-token");
    assertThat(reveal).containsText("このトークンは今だけ表示されます");
    String token = reveal.locator("code").textContent().trim();
    assertThat(token).isNotBlank();
    reveal.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("コピー")).click();
    assertThat(reveal.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("コピーしました")))
        .isVisible();
    assertThat(page.evaluate("() => navigator.clipboard.readText()")).isEqualTo(token);

    Locator row = page.locator("tr", new Page.LocatorOptions().setHasText("バックアップスクリプト"));
    assertThat(row).containsText("読み取り");
    // Shown once: gone after closing, and not in the list.
    reveal.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("閉じる")).click();
    assertThat(page.getByTestId("new-token")).hasCount(0);
    assertThat(page.getByText(token)).hasCount(0);

    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("取り消す")).click();
    Locator dialog = page.getByRole(AriaRole.DIALOG);
    assertThat(dialog).containsText("バックアップスクリプト");
    dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("取り消す")).click();
    assertThat(page.getByText("トークンを取り消しました。")).isVisible();
    assertThat(page.getByText("アクセストークンはありません。")).isVisible();
  }

  @Test
  void turnsTwoStepVerificationOffWithThePassword() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "無効化株式会社");
    Page page = signedIn(company, "mfa");
    assertThat(page.locator(".badge").first()).hasText("無効");
    new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword()).enrolTotp();

    page.reload();
    assertThat(page.locator(".badge-success").first()).hasText("有効");
    button(page, "2段階認証を無効にする").click();
    Locator dialog = page.getByRole(AriaRole.DIALOG);
    dialog.getByLabel("パスワード").fill("not-the-password-1");
    dialog
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("2段階認証を無効にする"))
        .click();
    assertThat(dialog.locator(".field-error, .alert")).isVisible();

    dialog.getByLabel("パスワード").fill(company.adminPassword());
    dialog
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("2段階認証を無効にする"))
        .click();
    assertThat(page.getByText("2段階認証を無効にしました。")).isVisible();
    assertThat(page.locator(".badge").first()).hasText("無効");

    // The password alone signs in again.
    new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
  }

  @Test
  void anExpiredPasswordMustBeChangedBeforeAnythingElse() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "期限切れ株式会社");
    MusubiHttp admin = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    String policy = admin.send("GET", "/api/v1/admin/security-settings", null, 200);
    admin.send(
        "PUT",
        "/api/v1/admin/security-settings",
        policy.replaceFirst("\"passwordMaxAgeDays\"\\s*:\\s*\\d+", "\"passwordMaxAgeDays\":30"),
        200);
    clock.advance(Duration.ofDays(31));

    Page page = browser.newPage();
    page.navigate("/#/contacts");
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    assertThat(page.getByTestId("password-expired")).containsText("パスワードの有効期限が切れています");
    assertThat(page).hasURL(java.util.regex.Pattern.compile("#/account/password$"));
    assertThat(page.getByLabel("現在のパスワード")).isVisible();
    // Everything else sends the member back to the password form.
    page.locator("[data-nav=contacts]").click();
    assertThat(page).hasURL(java.util.regex.Pattern.compile("#/account/password$"));
    assertThat(page.getByLabel("現在のパスワード")).isVisible();

    page.getByLabel("現在のパスワード").fill(company.adminPassword());
    page.getByLabel("新しいパスワード", new Page.GetByLabelOptions().setExact(true)).fill(NEW_PASSWORD);
    page.getByLabel("新しいパスワード（確認）").fill(NEW_PASSWORD);
    button(page, "パスワードを変更").click();
    assertThat(page.getByText("パスワードを変更しました。")).isVisible();
    assertThat(page.getByTestId("password-expired")).hasCount(0);
    page.locator("[data-nav=contacts]").click();
    assertThat(page).hasURL(java.util.regex.Pattern.compile("#/contacts$"));
    assertThat(page.locator("table .person-name").first()).isVisible();
  }
}
