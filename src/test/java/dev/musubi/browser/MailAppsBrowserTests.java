package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.musubi.identity.ProtocolLogins;
import dev.musubi.mail.submission.SubmissionServer;
import dev.musubi.testing.MusubiIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** My account, Mail apps: the settings to type into a mail app and an app password for it. */
@MusubiIntegrationTest
class MailAppsBrowserTests extends BrowserTestBase {

  @Autowired SubmissionServer submission;
  @Autowired dev.musubi.mail.imap.ImapServer imapServer;
  @Autowired ProtocolLogins logins;

  @Test
  void showsTheServerSettingsAndCreatesAnAppPasswordThatSignsInAMailApp() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "メール設定株式会社");
    Page page = browser.newPage();
    page.navigate("/#/account/tokens");
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("メールアプリ")))
        .isVisible();

    var imap = page.getByTestId("mail-apps-imap");
    assertThat(imap).containsText("受信メール（IMAP）");
    assertThat(imap).containsText(String.valueOf(imapServer.port()));
    assertThat(imap).containsText("mx.musubi.test");
    assertThat(imap).containsText(company.adminLoginId());
    var smtp = page.getByTestId("mail-apps-smtp");
    assertThat(smtp).containsText("送信メール（SMTP）");
    assertThat(smtp).containsText(String.valueOf(submission.port()));
    assertThat(page.getByTestId("mail-apps")).containsText("送信済みにコピーを保存");
    page.locator("h1.page-title").evaluate("e => e.scrollIntoView({block: 'start'})");
    browser.screenshot(page, "account-mail-apps.png");

    page.getByTestId("create-mail-app-password").click();
    var created = page.getByTestId("new-mail-app-password");
    assertThat(created).isVisible();
    String appPassword = created.locator("code.secret").textContent().strip();
    assertThat(appPassword).startsWith("mus_");
    // The token list below shows it, with both scopes a mail app needs.
    assertThat(page.locator("table")).containsText("メールアプリ");
    assertThat(page.locator("table")).containsText("書き込み");

    // What a mail app does with it: sign in over IMAP or submission.
    var member = logins.authenticate(company.adminLoginId(), appPassword, "127.0.0.1", "test");
    assertThat(member.loginId()).isEqualTo(company.adminLoginId());
  }
}
