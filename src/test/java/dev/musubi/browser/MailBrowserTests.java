package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import dev.musubi.mail.MailInbound;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Webmail in a real browser against the real mail store: colleagues mail each other (internal
 * delivery), read, reply, attach, keep drafts; hostile HTML from outside stays inert; phones work.
 */
@MusubiIntegrationTest
class MailBrowserTests extends BrowserTestBase {

  static final String MEMBER_PASSWORD = "Asagao-Hirugao-1357!";

  @Autowired MailInbound inbound;

  /** A member of the company; returns their login ID, which is also their mail address. */
  private String member(MusubiHttp.TestCompany company, String login, String name) {
    new MusubiHttp(port)
        .signIn(company.adminLoginId(), company.adminPassword())
        .post(
            "/api/v1/admin/members",
            MusubiHttp.json("loginId", login, "password", MEMBER_PASSWORD, "displayName", name),
            201);
    return login + "@" + company.domain();
  }

  private Page signedIn(String loginId, String password, int width, int height) {
    Page page = browser.newPage(width, height);
    page.navigate("/#/mail");
    Browser.submitPassword(page, loginId, password);
    assertThat(page.getByTestId("mail-folders")).containsText("受信トレイ");
    return page;
  }

  private static Locator folder(Page page, String role) {
    return page.locator("[data-folder=" + role + "]");
  }

  @Test
  void colleaguesMailEachOtherReadAndReply() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "メール送受信株式会社");
    String sato = member(company, "sato", "佐藤 花子");

    // The admin writes to a colleague, found by name in the directory, with an attachment.
    Page admin = signedIn(company.adminLoginId(), company.adminPassword(), 1280, 800);
    admin.getByTestId("mail-compose").click();
    Locator to = admin.getByTestId("mail-to").locator("input");
    to.fill("佐藤");
    admin.getByTestId("mail-suggest").getByText(sato).click();
    assertThat(admin.getByTestId("mail-to").getByTestId("mail-chip").locator(".mail-chip-text"))
        .hasText("佐藤 花子");
    admin.getByTestId("mail-subject-input").fill("来週の打ち合わせについて");
    admin.getByTestId("mail-body").fill("佐藤さん\n\n資料を添付します。よろしくお願いします。");
    admin
        .getByTestId("mail-file-input")
        .setInputFiles(
            new FilePayload(
                "見積書.txt", "text/plain", "見積金額: 100,000円".getBytes(StandardCharsets.UTF_8)));
    assertThat(admin.getByTestId("mail-uploads")).containsText("見積書.txt");
    assertThat(admin.getByTestId("mail-send")).isEnabled();
    admin.getByTestId("mail-send").click();
    assertThat(admin.getByTestId("mail-compose-form")).hasCount(0);
    folder(admin, "sent").click();
    assertThat(admin.getByTestId("mail-item").first()).containsText("来週の打ち合わせについて");

    // The colleague sees it unread in the inbox, opens it, downloads the attachment, replies.
    Page page = signedIn(sato, MEMBER_PASSWORD, 1280, 800);
    assertThat(folder(page, "inbox").getByTestId("mail-unread")).hasText("1");
    Locator item = page.getByTestId("mail-item").first();
    assertThat(item).hasClass(java.util.regex.Pattern.compile(".*mail-item-unread.*"));
    item.click();
    assertThat(page.getByTestId("mail-subject")).hasText("来週の打ち合わせについて");
    assertThat(page.getByTestId("mail-text")).containsText("資料を添付します");
    assertThat(folder(page, "inbox").getByTestId("mail-unread")).hasCount(0);
    Locator attachment = page.getByTestId("mail-attachments").getByText("見積書.txt");
    com.microsoft.playwright.Download download = page.waitForDownload(attachment::click);
    assertThat(download.suggestedFilename()).isEqualTo("見積書.txt");
    page.getByTestId("mail-save-drive").click();
    assertThat(page.getByText("「見積書.txt」をマイドライブに保存しました")).isVisible();
    page.navigate("/#/drive");
    assertThat(page.getByTestId("drive-list")).containsText("見積書.txt");
    page.goBack();
    assertThat(page.getByTestId("mail-subject")).hasText("来週の打ち合わせについて");
    browser.screenshot(page, "mail.png");

    page.getByTestId("mail-reply").click();
    assertThat(page.getByTestId("mail-to").getByTestId("mail-chip")).hasCount(1);
    assertThat(page.getByTestId("mail-subject-input")).hasValue("Re: 来週の打ち合わせについて");
    page.getByTestId("mail-body").press("Control+Home");
    page.getByTestId("mail-body").pressSequentially("承知しました。");
    page.getByTestId("mail-send").click();
    assertThat(page.getByTestId("mail-compose-form")).hasCount(0);

    // The reply arrives in the admin's inbox, in the same conversation.
    folder(admin, "inbox").click();
    assertThat(admin.getByTestId("mail-item").first()).containsText("Re: 来週の打ち合わせについて");
    admin.getByTestId("mail-item").first().click();
    assertThat(admin.getByTestId("mail-text")).containsText("承知しました。");
    assertThat(admin.getByTestId("mail-thread").locator("li")).hasCount(2);
  }

  @Test
  void hostileHtmlFromOutsideStaysInertAndRemoteImagesWaitForTheReader() throws Exception {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "安全表示株式会社");
    String tanaka = member(company, "tanaka", "田中 一郎");
    // A "remote" image the test can watch for. The sanitiser keeps only https images, and the
    // page's
    // CSP (img-src 'self', which also matches https on the same host and port) refuses any other
    // host, so the pixel points at this server over https: the browser tries it (and fails, the
    // server speaks plain HTTP), which is what the test watches for.
    String pixel = "https://127.0.0.1:" + port + "/app/icon.svg?pixel=tracking";
    String mime =
        "From: Attacker <news@outside.example>\r\n"
            + "To: "
            + tanaka
            + "\r\n"
            + "Subject: =?UTF-8?B?"
            + java.util.Base64.getEncoder()
                .encodeToString("キャンペーンのお知らせ".getBytes(StandardCharsets.UTF_8))
            + "?=\r\n"
            + "Date: Sat, 05 Dec 2026 09:00:00 +0900\r\n"
            + "Message-ID: <hostile-1@outside.example>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/html; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "<html><head><script>alert('head')</script></head><body>"
            + "<p>安全に表示される本文</p>"
            + "<script>alert('body')</script>"
            + "<img src=x onerror=\"alert('onerror')\">"
            + "<svg onload=\"alert('svg')\"><circle r=\"5\"/></svg>"
            + "<a href=\"javascript:alert('link')\">クリック</a>"
            + "<iframe src=\"javascript:alert('frame')\"></iframe>"
            + "<form action=\"https://outside.example/steal\"><input name=p></form>"
            + "<img src=\""
            + pixel
            + "\" alt=\"tracker\" width=\"1\" height=\"1\">"
            + "</body></html>\r\n";
    byte[] raw = mime.getBytes(StandardCharsets.UTF_8);
    inbound.deliver(
        new MailInbound.Envelope(
            "news@outside.example",
            List.of(tanaka),
            "192.0.2.10",
            "mx.outside.example",
            Instant.now(),
            new MailInbound.AuthResults("pass", "none", "pass", "outside.example"),
            raw.length),
        new ByteArrayInputStream(raw));

    List<String> requests = new CopyOnWriteArrayList<>();
    Page page = browser.newPage(1280, 800);
    page.onRequest(r -> requests.add(r.url()));
    page.navigate("/#/mail");
    Browser.submitPassword(page, tanaka, MEMBER_PASSWORD);
    page.getByTestId("mail-item").first().click();
    FrameLocator frame = page.frameLocator("[data-testid=mail-frame]");
    assertThat(frame.locator("body")).containsText("安全に表示される本文");
    assertThat(page.getByTestId("mail-frame"))
        .hasAttribute("sandbox", "allow-popups allow-popups-to-escape-sandbox");
    assertThat(frame.locator("script")).hasCount(0);
    assertThat(frame.locator("svg, iframe, form")).hasCount(0);
    assertThat(frame.locator("[onerror], [onload]")).hasCount(0);
    assertThat(frame.locator("a[href^='javascript']")).hasCount(0);
    assertThat(page.getByTestId("mail-auth")).containsText("SPF pass");
    assertThat(page.getByTestId("mail-auth")).containsText("DKIM none");
    // The tracking pixel is not fetched until the reader asks for images.
    assertThat(page.getByTestId("mail-images-blocked")).isVisible();
    assertThat(frame.locator("img[alt=tracker]")).hasCount(0);
    assertThat(requests).noneMatch(u -> u.contains("pixel=tracking"));
    page.getByTestId("mail-show-images").click();
    assertThat(frame.locator("img[alt=tracker]")).hasCount(1);
    org.awaitility.Awaitility.await()
        .untilAsserted(() -> assertThat(requests).anyMatch(u -> u.contains("pixel=tracking")));
    assertThat(browser.dialogs).as("no script ran").isEmpty();
  }

  @Test
  void draftsAreSavedWhileTypingAndReopen() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "下書き株式会社");
    String suzuki = member(company, "suzuki", "鈴木 次郎");
    Page page = signedIn(company.adminLoginId(), company.adminPassword(), 1280, 800);
    page.getByTestId("mail-compose").click();
    page.getByTestId("mail-send").click();
    assertThat(page.getByTestId("mail-compose-form")).containsText("宛先を1つ以上入力してください");
    Locator to = page.getByTestId("mail-to").locator("input");
    to.fill("not an address");
    to.press("Enter");
    assertThat(page.getByTestId("mail-compose-form")).containsText("メールアドレスとして正しくありません");
    to.fill(suzuki);
    to.press("Enter");
    page.getByTestId("mail-subject-input").fill("下書きのテスト");
    page.getByTestId("mail-body").fill("途中まで書いた本文");
    assertThat(page.getByTestId("mail-draft-state")).containsText("下書きを保存しました");
    page.getByTestId("mail-compose-close").click();
    folder(page, "drafts").click();
    Locator draft =
        page.getByTestId("mail-item").filter(new Locator.FilterOptions().setHasText("下書きのテスト"));
    assertThat(draft).hasCount(1);
    draft.click();
    assertThat(page.getByTestId("mail-body")).hasValue("途中まで書いた本文");
    assertThat(page.getByTestId("mail-to").getByTestId("mail-chip")).hasCount(1);
    page.getByTestId("mail-body").fill("書き上げた本文");
    page.getByTestId("mail-send").click();
    assertThat(page.getByTestId("mail-compose-form")).hasCount(0);
    assertThat(
            page.getByTestId("mail-item").filter(new Locator.FilterOptions().setHasText("下書きのテスト")))
        .hasCount(0);
    folder(page, "sent").click();
    assertThat(page.getByTestId("mail-item").first()).containsText("下書きのテスト");
  }

  @Test
  void onAPhoneTheListOpensAMessageAndGoesBack() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "スマホ株式会社");
    String ito = member(company, "ito", "伊藤 三郎");
    MusubiHttp admin = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    admin.post(
        "/api/v1/mail/messages",
        "{\"to\":["
            + MusubiHttp.quote(ito)
            + "],\"subject\":\"スマホで読むメール\",\"text\":\"とても長い行："
            + "あ".repeat(300)
            + " https://example.com/"
            + "x".repeat(200)
            + "\"}",
        202);

    Page phone = browser.newPage(390, 844);
    phone.navigate("/#/mail");
    Browser.submitPassword(phone, ito, MEMBER_PASSWORD);
    Locator item = phone.getByTestId("mail-item").first();
    assertThat(item).containsText("スマホで読むメール");
    assertThat(phone.getByTestId("mail-reader")).hasCount(0);
    assertThat(noSidewaysOverflow(phone)).isTrue();
    item.click();
    assertThat(phone.getByTestId("mail-text")).containsText("とても長い行");
    assertThat(phone.getByTestId("mail-list")).isHidden();
    assertThat(noSidewaysOverflow(phone)).isTrue();
    phone.getByTestId("mail-back").click();
    assertThat(phone.getByTestId("mail-list")).isVisible();
    assertThat(phone.getByTestId("mail-reader")).hasCount(0);
    phone.getByTestId("mail-compose").click();
    assertThat(phone.getByTestId("mail-compose-form")).isVisible();
    assertThat(noSidewaysOverflow(phone)).isTrue();
  }

  @Test
  void foldersSearchFlagMoveTrashAndSignature() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "フォルダ整理株式会社");
    String yamada = member(company, "yamada", "山田 五郎");
    MusubiHttp admin = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    for (String[] m : new String[][] {{"見積書の送付", "見積もりをお送りします"}, {"週報", "今週の報告です"}}) {
      admin.post(
          "/api/v1/mail/messages",
          "{\"to\":["
              + MusubiHttp.quote(yamada)
              + "],\"subject\":"
              + MusubiHttp.quote(m[0])
              + ",\"text\":"
              + MusubiHttp.quote(m[1])
              + "}",
          202);
    }
    Page page = signedIn(yamada, MEMBER_PASSWORD, 1280, 800);
    Locator items = page.getByTestId("mail-item");
    assertThat(items).hasCount(2);
    assertThat(folder(page, "inbox").getByTestId("mail-unread")).hasText("2");

    // Search in Japanese, then back to the whole folder.
    page.getByTestId("mail-search").fill("見積");
    assertThat(items).hasCount(1);
    assertThat(items.first()).containsText("見積書の送付");
    page.getByTestId("mail-search").fill("");
    assertThat(items).hasCount(2);

    // Read, then marked unread again: the count follows.
    items.filter(new Locator.FilterOptions().setHasText("週報")).click();
    assertThat(folder(page, "inbox").getByTestId("mail-unread")).hasText("1");
    page.getByTestId("mail-mark-unread").click();
    assertThat(folder(page, "inbox").getByTestId("mail-unread")).hasText("2");

    // A custom folder; flag a message and move it there.
    page.getByTestId("mail-new-folder").click();
    page.getByLabel("フォルダ名", new Page.GetByLabelOptions().setExact(true)).fill("案件A");
    page.getByTestId("mail-folder-save").click();
    assertThat(page.getByTestId("mail-list")).containsText("メールはありません");
    folder(page, "inbox").click();
    items.filter(new Locator.FilterOptions().setHasText("見積書の送付")).click();
    page.getByTestId("mail-flag").click();
    assertThat(page.getByTestId("mail-flag")).hasText("フラグを外す");
    assertThat(items.filter(new Locator.FilterOptions().setHasText("見積書の送付")).locator(".mail-flag"))
        .hasCount(1);
    page.getByTestId("mail-move")
        .selectOption(new com.microsoft.playwright.options.SelectOption().setLabel("案件A"));
    assertThat(items).hasCount(1);
    folder(page, "案件A").click();
    assertThat(items).hasCount(1);

    // A folder with mail in it cannot be deleted; the reason is shown.
    page.getByTestId("mail-delete-folder").click();
    page.locator("dialog[open]")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("フォルダを削除"))
        .click();
    assertThat(page.locator(".toast-error")).containsText("フォルダが空ではない");
    assertThat(folder(page, "案件A")).hasCount(1);

    // Delete moves to the trash; emptying the trash deletes for good.
    items.first().click();
    page.getByTestId("mail-delete").click();
    assertThat(items).hasCount(0);
    folder(page, "trash").click();
    assertThat(items).hasCount(1);
    page.getByTestId("mail-empty-folder").click();
    page.locator("dialog[open]")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("完全に削除"))
        .click();
    assertThat(page.getByTestId("mail-list")).containsText("メールはありません");

    // The empty custom folder: rename, then delete.
    folder(page, "案件A").click();
    page.getByTestId("mail-rename-folder").click();
    page.getByLabel("フォルダ名", new Page.GetByLabelOptions().setExact(true)).fill("案件B");
    page.getByTestId("mail-folder-save").click();
    assertThat(folder(page, "案件B")).hasCount(1);
    page.getByTestId("mail-delete-folder").click();
    page.locator("dialog[open]")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("フォルダを削除"))
        .click();
    assertThat(folder(page, "案件B")).hasCount(0);

    // The signature from the settings starts every new message.
    page.getByTestId("mail-settings-link").click();
    page.getByTestId("mail-signature").fill("山田 五郎 / 営業部");
    page.getByTestId("mail-settings-save").click();
    assertThat(page.getByText("メールの設定を保存しました")).isVisible();
    page.getByTestId("mail-compose").click();
    assertThat(page.getByTestId("mail-body"))
        .hasValue(
            java.util.regex.Pattern.compile(
                ".*-- \\n山田 五郎 / 営業部$", java.util.regex.Pattern.DOTALL));
  }

  @Test
  void richTextArrivesFormattedAndCanBeForwarded() {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "リッチテキスト株式会社");
    String mori = member(company, "mori", "森 六郎");
    Page admin = signedIn(company.adminLoginId(), company.adminPassword(), 1280, 800);
    admin.getByTestId("mail-compose").click();
    Locator to = admin.getByTestId("mail-to").locator("input");
    to.fill(mori);
    to.press("Enter");
    admin.getByTestId("mail-subject-input").fill("書式つきのお知らせ");
    admin.getByTestId("mail-rich-toggle").click();
    Locator editor = admin.getByTestId("mail-rich");
    editor.click();
    admin.keyboard().press("Control+Home");
    admin.keyboard().type("重要なお知らせ");
    admin.keyboard().press("Shift+Home");
    admin.getByLabel("太字").click();
    assertThat(editor.locator("b")).hasText("重要なお知らせ");
    admin.getByTestId("mail-send").click();
    assertThat(admin.getByTestId("mail-compose-form")).hasCount(0);

    Page page = signedIn(mori, MEMBER_PASSWORD, 1280, 800);
    page.getByTestId("mail-item").first().click();
    FrameLocator frame = page.frameLocator("[data-testid=mail-frame]");
    assertThat(frame.locator("b, strong").first()).hasText("重要なお知らせ");
    page.getByTestId("mail-forward").click();
    assertThat(page.getByTestId("mail-subject-input")).hasValue("Fwd: 書式つきのお知らせ");
    assertThat(page.getByTestId("mail-body"))
        .hasValue(
            java.util.regex.Pattern.compile(
                ".*転送メッセージ.*重要なお知らせ.*", java.util.regex.Pattern.DOTALL));
    Locator fwdTo = page.getByTestId("mail-to").locator("input");
    fwdTo.fill(company.adminLoginId());
    fwdTo.press("Enter");
    page.getByTestId("mail-send").click();
    assertThat(page.getByTestId("mail-compose-form")).hasCount(0);

    folder(admin, "inbox").click();
    assertThat(admin.getByTestId("mail-item").first()).containsText("Fwd: 書式つきのお知らせ");
  }

  @Test
  void aMemberPagesPastTheFirstPageAndSeesTheOlderMessagesInOrder() throws Exception {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "大量受信株式会社");
    String kato = member(company, "kato", "加藤 六郎");
    Instant first = Instant.parse("2026-11-02T00:00:00Z");
    int count = 65;
    for (int i = 1; i <= count; i++) {
      String date =
          java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
              first.plusSeconds(60L * i).atZone(java.time.ZoneOffset.UTC));
      byte[] raw =
          ("From: Report <report@outside.example>\r\nTo: "
                  + kato
                  + "\r\nSubject: =?UTF-8?B?"
                  + java.util.Base64.getEncoder()
                      .encodeToString("日報 %03d".formatted(i).getBytes(StandardCharsets.UTF_8))
                  + "?=\r\nDate: "
                  + date
                  + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
                  + "No. "
                  + i
                  + "\r\n")
              .getBytes(StandardCharsets.UTF_8);
      inbound.deliver(
          new MailInbound.Envelope(
              "report@outside.example",
              List.of(kato),
              "192.0.2.11",
              "mx.outside.example",
              Instant.now(),
              MailInbound.AuthResults.none(),
              raw.length),
          new ByteArrayInputStream(raw));
    }

    // On a phone: the newest 50 first, then "more" loads the next keyset page below them.
    List<String> requests = new CopyOnWriteArrayList<>();
    Page phone = browser.newPage(390, 844);
    phone.onRequest(r -> requests.add(r.url()));
    phone.navigate("/#/mail");
    Browser.submitPassword(phone, kato, MEMBER_PASSWORD);
    Locator items = phone.getByTestId("mail-item");
    assertThat(items).hasCount(50);
    assertThat(items.first()).containsText("日報 065");
    assertThat(items.last()).containsText("日報 016");
    assertThat(phone.getByTestId("mail-shown")).hasText("1–50 件 / 全 65 件");
    assertThat(phone.getByTestId("mail-top")).hasCount(0);
    phone.getByTestId("mail-more").click();
    assertThat(items).hasCount(count);
    assertThat(items.nth(50)).containsText("日報 015");
    assertThat(items.last()).containsText("日報 001");
    assertThat(phone.getByTestId("mail-more")).hasCount(0);
    assertThat(phone.getByTestId("mail-shown")).hasText("1–65 件 / 全 65 件");
    assertThat(noSidewaysOverflow(phone)).isTrue();
    List<String> subjects = items.locator(".mail-item-subject").allTextContents();
    for (int k = 0; k < count; k++) {
      assertThat(subjects.get(k)).contains("日報 %03d".formatted(count - k));
    }
    // The further page was asked for after the last message shown, not by its number.
    assertThat(requests)
        .filteredOn(u -> u.contains("/messages?") && u.contains("after="))
        .hasSize(1);
    assertThat(requests).noneMatch(u -> u.contains("/messages?") && u.contains("page="));

    // Opening an older message and coming back keeps the list; "back to top" returns to the newest.
    items.nth(60).click();
    assertThat(phone.getByTestId("mail-text")).containsText("No. 5");
    phone.getByTestId("mail-back").click();
    assertThat(items).hasCount(count);
    phone.getByTestId("mail-top").click();
    assertThat(items).hasCount(50);
    assertThat(items.first()).containsText("日報 065");
    assertThat(items.first()).isInViewport();
  }

  private static boolean noSidewaysOverflow(Page page) {
    Object overflow =
        page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth");
    return ((Number) overflow).intValue() <= 0;
  }
}
