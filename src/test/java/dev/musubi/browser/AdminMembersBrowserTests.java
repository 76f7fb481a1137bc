package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.musubi.testing.MusubiIntegrationTest;
import org.junit.jupiter.api.Test;

@MusubiIntegrationTest
class AdminMembersBrowserTests extends BrowserTestBase {

  static final String MEMBER_PASSWORD = "Asagao-Hirugao-1357!";

  private Page signedInAdmin(MusubiHttp.TestCompany company, int width, int height) {
    Page page = browser.newPage(width, height);
    page.navigate("/#/admin/members");
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    assertThat(page.locator("[data-member='" + company.adminLoginId() + "']")).isVisible();
    return page;
  }

  @Test
  void suspendingAMemberDropsTheirOpenPageBackToSignIn() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "停止テスト株式会社");
    Page admin = signedInAdmin(company, 1280, 800);

    admin.getByTestId("add-member").click();
    Locator form = admin.getByTestId("create-member");
    form.getByLabel("姓", new Locator.GetByLabelOptions().setExact(true)).fill("山田");
    form.getByLabel("名", new Locator.GetByLabelOptions().setExact(true)).fill("花子");
    form.getByLabel("姓（ふりがな）").fill("やまだ");
    form.getByLabel("名（ふりがな）").fill("はなこ");
    form.getByLabel("ログインID").fill("hanako");
    form.getByLabel("初期パスワード").fill("short");
    form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("作成")).click();
    // The server's field error is shown next to the field it concerns.
    assertThat(form.locator(".field-invalid").getByLabel("初期パスワード")).isVisible();

    form.getByLabel("初期パスワード").fill(MEMBER_PASSWORD);
    form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("作成")).click();
    String memberLogin = "hanako@" + company.domain();
    Locator row =
        admin.locator(
            "tr",
            new Page.LocatorOptions().setHas(admin.locator("[data-member='" + memberLogin + "']")));
    assertThat(row).containsText("山田 花子");
    assertThat(row).containsText("利用中");
    browser.screenshot(admin, "admin-members.png");

    Page member = browser.newPage();
    member.navigate("/");
    Browser.submitPassword(member, memberLogin, MEMBER_PASSWORD);
    assertThat(member.getByTestId("company-name")).hasText("停止テスト株式会社");
    assertThat(member.locator("[data-nav=admin]")).hasCount(0);
    member.locator("[data-nav=contacts]").click();
    assertThat(member.locator("table .person-name", new Page.LocatorOptions().setHasText("山田 花子")))
        .isVisible();

    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("停止")).click();
    admin
        .getByRole(AriaRole.DIALOG)
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("停止"))
        .click();
    assertThat(row).containsText("停止中");
    assertThat(row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("再開")))
        .isVisible();

    // The member's next API call answers 401 and the client returns to the sign-in form.
    member.locator("[data-nav=talk]").click();
    assertThat(
            member.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Musubi にログイン")))
        .isVisible();
    // The suspension is in the audit log, whose hash chain verifies.
    admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("監査ログ")).click();
    admin.locator("select[name=action]").selectOption("MEMBER_SUSPENDED");
    assertThat(admin.locator("tbody tr")).hasCount(1);
    assertThat(admin.locator("tbody tr")).containsText(company.adminLoginId());
    admin.getByTestId("audit-verify").click();
    assertThat(admin.getByText("改ざんはありません")).isVisible();

    member.reload();
    assertThat(
            member.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Musubi にログイン")))
        .isVisible();
    Browser.submitPassword(member, memberLogin, MEMBER_PASSWORD);
    assertThat(member.getByRole(AriaRole.ALERT)).isVisible();
    assertThat(member.getByTestId("company-name")).hasCount(0);
  }

  @Test
  void displayNamesAreShownAsTextNeverAsMarkup() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "表示テスト株式会社");
    String hostile = "<img src=x onerror=alert(1)>";
    new MusubiHttp(port)
        .signIn(company.adminLoginId(), company.adminPassword())
        .post(
            "/api/v1/admin/members",
            MusubiHttp.json(
                "loginId", "mallory",
                "password", MEMBER_PASSWORD,
                "displayName", hostile,
                "familyName", "悪意",
                "givenName", "太郎"),
            201);

    Page admin = signedInAdmin(company, 1280, 800);
    Locator cell = admin.locator("[data-member='mallory@" + company.domain() + "']");
    assertThat(cell.locator(".person-name")).hasText(hostile);
    assertThat(admin.locator("img[src=x]")).hasCount(0);

    admin.locator("[data-nav=contacts]").click();
    assertThat(admin.getByText(hostile)).isVisible();
    assertThat(admin.locator("img[src=x]")).hasCount(0);

    admin.locator("[data-nav=admin]").click();
    assertThat(cell).isVisible();
    assertThat(browser.dialogs).isEmpty();
  }

  @Test
  void worksOnAPhoneSizedScreen() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "スマホテスト株式会社");
    Page phone = signedInAdmin(company, 390, 844);
    Locator bottomBar = phone.locator("nav.sidenav");
    assertThat(bottomBar).isVisible();
    // The navigation sits at the bottom of the screen, below the page.
    double top = bottomBar.boundingBox().y;
    assertThat(top).isGreaterThan(700);
    assertThat(phone.locator("[data-nav=admin]")).isVisible();
    assertThat((Boolean) phone.evaluate("document.documentElement.scrollWidth <= 390")).isTrue();
    browser.screenshot(phone, "phone.png");
  }

  @Test
  void deletingAMemberCanHandTheirDriveToAColleague() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "引き継ぎテスト株式会社");
    MusubiHttp api = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    for (String[] m : new String[][] {{"taisha", "退社 一郎"}, {"koukei", "後継 花子"}}) {
      api.post(
          "/api/v1/admin/members",
          MusubiHttp.json("loginId", m[0], "password", MEMBER_PASSWORD, "displayName", m[1]),
          201);
    }
    MusubiHttp leaving = new MusubiHttp(port).signIn("taisha@" + company.domain(), MEMBER_PASSWORD);
    leaving.send("GET", "/api/v1/drive/drives", null, 200);

    Page admin = signedInAdmin(company, 1280, 800);
    Locator row =
        admin.locator(
            "tr",
            new Page.LocatorOptions()
                .setHas(admin.locator("[data-member='taisha@" + company.domain() + "']")));
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("削除")).click();
    Locator picker = admin.getByTestId("hand-to");
    assertThat(picker.locator("option")).hasCount(3);
    assertThat(picker).containsText("後継 花子");
    assertThat(picker).not().containsText("退社 一郎");
    picker.selectOption(
        new com.microsoft.playwright.options.SelectOption()
            .setLabel("後継 花子 (koukei@" + company.domain() + ")"));
    browser.screenshot(admin, "admin-member-hand-over.png");
    admin
        .getByRole(AriaRole.DIALOG)
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("削除"))
        .click();
    assertThat(admin.locator("[data-member='taisha@" + company.domain() + "']")).hasCount(0);

    String drives =
        new MusubiHttp(port)
            .signIn("koukei@" + company.domain(), MEMBER_PASSWORD)
            .send("GET", "/api/v1/drive/drives", null, 200);
    assertThat(drives).contains("退社 一郎（引き継ぎ）");
  }

  @Test
  void aDeletedMemberCanBeHandedOverLaterFromTheDeletedList() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "後で引き継ぐ株式会社");
    MusubiHttp api = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    String leavingId = null;
    for (String[] m : new String[][] {{"yameta", "退職 次郎"}, {"ukeru", "受取 三子"}}) {
      String created =
          api.post(
              "/api/v1/admin/members",
              MusubiHttp.json("loginId", m[0], "password", MEMBER_PASSWORD, "displayName", m[1]),
              201);
      if (leavingId == null) {
        java.util.regex.Matcher id =
            java.util.regex.Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"").matcher(created);
        assertThat(id.find()).isTrue();
        leavingId = id.group(1);
      }
    }
    new MusubiHttp(port)
        .signIn("yameta@" + company.domain(), MEMBER_PASSWORD)
        .send("GET", "/api/v1/drive/drives", null, 200);
    api.send("DELETE", "/api/v1/admin/members/" + leavingId, null, 204);

    Page admin = signedInAdmin(company, 1280, 800);
    admin.navigate("/#/admin/deleted");
    Locator row = admin.locator("tr", new Page.LocatorOptions().setHasText("退職 次郎"));
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("引き継ぐ")).click();
    Locator form = admin.getByTestId("hand-over-form");
    form.getByLabel("引き継ぎ先")
        .selectOption(
            new com.microsoft.playwright.options.SelectOption()
                .setLabel("受取 三子 (ukeru@" + company.domain() + ")"));
    form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("引き継ぐ")).click();
    assertThat(admin.getByRole(AriaRole.STATUS)).containsText("退職 次郎 さんのデータを引き継ぎました");

    String drives =
        new MusubiHttp(port)
            .signIn("ukeru@" + company.domain(), MEMBER_PASSWORD)
            .send("GET", "/api/v1/drive/drives", null, 200);
    assertThat(drives).contains("退職 次郎（引き継ぎ）");
  }
}
