package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import dev.musubi.testing.MusubiIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

@MusubiIntegrationTest
class ContactsBrowserTests extends BrowserTestBase {

  private static String id(String json) {
    Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"").matcher(json);
    assertThat(m.find()).as(json).isTrue();
    return m.group(1);
  }

  private static void member(
      MusubiHttp admin,
      String login,
      String family,
      String given,
      String fr,
      String gr,
      String dep,
      String position) {
    admin.post(
        "/api/v1/admin/members",
        "{\"loginId\":\""
            + login
            + "\",\"password\":\"Asagao-Hirugao-1357!\",\"displayName\":\""
            + family
            + " "
            + given
            + "\",\"familyName\":\""
            + family
            + "\",\"givenName\":\""
            + given
            + "\",\"familyNameReading\":\""
            + fr
            + "\",\"givenNameReading\":\""
            + gr
            + "\",\"phone\":\"03-1234-0001\",\"departments\":[{\"departmentId\":\""
            + dep
            + "\",\"position\":\""
            + position
            + "\",\"primary\":true}]}",
        201);
  }

  @Test
  void directoryContactsDuplicatesAndImportWorkOnDesktopAndPhone() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "名簿テスト株式会社");
    MusubiHttp admin = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    String head =
        id(
            admin.post(
                "/api/v1/admin/departments",
                MusubiHttp.json("name", "本社", "nameReading", "ほんしゃ"),
                201));
    String sales =
        id(
            admin.post(
                "/api/v1/admin/departments",
                "{\"name\":\"営業部\",\"nameReading\":\"えいぎょうぶ\",\"parentId\":\"" + head + "\"}",
                201));
    member(admin, "sato", "佐藤", "太郎", "さとう", "たろう", sales, "課長");
    member(admin, "abe", "阿部", "花子", "あべ", "はなこ", head, "社長");

    Page page = browser.newPage(1280, 800);
    page.navigate("/#/contacts/directory");
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    Locator members = page.getByTestId("ab-members");
    assertThat(members.locator(".person-name").first()).hasText("阿部 花子"); // 五十音順
    page.getByTestId("ab-org-toggle").click();
    assertThat(page.getByTestId("ab-org-chart")).containsText("営業部");
    assertThat(page.getByTestId("ab-org-chart")).containsText("2 人");
    page.getByTestId("ab-org-toggle").click();
    page.getByTestId("ab-dep").filter(new Locator.FilterOptions().setHasText("営業部")).click();
    assertThat(members.locator(".person-name")).hasCount(1);
    page.getByTestId("ab-dep").filter(new Locator.FilterOptions().setHasText("本社")).first().click();
    // The whole head office (both members) before searching, so the list cannot change under the
    // click.
    assertThat(members.locator(".person-name")).hasCount(2);
    page.getByTestId("ab-member-search").fill("ｻﾄｳ");
    assertThat(members.locator(".person-name")).hasText(new String[] {"佐藤 太郎"});
    members.locator(".person-name").first().click();
    Locator card = page.getByTestId("ab-profile");
    assertThat(card).containsText("本社 › 営業部 / 課長");
    assertThat(card).containsText("Sato Taro");
    page.getByTestId("ab-start-talk").click();
    page.waitForURL(Pattern.compile(".*#/talk/[0-9a-f-]{36}$"));

    // The shared book: add a contact, add the same person again, merge.
    page.navigate("/#/contacts/shared");
    for (int i = 0; i < 2; i++) {
      page.getByTestId("ab-new").click();
      page.getByLabel("姓", new Page.GetByLabelOptions().setExact(true)).fill("鈴木");
      page.getByLabel("名", new Page.GetByLabelOptions().setExact(true)).fill("一郎");
      page.getByLabel("姓（よみ）").fill("すずき");
      page.getByLabel("会社名", new Page.GetByLabelOptions().setExact(true)).fill("みなと商事");
      page.getByLabel("タグ（カンマ区切り）").fill(i == 0 ? "取引先" : "重要");
      page.getByTestId("ab-save").click();
      if (i == 0) {
        assertThat(page.getByTestId("ab-contacts").locator(".person-name"))
            .hasText(new String[] {"鈴木 一郎"});
      }
    }
    Locator dupes = page.getByTestId("ab-duplicates");
    assertThat(dupes).containsText("同じ人と思われる連絡先があります");
    dupes.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("統合する")).click();
    assertThat(page.getByTestId("ab-contacts").locator(".person-name")).hasCount(1);
    assertThat(page.getByTestId("ab-contacts")).containsText("取引先");
    assertThat(page.getByTestId("ab-contacts")).containsText("重要");

    // Import a CSV from Japanese Excel (Shift_JIS): preview, then commit.
    page.getByTestId("ab-import").click();
    String csv = "姓,名,姓（フリガナ）,会社名,メールアドレス\r\n高橋,誠,タカハシ,東西銀行,m@tozai.example\r\n";
    page.getByTestId("ab-file")
        .setInputFiles(
            new FilePayload(
                "名簿.csv",
                "text/csv",
                csv.getBytes(java.nio.charset.Charset.forName("windows-31j"))));
    Locator preview = page.getByTestId("ab-import-preview");
    assertThat(preview).containsText("Shift_JIS");
    assertThat(preview).containsText("familyNameReading");
    page.getByTestId("ab-import-commit").click();
    assertThat(page.getByTestId("ab-contacts").locator(".person-name")).hasCount(2);
    page.getByTestId("ab-contact-search").fill("takahashi");
    assertThat(page.getByTestId("ab-contacts").locator(".person-name"))
        .hasText(new String[] {"高橋 誠"});
    page.getByTestId("ab-contact-search").fill("");
    assertThat(page.getByTestId("ab-contact-search")).hasValue("");
    assertThat(page.getByTestId("ab-contacts").locator(".person-name")).hasCount(2);
    browser.screenshot(page, "contacts.png");

    // Phone width: the directory stacks and nothing overflows sideways.
    Page phone = browser.newPage(390, 844);
    phone.navigate("/#/contacts/directory");
    Browser.submitPassword(phone, company.adminLoginId(), company.adminPassword());
    assertThat(phone.getByTestId("ab-members").locator(".person-name").first()).isVisible();
    Object overflow =
        phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth");
    assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
    phone.navigate("/#/contacts/shared");
    phone.getByTestId("ab-contacts").locator(".ab-row").first().click();
    assertThat(phone.getByLabel("姓", new Page.GetByLabelOptions().setExact(true))).isVisible();
    assertThat(new String(csv.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .contains("高橋");
  }
}
