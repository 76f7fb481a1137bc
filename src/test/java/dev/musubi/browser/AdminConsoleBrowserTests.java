package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The admin console: reset links, import, roles, security settings, access review, alerts. */
@MusubiIntegrationTest
class AdminConsoleBrowserTests extends BrowserTestBase {

  static final String MEMBER_PASSWORD = "Asagao-Hirugao-1357!";
  static final String NEW_PASSWORD = "Akane-Sora-Kumo-2468!";

  @Autowired TestClock clock;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  /** Every tab lies inside the tab row and the row inside the window: nothing scrolls sideways. */
  static final String TABS_FIT =
      "n => { const r = n.getBoundingClientRect();"
          + " return r.right <= document.documentElement.clientWidth"
          + " && [...n.querySelectorAll('a')].every(a => { const b = a.getBoundingClientRect();"
          + " return b.left >= r.left - 1 && b.right <= r.right + 1; }); }";

  private Page signedInAdmin(MusubiHttp.TestCompany company, int width, int height) {
    Page page = browser.newPage(width, height);
    page.navigate("/#/admin/members");
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    assertThat(page.locator("[data-member='" + company.adminLoginId() + "']")).isVisible();
    return page;
  }

  private static Locator button(Locator scope, String name) {
    return scope.getByRole(
        AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name).setExact(true));
  }

  @Test
  void aResetLinkLetsTheMemberSetANewPasswordOnce() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "再設定テスト株式会社");
    new MusubiHttp(port)
        .signIn(company.adminLoginId(), company.adminPassword())
        .post(
            "/api/v1/admin/members",
            MusubiHttp.json(
                "loginId", "wasure", "password", MEMBER_PASSWORD, "displayName", "忘れ 太郎"),
            201);
    String login = "wasure@" + company.domain();
    Page admin = signedInAdmin(company, 1280, 800);
    Locator row =
        admin.locator(
            "tr", new Page.LocatorOptions().setHas(admin.locator("[data-member='" + login + "']")));
    row.getByTestId("reset-link-button").click();
    Locator dialog = admin.getByTestId("reset-link");
    assertThat(dialog).containsText("/#/reset?token=");
    browser.screenshot(admin, "admin-reset-link.png");
    String url = dialog.locator("code").textContent();

    Page member = browser.newPage(390, 844);
    member.navigate(url.substring(url.indexOf("/#/")));
    Locator form = member.getByTestId("reset-form");
    form.locator("input[name=password]").fill("short");
    form.locator("input[name=confirm]").fill("short");
    button(form, "パスワードを設定").click();
    assertThat(form.locator(".field-error").first()).isVisible();
    form.locator("input[name=password]").fill(NEW_PASSWORD);
    form.locator("input[name=confirm]").fill(NEW_PASSWORD);
    browser.screenshot(member, "reset-password-phone.png");
    button(form, "パスワードを設定").click();
    assertThat(member.getByText("パスワードを設定しました")).isVisible();

    // The link works once.
    Page again = browser.newPage();
    again.navigate(url.substring(url.indexOf("/#/")));
    again.getByTestId("reset-form").locator("input[name=password]").fill(NEW_PASSWORD + "x");
    again.getByTestId("reset-form").locator("input[name=confirm]").fill(NEW_PASSWORD + "x");
    button(again.getByTestId("reset-form"), "パスワードを設定").click();
    assertThat(again.getByRole(AriaRole.ALERT)).containsText("link");

    new MusubiHttp(port).signIn(login, NEW_PASSWORD);
  }

  @Test
  void importRolesSecurityReviewAndAlerts() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "管理画面テスト株式会社");
    new MusubiHttp(port)
        .signIn(company.adminLoginId(), company.adminPassword())
        .post(
            "/api/v1/admin/members",
            MusubiHttp.json("loginId", "kansa", "password", MEMBER_PASSWORD, "displayName", "監査 花子")
                .replace("}", ",\"roles\":[\"auditor\"]}"),
            201);
    Page admin = signedInAdmin(company, 1280, 900);

    // Import: a dry run with an error, then a clean file.
    admin.getByTestId("import-members").click();
    Locator imp = admin.getByTestId("import-dialog");
    imp.locator("input[type=file]")
        .setInputFiles(
            new FilePayload(
                "members.csv",
                "text/csv",
                "loginId,displayName,email\nsato,佐藤 一郎,bad-mail\nsuzuki,鈴木 花子,\n"
                    .getBytes(StandardCharsets.UTF_8)));
    imp.getByTestId("import-check").click();
    assertThat(imp.locator("tbody tr")).hasCount(1);
    assertThat(imp.getByTestId("import-commit")).isDisabled();
    browser.screenshot(admin, "admin-import.png");
    imp.locator("input[type=file]")
        .setInputFiles(
            new FilePayload(
                "members.csv",
                "text/csv",
                "loginId,displayName\nsato,佐藤 一郎\nsuzuki,鈴木 花子\n"
                    .getBytes(StandardCharsets.UTF_8)));
    imp.getByTestId("import-check").click();
    assertThat(imp.getByTestId("import-commit")).isEnabled();
    imp.getByTestId("import-commit").click();
    admin.keyboard().press("Escape");
    assertThat(admin.locator("[data-member='sato@" + company.domain() + "']")).isVisible();

    // Roles: a custom role from permissions.
    admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("ロール")).click();
    admin.getByTestId("add-role").click();
    Locator roleForm = admin.getByTestId("role-form");
    roleForm.locator("input[name=name]").fill("名簿閲覧");
    roleForm.getByLabel("メンバーの閲覧").check();
    button(roleForm, "作成").click();
    assertThat(admin.locator("tbody")).containsText("名簿閲覧");
    browser.screenshot(admin, "admin-roles.png");

    // Security settings: saved now; after 16 minutes the console asks for the password again.
    admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("セキュリティ設定")).click();
    Locator sec = admin.getByTestId("security-form");
    sec.locator("input[name=lockoutThreshold]").fill("7");
    button(sec, "保存").click();
    assertThat(admin.getByText("セキュリティ設定を保存しました")).isVisible();
    sec.locator("textarea[name=ipAllowlist]").fill("10.0.0.0/8");
    button(sec, "保存").click();
    assertThat(sec.locator(".field-error")).containsText("127.0.0.1");
    sec.locator("textarea[name=ipAllowlist]").fill("");
    clock.advance(Duration.ofMinutes(16));
    sec.locator("input[name=lockoutThreshold]").fill("8");
    button(sec, "保存").click();
    Locator reauth = admin.getByTestId("reauth-form");
    assertThat(reauth).isVisible();
    reauth.locator("input[name=password]").fill(company.adminPassword());
    browser.screenshot(admin, "admin-security-reauth.png");
    button(reauth, "確認").click();
    assertThat(reauth).isHidden();
    assertThat(admin.getByText("セキュリティ設定を保存しました").first()).isVisible();
    clock.reset();

    // The same page holds every company policy, each saved in place (re-authentication is fresh).
    Locator twoStep = admin.getByTestId("policy-two-step");
    twoStep.locator("select[name=mfaRequirement]").selectOption("all");
    twoStep.locator("input[name=mfa-totp]").uncheck();
    twoStep.locator("input[name=mfa-passkey]").uncheck();
    button(sec, "保存").click();
    assertThat(twoStep.locator(".field-error")).containsText("1つ以上の方式");
    twoStep.locator("input[name=mfa-passkey]").check();
    twoStep.locator("select[name=mfaRequirement]").selectOption("none");
    button(sec, "保存").click();
    assertThat(twoStep.locator(".field-error")).hasCount(0);
    Locator drive = admin.getByTestId("drive-policy-form");
    drive.locator("input[name=outsideLinks]").uncheck();
    drive.locator("input[name=blockedExtensions]").fill("exe, .BAT");
    drive.locator("input[name=versionsKept]").fill("0");
    button(drive, "保存").click();
    // The server answers its field message in the page's language (Accept-Language: ja).
    assertThat(drive.locator(".field-error")).hasText("1から1000までの値にしてください。");
    drive.locator("input[name=versionsKept]").fill("20");
    drive.locator("textarea[name=downloadNetworks]").fill("10.0.0.0/33");
    button(drive, "保存").click();
    assertThat(drive.locator(".field-error")).containsText("形式が正しくありません");
    drive.locator("textarea[name=downloadNetworks]").fill("127.0.0.0/8\n::1");
    assertThat(drive.locator("input[name=deny-member]")).not().isChecked();
    drive.locator("input[name=deny-auditor]").check();
    button(drive, "保存").click();
    assertThat(admin.getByText("ドライブのポリシーを保存しました")).isVisible();
    assertThat(drive.locator("input[name=blockedExtensions]")).hasValue("exe, bat");
    assertThat(drive.locator("textarea[name=downloadNetworks]")).hasValue("127.0.0.0/8\n::1");
    assertThat(drive.locator("input[name=deny-auditor]")).isChecked();
    Locator talk = admin.getByTestId("talk-policy-form");
    talk.locator("select[name=recallWindowHours]").selectOption("1");
    talk.locator("input[name=readByVisible]").uncheck();
    button(talk, "保存").click();
    assertThat(admin.getByText("トークの設定を保存しました")).isVisible();
    Locator retention = admin.getByTestId("retention-policy-form");
    retention.locator("input[name=days-messages]").fill("365");
    button(retention, "保存").click();
    assertThat(admin.getByText("保存期間を保存しました")).isVisible();
    // The admin tabs fit: no horizontal scrolling at 1280 px nor on a phone.
    Locator tabs = admin.getByTestId("admin-tabs");
    assertThat(tabs.locator("a")).hasCount(12);
    assertThat((Boolean) tabs.evaluate(TABS_FIT)).isTrue();
    admin.setViewportSize(1280, 2400);
    admin.evaluate(
        "() => { document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; });"
            + " scrollTo(0, 0); }");
    browser.screenshot(admin, "admin-security-settings.png");
    admin.setViewportSize(390, 844);
    assertThat((Boolean) tabs.evaluate(TABS_FIT)).isTrue();
    admin.setViewportSize(1280, 900);
    assertThat(
            new MusubiHttp(port)
                .signIn(company.adminLoginId(), company.adminPassword())
                .send("GET", "/api/v1/admin/drive-policy", null, 200))
        .contains("\"outsideLinks\":false")
        .contains("\"blockedExtensions\":[\"exe\",\"bat\"]");
    // My account follows the allowed methods: authenticator apps are now off for the company.
    admin.navigate("/#/account/mfa");
    admin.reload();
    assertThat(admin.getByText("認証アプリは2段階認証に使えません")).isVisible();
    assertThat(admin.getByTestId("mfa-start")).hasCount(0);
    admin.navigate("/#/admin/security");

    // Access review: start a cycle and sign one member off.
    admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("アクセスレビュー")).click();
    admin.locator("input[name=cycleName]").fill("2026年 第4四半期");
    admin.getByTestId("start-review").click();
    Locator kansa =
        admin.locator("tr", new Page.LocatorOptions().setHasText("kansa@" + company.domain()));
    button(kansa, "承認").click();
    assertThat(kansa).containsText("承認");
    browser.screenshot(admin, "admin-access-review.png");

    // Alerts: granting kansa the auditor role raised one; acknowledge it.
    admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("アラート")).click();
    Locator alert =
        admin.locator("tr", new Page.LocatorOptions().setHasText("kansa@" + company.domain()));
    assertThat(alert).containsText("管理者ロールの付与");
    assertThat(alert).containsText("role=auditor");
    // No IP-to-country file in this installation: the console says country alerts are off and why.
    assertThat(admin.getByTestId("country-alerts")).hasAttribute("data-state", "off");
    assertThat(admin.getByTestId("country-alerts")).containsText("国別アラートは無効です");
    assertThat(admin.getByTestId("country-alerts")).containsText("MUSUBI_GEOIP_CSV");
    Locator thresholds = admin.getByTestId("alert-settings");
    thresholds.locator("input[name=newCountryDays]").fill("0");
    button(thresholds, "保存").click();
    assertThat(thresholds.locator(".field-error")).containsText("3650");
    thresholds.locator("input[name=newCountryDays]").fill("30");
    button(thresholds, "保存").click();
    assertThat(thresholds.locator(".field-error")).hasCount(0);
    browser.screenshot(admin, "admin-alerts.png");
    button(alert, "確認済みにする").click();
    assertThat(alert).containsText("確認済み");

    admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("統計")).click();
    // Three uPlot charts (canvas), with legends in Japanese.
    Locator charts = admin.getByTestId("statistics").locator(".admin-uplot .uplot");
    assertThat(charts).hasCount(3);
    assertThat(charts.first().locator("canvas")).isVisible();
    assertThat(charts.first().locator(".u-legend")).containsText("日次");
    assertThat(charts.first().locator(".u-legend")).containsText("月次");
    assertThat(charts.nth(2).locator(".u-legend")).containsText("トーク送信数");
    assertThat(admin.locator("[data-figure=messagesSent]")).containsText("トーク送信数");
    assertThat(admin.locator("[data-figure=storageBytes] strong")).containsText("B");
    assertThat(admin.getByTestId("storage-per-member")).containsText("容量の大きい順");
    assertThat(admin.getByTestId("storage-per-member").locator("a[download]"))
        .hasAttribute("href", "/api/v1/admin/statistics/storage/export");
    browser.screenshot(admin, "admin-statistics.png");

    Page phone = signedInAdmin(company, 390, 844);
    phone.navigate("/#/admin/review");
    assertThat(phone.locator("tbody tr").first()).isVisible();
    browser.screenshot(phone, "admin-access-review-phone.png");
    // At phone width the charts follow the card's width.
    phone.navigate("/#/admin/statistics");
    Locator canvas = phone.locator(".admin-uplot .uplot canvas").first();
    assertThat(canvas).isVisible();
    org.assertj.core.api.Assertions.assertThat(canvas.boundingBox().width).isLessThanOrEqualTo(390);
  }
}
