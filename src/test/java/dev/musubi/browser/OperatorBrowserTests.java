package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The operator console: companies, adding one with its first admin, incident summaries. */
@MusubiIntegrationTest
class OperatorBrowserTests extends BrowserTestBase {

  @Test
  void theOperatorAddsACompanyWhoseAdminCanSignIn() {
    MusubiHttp.TestCompany existing = MusubiHttp.newCompany(port, "既存運用株式会社");
    new MusubiHttp(port)
        .signIn(existing.adminLoginId(), existing.adminPassword())
        .post(
            "/api/v1/incidents",
            "{\"category\":\"phishing\",\"summary\":\"怪しいメール\",\"details\":\"本文は運用者に見せない\"}",
            201);

    Page page = browser.newPage();
    page.navigate("/");
    Browser.submitPassword(page, "operator", MusubiHttp.OPERATOR_PASSWORD);
    assertThat(
            page.getByRole(
                AriaRole.HEADING, new Page.GetByRoleOptions().setName("Operator console")))
        .isVisible();
    // The operator account's language is English; the console follows it.
    assertThat(page.locator("[data-nav=operator]")).hasText("Operations");
    assertThat(page.locator("[data-nav=talk]")).hasCount(0);
    assertThat(page.getByTestId("operator-companies")).containsText(existing.domain());
    Locator incidents = page.getByTestId("operator-incidents");
    assertThat(incidents).containsText("既存運用株式会社");
    assertThat(incidents).containsText("phishing");
    assertThat(incidents).not().containsText("怪しいメール");

    // Backups need MUSUBI_BACKUP_DIR, which this server has not: the card says so.
    assertThat(page.getByTestId("operator-backups")).containsText("MUSUBI_BACKUP_DIR");

    // A bad domain is refused with its field error; then the company is added.
    Locator form = page.getByTestId("add-company");
    String domain = "t" + UUID.randomUUID().toString().substring(0, 8) + ".example.jp";
    form.getByLabel("Company name").fill("新規運用株式会社");
    form.getByLabel("Domain").fill("not a domain");
    form.getByLabel("Admin login ID").fill("kanri@" + domain);
    form.getByLabel("Admin initial password").fill("Kumo-no-Ue-Sora-8642!");
    page.getByTestId("create-company").click();
    assertThat(form.locator(".field-error, [role=alert]").first()).isVisible();
    assertThat(page.getByTestId("operator-companies")).not().containsText("新規運用株式会社");
    form.getByLabel("Domain").fill(domain);
    page.getByTestId("create-company").click();
    assertThat(page.getByTestId("operator-companies")).containsText("新規運用株式会社");
    assertThat(form.getByLabel("Company name")).hasValue("");
    page.locator("h1.page-title").evaluate("e => e.scrollIntoView({block: 'start'})");
    browser.screenshot(page, "operator-console.png");

    // The new company's admin signs in.
    new MusubiHttp(port).signIn("kanri@" + domain, "Kumo-no-Ue-Sora-8642!");
  }
}
