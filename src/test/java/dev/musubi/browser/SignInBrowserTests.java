package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import dev.musubi.testing.TotpCodes;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@MusubiIntegrationTest
class SignInBrowserTests extends BrowserTestBase {

  @Autowired TestClock clock;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  @Test
  void bootstrapAdminSignsInAndSeesTheAppFrameWithAdmin() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "結テスト株式会社");
    Page page = browser.newPage();
    page.navigate("/");

    assertThat(
            page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Musubi にログイン")))
        .isVisible();
    page.getByLabel("ログインID").fill(company.adminLoginId());
    browser.screenshot(page, "sign-in.png");
    page.getByLabel("パスワード", new Page.GetByLabelOptions().setExact(true))
        .fill("wrong-password-123");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("ログイン").setExact(true))
        .click();
    assertThat(page.getByRole(AriaRole.ALERT)).containsText("ログインIDまたはパスワードが正しくありません");

    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());

    assertThat(page.getByTestId("company-name")).hasText("結テスト株式会社");
    assertThat(page.locator("[data-nav=admin]")).isVisible();
    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("トーク")))
        .isVisible();
    assertThat(page.getByTestId("talk")).isVisible();
    browser.screenshot(page, "app.png");

    page.locator("[data-nav=admin]").click();
    assertThat(page.locator("[data-member='" + company.adminLoginId() + "']")).isVisible();
  }

  @Test
  void enrolsInTwoStepVerificationAndSignsInWithTheCode() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "二段階テスト株式会社");
    Page page = browser.newPage();
    page.navigate("/");
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    assertThat(page.getByTestId("company-name")).isVisible();

    page.getByTestId("account-menu").click();
    page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("マイアカウント")).click();
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("2段階認証").setExact(true))
        .click();
    page.getByTestId("mfa-start").click();

    String secret = page.getByTestId("totp-secret").textContent().trim();
    assertThat(page.locator("[data-testid=totp-enrolment] img")).isVisible();
    browser.screenshot(page, "account-mfa.png");
    long enrolStep = TotpCodes.step(clock.millis());
    page.getByLabel("認証アプリに表示された6桁のコード").fill(TotpCodes.code(secret, enrolStep));
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("有効にする")).click();

    assertThat(page.getByTestId("recovery-codes").locator("li")).not().hasCount(0);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("保管しました")).click();
    assertThat(page.locator(".badge-success").first()).hasText("有効");

    page.getByTestId("account-menu").click();
    page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("ログアウト")).click();
    assertThat(
            page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Musubi にログイン")))
        .isVisible();

    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("2段階認証")))
        .isVisible();
    // A code is good once: move to the authenticator's next code.
    clock.advance(Duration.ofSeconds(30));
    page.getByLabel("確認コード").fill(TotpCodes.code(secret, TotpCodes.step(clock.millis())));
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("確認").setExact(true))
        .click();
    assertThat(page.getByTestId("company-name")).hasText("二段階テスト株式会社");
  }

  @Test
  void aWrongTwoStepCodeCanBeCorrected() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "再入力テスト株式会社");
    String secret =
        new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword()).enrolTotp();
    long enrolStep = TotpCodes.step(clock.millis());
    Page page = browser.newPage();
    page.navigate("/");
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    String good = TotpCodes.code(secret, enrolStep);
    page.getByLabel("確認コード").fill("000000".equals(good) ? "111111" : "000000");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("確認").setExact(true))
        .click();
    assertThat(page.getByRole(AriaRole.ALERT)).hasText("コードが正しくありません。");

    clock.advance(Duration.ofSeconds(30));
    page.getByLabel("確認コード").fill(TotpCodes.code(secret, TotpCodes.step(clock.millis())));
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("確認").setExact(true))
        .click();
    assertThat(page.getByTestId("company-name")).hasText("再入力テスト株式会社");
  }
}
