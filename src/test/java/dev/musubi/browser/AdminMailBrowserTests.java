package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.SelectOption;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The admin console's mail tab: domains and their DNS records, DKIM rotation, the mail log. */
@MusubiIntegrationTest
class AdminMailBrowserTests extends BrowserTestBase {

  @Test
  void anAdminAddsADomainSeesItsRecordsAndFindsTheSentMailInTheLog() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "メール管理株式会社");
    MusubiHttp admin = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    admin.post(
        "/api/v1/admin/members",
        MusubiHttp.json(
            "loginId", "kato", "password", "Asagao-Hirugao-1357!", "displayName", "加藤 四郎"),
        201);
    admin.post(
        "/api/v1/mail/messages",
        "{\"to\":[\"kato@"
            + company.domain()
            + "\"],\"subject\":\"ログに残る件名\",\"text\":\"本文はログに出ない\"}",
        202);

    Page page = browser.newPage(1280, 900);
    page.navigate("/#/admin/mail");
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    Locator domains = page.getByTestId("mail-domains");
    assertThat(domains).containsText(company.domain());

    // A second domain: added, then its records to publish, each with a copy button.
    String extra = "m" + UUID.randomUUID().toString().substring(0, 8) + ".example.co.jp";
    page.getByLabel("ドメイン名").fill(extra);
    page.getByTestId("mail-domain-add").click();
    Locator row = page.locator("[data-domain='" + extra + "']");
    Locator records = row.getByTestId("mail-dns-records");
    assertThat(records).isVisible();
    assertThat(records.locator("[data-purpose=mx]")).containsText(extra);
    assertThat(records.locator("[data-purpose=spf]")).containsText("v=spf1");
    assertThat(records.locator("[data-purpose=dkim]")).containsText("v=DKIM1");
    assertThat(records.locator("[data-purpose=dmarc]")).containsText("v=DMARC1");
    assertThat(records.getByText("コピー").first()).isVisible();
    String before =
        records.locator("[data-purpose=dkim] [data-testid=mail-dns-value]").textContent();
    browser.screenshot(page, "mail-admin.png");

    row.getByTestId("mail-domain-rotate").click();
    page.locator("dialog[open]")
        .getByRole(
            com.microsoft.playwright.options.AriaRole.BUTTON,
            new Locator.GetByRoleOptions().setName("DKIM 鍵を更新").setExact(true))
        .click();
    assertThat(records.locator("[data-purpose=dkim] [data-testid=mail-dns-value]"))
        .not()
        .hasText(before);

    // A domain name that is not one is refused with a clear message, and nothing is added.
    page.getByLabel("ドメイン名").fill("not a domain");
    page.getByTestId("mail-domain-add").click();
    assertThat(page.getByTestId("mail-domain-form").locator(".field-error")).isVisible();
    assertThat(domains.locator("li.mail-admin-domain")).hasCount(2);

    // The log: the message the admin sent, found by its subject; outgoing only; CSV export.
    page.getByTestId("mail-admin-log").click();
    Locator log = page.getByTestId("mail-log");
    assertThat(log).containsText("ログに残る件名");
    assertThat(log).not().containsText("本文はログに出ない");
    page.getByLabel("方向").selectOption("in");
    assertThat(log).not().containsText("ログに残る件名");
    page.getByLabel("方向").selectOption("out");
    page.getByLabel("検索", new Page.GetByLabelOptions().setExact(true)).fill("ログに残る");
    assertThat(log).containsText("kato@" + company.domain());
    assertThat(page.getByTestId("mail-log-csv"))
        .hasAttribute("href", java.util.regex.Pattern.compile(".*log\\.csv\\?.*direction=out.*"));
    String csv =
        admin.send(
            "GET",
            page.getByTestId("mail-log-csv").getAttribute("href").replace("&amp;", "&"),
            null,
            200);
    assertThat(csv).contains("ログに残る件名");

    // Phone width: the records stay inside the screen.
    page.setViewportSize(390, 844);
    page.getByTestId("mail-admin-domains").click();
    page.locator("[data-domain='" + extra + "']").getByTestId("mail-domain-records").click();
    assertThat(page.getByTestId("mail-dns-records")).isVisible();
    Object overflow =
        page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth");
    assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
  }

  @Test
  void aliasesListsAndPolicyWithClearErrors() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "エイリアス株式会社");
    MusubiHttp admin = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    admin.post(
        "/api/v1/admin/members",
        MusubiHttp.json(
            "loginId", "hayashi", "password", "Asagao-Hirugao-1357!", "displayName", "林 五郎"),
        201);
    admin.post(
        "/api/v1/admin/departments", MusubiHttp.json("name", "営業部", "nameReading", "えいぎょうぶ"), 201);
    String groupJson =
        admin.send(
            "POST",
            "/api/v1/admin/groups",
            MusubiHttp.json("name", "広報委員会", "description", ""),
            201);
    String hayashi = "hayashi@" + company.domain();

    Page page = browser.newPage(1280, 900);
    page.navigate("/#/admin/mail");
    Browser.submitPassword(page, company.adminLoginId(), company.adminPassword());
    page.getByTestId("mail-admin-addresses").click();

    // An alias for a member; the same address twice, or at a domain not hosted here, is refused.
    Locator aliasForm = page.getByTestId("mail-alias-form");
    aliasForm.locator("input[name=aliasAddress]").fill("sales@" + company.domain());
    aliasForm
        .locator("select[name=memberId]")
        .selectOption(new SelectOption().setLabel("林 五郎 (" + hayashi + ")"));
    page.getByTestId("mail-alias-add").click();
    assertThat(page.locator("table").first()).containsText("sales@" + company.domain());
    aliasForm.locator("input[name=aliasAddress]").fill("sales@" + company.domain());
    aliasForm
        .locator("select[name=memberId]")
        .selectOption(new SelectOption().setLabel("林 五郎 (" + hayashi + ")"));
    page.getByTestId("mail-alias-add").click();
    assertThat(aliasForm).containsText("このアドレスはすでに使われています");
    aliasForm.locator("input[name=aliasAddress]").fill("sales@elsewhere.example");
    page.getByTestId("mail-alias-add").click();
    assertThat(aliasForm).containsText("会社のメールドメインのアドレスを入力してください");
    assertThat(page.locator("table").first().locator("tbody tr")).hasCount(1);

    // A distribution list for a department.
    Locator listForm = page.getByTestId("mail-list-form");
    listForm.locator("input[name=listAddress]").fill("eigyo@" + company.domain());
    listForm.locator("select[name=departmentId]").selectOption(new SelectOption().setLabel("営業部"));
    page.getByTestId("mail-list-add").click();
    assertThat(page.locator("table").last()).containsText("eigyo@" + company.domain());
    assertThat(page.locator("table").last()).containsText("営業部");

    // A list for a custom group; once the group is deleted the list says it delivers to nobody.
    listForm.locator("input[name=listAddress]").fill("koho@" + company.domain());
    listForm.locator("select[name=targetKind]").selectOption("group");
    listForm.locator("select[name=groupId]").selectOption(new SelectOption().setLabel("広報委員会"));
    page.getByTestId("mail-list-add").click();
    assertThat(page.locator("table").last()).containsText("グループ: 広報委員会");
    java.util.regex.Matcher id =
        java.util.regex.Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"").matcher(groupJson);
    assertThat(id.find()).as(groupJson).isTrue();
    String groupId = id.group(1);
    admin.send("DELETE", "/api/v1/admin/groups/" + groupId, null, 204);
    page.reload();
    page.getByTestId("mail-admin-addresses").click();
    assertThat(page.locator("table").last()).containsText("このリストには配信されません");

    // The policy: an out-of-range retention is refused with the limits, a good one is saved.
    page.getByTestId("mail-admin-policy").click();
    Locator policy = page.getByTestId("mail-policy-form");
    policy.locator("input[name=logRetentionDays]").fill("0");
    page.getByTestId("mail-policy-save").click();
    assertThat(policy).containsText("1 日から 3650 日の範囲で入力してください");
    policy.locator("input[name=logRetentionDays]").fill("30");
    policy.locator("select[name=dmarcFail]").selectOption("junk");
    page.getByTestId("mail-policy-save").click();
    assertThat(page.getByText("メールのポリシーを保存しました")).isVisible();
    assertThat(admin.send("GET", "/api/v1/admin/mail/policy", null, 200))
        .contains("\"logRetentionDays\":30")
        .contains("\"dmarcFail\":\"junk\"");

    // The member may now send as the alias: compose offers it.
    Page member = browser.newPage(1280, 800);
    member.navigate("/#/mail");
    Browser.submitPassword(member, hayashi, "Asagao-Hirugao-1357!");
    member.getByTestId("mail-compose").click();
    assertThat(member.getByTestId("mail-from").locator("option")).hasCount(2);
    assertThat(member.getByTestId("mail-from")).containsText("sales@" + company.domain());
  }
}
