package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.musubi.testing.MusubiIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * Passkeys end to end, with Chromium's virtual authenticator (DevTools WebAuthn domain) standing in
 * for a platform authenticator. The app is opened on {@code localhost}, the relying party ID.
 */
@MusubiIntegrationTest
class PasskeyBrowserTests extends BrowserTestBase {

  static final String LABEL = "会社のノートPC";

  @Override
  String host() {
    // WebAuthn refuses an IP address as the relying party ID.
    return "localhost";
  }

  /** A user-verifying platform authenticator that holds discoverable credentials. */
  static void addVirtualAuthenticator(Page page) {
    CDPSession cdp = page.context().newCDPSession(page);
    JsonObject enable = new JsonObject();
    enable.addProperty("enableUI", false);
    cdp.send("WebAuthn.enable", enable);
    JsonObject options = new JsonObject();
    options.addProperty("protocol", "ctap2");
    options.addProperty("transport", "internal");
    options.addProperty("hasResidentKey", true);
    options.addProperty("hasUserVerification", true);
    options.addProperty("isUserVerified", true);
    options.addProperty("automaticPresenceSimulation", true);
    JsonObject params = new JsonObject();
    params.add("options", options);
    JsonObject result = cdp.send("WebAuthn.addVirtualAuthenticator", params);
    assertThat(result.has("authenticatorId")).as("virtual authenticator %s", result).isTrue();
  }

  /** Signs in with the password on My account → Passkeys and registers a passkey there. */
  private Page memberWithPasskey(MusubiHttp.TestCompany company) {
    return memberWithPasskey(company, false);
  }

  /**
   * With {@code withTotp}, an authenticator app is enrolled too (over the API) before the passkey.
   */
  private Page memberWithPasskey(MusubiHttp.TestCompany company, boolean withTotp) {
    Page page = browser.newPage();
    addVirtualAuthenticator(page);
    page.navigate("/#/account/passkeys");
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    assertThat(page.getByTestId("company-name")).hasText(company.name());
    if (withTotp) {
      new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword()).enrolTotp();
    }
    assertThat(page.getByText("登録されたパスキーはありません。")).isVisible();

    page.getByLabel("パスキーの名前").fill(LABEL);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("パスキーを追加")).click();
    assertThat(page.locator("table td", new Page.LocatorOptions().setHasText(LABEL))).isVisible();
    assertThat(page.getByLabel("パスキーの名前")).hasValue("");
    return page;
  }

  private static JsonArray passkeys(Page page) {
    APIResponse res =
        page.request()
            .get(
                "/api/v1/me/passkeys",
                com.microsoft.playwright.options.RequestOptions.create()
                    .setHeader("Accept", "application/json"));
    assertThat(res.status()).as("GET /api/v1/me/passkeys → %s", res.text()).isEqualTo(200);
    return JsonParser.parseString(res.text()).getAsJsonArray();
  }

  private static void signOut(Page page) {
    page.getByTestId("account-menu").click();
    page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("ログアウト")).click();
    assertThat(
            page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Musubi にログイン")))
        .isVisible();
  }

  @Test
  void registersAPasskeyAndSignsInWithItWithoutAPassword() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "パスキー株式会社");
    Page page = memberWithPasskey(company);
    browser.screenshot(page, "account-passkeys.png");

    JsonArray keys = passkeys(page);
    assertThat(keys).hasSize(1);
    JsonObject registered = keys.get(0).getAsJsonObject();
    assertThat(registered.get("label").getAsString()).isEqualTo(LABEL);

    signOut(page);
    page.getByTestId("passkey-signin").click();
    assertThat(page.getByTestId("company-name")).hasText("パスキー株式会社");
    assertThat(page.locator("[data-nav=admin]")).isVisible();
    // The passkey's last use is recorded.
    JsonObject used = passkeys(page).get(0).getAsJsonObject();
    assertThat(used.get("lastUsedAt").isJsonNull()).as("lastUsedAt in %s", used).isFalse();
    assertThat(used.get("lastUsedAt").getAsString())
        .as("lastUsedAt after signing in, registered %s", registered)
        .isNotEqualTo(
            registered.get("lastUsedAt").isJsonNull()
                ? ""
                : registered.get("lastUsedAt").getAsString());
  }

  @Test
  void aPasskeyCompletesTheSecondStepAfterThePassword() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "二段目パスキー株式会社");
    Page page = memberWithPasskey(company);
    signOut(page);

    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("2段階認証")))
        .isVisible();
    // Passkeys only: no code field to fill in.
    assertThat(page.getByLabel("確認コード")).hasCount(0);
    page.getByTestId("passkey-second-step").click();
    assertThat(page.getByTestId("company-name")).hasText("二段目パスキー株式会社");
  }

  @Test
  void withAnAuthenticatorAppTooThePasskeyIsOfferedBesideTheCode() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "両方パスキー株式会社");
    Page page = memberWithPasskey(company, true);
    signOut(page);

    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    assertThat(page.getByLabel("確認コード")).isVisible();
    assertThat(page.getByTestId("passkey-second-step")).hasText("パスキーを使う");
    page.getByTestId("passkey-second-step").click();
    assertThat(page.getByTestId("company-name")).hasText("両方パスキー株式会社");
  }

  @Test
  void aDeletedPasskeyNoLongerSignsIn() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "削除パスキー株式会社");
    Page page = memberWithPasskey(company);

    Locator row = page.locator("tr", new Page.LocatorOptions().setHasText(LABEL));
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("削除")).click();
    Locator dialog = page.getByRole(AriaRole.DIALOG);
    assertThat(dialog).containsText(LABEL);
    dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("削除")).click();
    assertThat(page.getByText("登録されたパスキーはありません。")).isVisible();
    assertThat(passkeys(page)).isEmpty();

    signOut(page);
    // The authenticator still offers the credential; the server no longer knows it.
    page.getByTestId("passkey-signin").click();
    assertThat(page.getByRole(AriaRole.ALERT)).hasText("パスキーでログインできませんでした。");
    assertThat(page.getByTestId("company-name")).hasCount(0);
  }
}
