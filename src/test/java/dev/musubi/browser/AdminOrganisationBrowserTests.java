package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.musubi.testing.MusubiIntegrationTest;
import org.junit.jupiter.api.Test;

/** Admin › Organisation: editing the department tree and keeping a custom group. */
@MusubiIntegrationTest
class AdminOrganisationBrowserTests extends BrowserTestBase {

  private static Locator button(Locator scope, String name) {
    return scope.getByRole(
        AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name).setExact(true));
  }

  @Test
  void addsRenamesMergesDepartmentsAndKeepsAGroup() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "組織編集株式会社");
    MusubiHttp http = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    http.post(
        "/api/v1/admin/members",
        "{\"loginId\":\"sato\",\"password\":\"Tsukimi-Dango-2468!\",\"displayName\":\"佐藤 花子\"}",
        201);

    Page page = browser.newPage();
    page.navigate("/#/admin/org");
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    Locator departments = page.getByTestId("org-departments");
    assertThat(departments).containsText("部署はまだありません");

    // A department, one below it, and a second top-level one.
    page.getByTestId("add-department").click();
    Locator form = page.getByTestId("department-form");
    form.getByLabel("名前").fill("営業部");
    form.getByLabel("よみがな").fill("えいぎょうぶ");
    button(form, "保存").click();
    Locator sales = page.locator("[data-department='営業部']");
    assertThat(sales).containsText("えいぎょうぶ");
    button(sales, "下に追加").click();
    form = page.getByTestId("department-form");
    assertThat(form.getByLabel("上位の部署").locator("option:checked")).hasText("営業部");
    form.getByLabel("名前").fill("東京営業所");
    button(form, "保存").click();
    assertThat(page.locator("[data-department='東京営業所']")).isVisible();
    page.getByTestId("add-department").click();
    form = page.getByTestId("department-form");
    form.getByLabel("名前").fill("販売部");
    button(form, "保存").click();
    assertThat(page.locator("[data-department='販売部']")).isVisible();

    // An empty name is refused with the field's error, nothing saved.
    button(page.locator("[data-department='販売部']"), "編集").click();
    form = page.getByTestId("department-form");
    form.getByLabel("名前").fill("");
    button(form, "保存").click();
    assertThat(form).containsText("入力してください");
    form.getByLabel("名前").fill("第二営業部");
    button(form, "保存").click();
    assertThat(page.locator("[data-department='第二営業部']")).isVisible();

    // Merge 第二営業部 into 営業部: it is gone.
    button(page.locator("[data-department='第二営業部']"), "統合").click();
    Locator merge = page.getByTestId("merge-form");
    merge
        .getByLabel("統合先の部署")
        .selectOption(new com.microsoft.playwright.options.SelectOption().setLabel("営業部"));
    button(merge, "統合").click();
    assertThat(page.locator("[data-department='第二営業部']")).hasCount(0);
    assertThat(page.locator(".org-row")).hasCount(2);

    // A group with 佐藤 found by search.
    page.getByTestId("add-group").click();
    Locator group = page.getByTestId("group-form");
    group.getByLabel("名前", new Locator.GetByLabelOptions().setExact(true)).fill("新製品プロジェクト");
    group.getByLabel("説明").fill("部署をまたぐ発売準備チーム");
    group.getByLabel("メンバーを検索して追加").fill("佐藤");
    button(page.getByTestId("group-found"), "追加").click();
    assertThat(page.getByTestId("group-members")).containsText("佐藤 花子");
    page.getByTestId("save-group").click();
    Locator row =
        page.getByTestId("org-groups")
            .locator("tr", new Locator.LocatorOptions().setHasText("新製品プロジェクト"));
    assertThat(row).containsText("1人");
    page.locator("h1.page-title").evaluate("e => e.scrollIntoView({block: 'start'})");
    browser.screenshot(page, "admin-organisation.png");

    String groups = http.send("GET", "/api/v1/directory/groups", null, 200);
    assertThat(groups).contains("新製品プロジェクト").contains("\"memberCount\":1");

    // Everyone finds the group in the address book, with its members.
    page.navigate("/#/contacts");
    Locator inBook = page.getByTestId("ab-groups").getByText("新製品プロジェクト");
    inBook.click();
    assertThat(page.getByTestId("ab-members")).containsText("佐藤 花子");
    assertThat(page.getByTestId("ab-members").locator("tbody tr")).hasCount(1);
  }
}
