package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.JSHandle;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.FilePayload;
import dev.musubi.testing.MusubiIntegrationTest;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Files, images and mentions in Talk, in two browsers: attach, drop, paste, thumbnails. */
@MusubiIntegrationTest
class TalkFilesBrowserTests extends BrowserTestBase {

  static final String PASSWORD = "Asagao-Hirugao-1357!";
  static final String HOSTILE = "<img src=x onerror=alert(1)>.txt";

  private Page signedIn(String loginId) {
    Page page = browser.newPage(1280, 800);
    page.navigate("/#/talk");
    Browser.submitPassword(page, loginId, PASSWORD);
    assertThat(page.getByTestId("talk")).isVisible();
    return page;
  }

  static byte[] png(int width, int height) throws IOException {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(0x1f6f5c));
    g.fillRect(0, 0, width, height);
    g.setColor(new Color(0xf2b134));
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  @Test
  void membersSendImagesAndFilesAndMentionEachOther() throws IOException {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "添付株式会社");
    MusubiHttp admin = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    for (String[] m :
        new String[][] {{"tanaka", "田中 一郎", "田中", "一郎"}, {"sato", "佐藤 花子", "佐藤", "花子"}}) {
      admin.post(
          "/api/v1/admin/members",
          MusubiHttp.json(
              "loginId", m[0],
              "password", PASSWORD,
              "displayName", m[1],
              "familyName", m[2],
              "givenName", m[3]),
          201);
    }
    Page a = signedIn("tanaka@" + company.domain());
    Page b = signedIn("sato@" + company.domain());

    a.getByTestId("new-talk").click();
    Locator dialog = a.getByTestId("new-talk-dialog");
    dialog.getByLabel("メンバーを選択").fill("佐藤");
    dialog.locator("[data-pick='sato@" + company.domain() + "']").check();
    a.getByTestId("start-talk").click();
    assertThat(a).hasURL(Pattern.compile("#/talk/[0-9a-f-]{36}$"));

    // Attach an image with the file chooser; it uploads at once (progress shown while the
    // server has not answered; the answer is held back here) and is sent without text.
    AtomicReference<Route> held = new AtomicReference<>();
    a.route("**/attachments?*", held::set);
    a.getByTestId("file-input")
        .setInputFiles(new FilePayload("会議室.png", "image/png", png(1200, 800)));
    Locator file = a.getByTestId("composer-file");
    assertThat(file).containsText("会議室.png");
    assertThat(file.getByTestId("upload-progress")).isVisible();
    assertThat(a.getByTestId("send")).isDisabled();
    a.waitForCondition(() -> held.get() != null);
    a.unroute("**/attachments?*");
    held.get().resume();
    assertThat(file).containsText("✓");
    assertThat(file.getByTestId("upload-progress")).hasCount(0);
    a.getByTestId("send").click();
    assertThat(a.getByTestId("composer-files")).hasCount(0);

    // B sees the room list preview, then the thumbnail, and opens it full size.
    assertThat(b.locator("[data-room]")).containsText("[ファイル]");
    b.locator("[data-room]").click();
    Locator thumb = b.getByTestId("thumbnail");
    assertThat(thumb).isVisible();
    assertThat(thumb).hasAttribute("alt", "会議室.png");
    // Polled from Java: Playwright's waitForFunction polls with eval, which the CSP refuses.
    b.waitForCondition(() -> loaded(thumb, 320));
    thumb.click();
    Locator full = b.getByTestId("image-full");
    assertThat(full).isVisible();
    b.waitForCondition(() -> loaded(full, 1200));
    b.keyboard().press("Escape");
    assertThat(b.getByTestId("image-view")).hasCount(0);

    // A drops a file with a hostile name onto the room and adds text.
    JSHandle dt =
        a.evaluateHandle(
            "name => { const dt = new DataTransfer();"
                + " dt.items.add(new File(['議事録の本文'], name, { type: 'text/plain' }));"
                + " return dt; }",
            HOSTILE);
    Locator room = a.getByTestId("talk-room");
    room.dispatchEvent("dragenter", Map.of("dataTransfer", dt));
    assertThat(a.getByTestId("drop-zone")).isVisible();
    room.dispatchEvent("dragover", Map.of("dataTransfer", dt));
    room.dispatchEvent("drop", Map.of("dataTransfer", dt));
    assertThat(a.getByTestId("drop-zone")).hasCount(0);
    assertThat(a.getByTestId("composer-file")).containsText("✓");
    a.getByTestId("composer").fill("議事録です");
    a.getByTestId("composer").press("Enter");

    Locator card = b.getByTestId("file-card");
    assertThat(card).isVisible();
    assertThat(card.locator(".msg-file-name")).hasText(HOSTILE);
    assertThat(card.locator(".msg-file-size")).hasText("18 B");
    assertThat(card.getByTestId("file-download"))
        .hasAttribute("href", Pattern.compile("^/api/v1/talk/rooms/[0-9a-f-]{36}/attachments/"));
    assertThat(b.locator("img[src=x]")).hasCount(0);
    assertThat(b.locator(".msg-text").getByText("議事録です")).isVisible();

    // A pastes an image from the clipboard.
    JSHandle clip =
        a.evaluateHandle(
            "async () => { const c = document.createElement('canvas'); c.width = 64; c.height = 48;"
                + " const g = c.getContext('2d'); g.fillStyle = '#1f6f5c'; g.fillRect(0, 0, 64, 48);"
                + " const blob = await new Promise(r => c.toBlob(r, 'image/png'));"
                + " const dt = new DataTransfer();"
                + " dt.items.add(new File([blob], 'image.png', { type: 'image/png' })); return dt; }");
    a.getByTestId("composer")
        .evaluate(
            "(el, dt) => el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt,"
                + " bubbles: true, cancelable: true }))",
            clip);
    assertThat(a.getByTestId("composer-file")).containsText("image.png");
    assertThat(a.getByTestId("composer-file")).containsText("✓");
    a.getByTestId("send").click();
    assertThat(b.getByTestId("thumbnail")).hasCount(2);
    assertThat(a.getByTestId("composer-file")).hasCount(0);

    // Mention autocomplete: @ lists the room's members and @all; arrows move, Enter picks.
    Locator composer = a.getByTestId("composer");
    composer.pressSequentially("@");
    Locator options =
        a.getByTestId("mention-list").getByRole(com.microsoft.playwright.options.AriaRole.OPTION);
    assertThat(options).hasCount(2);
    assertThat(options.nth(0)).containsText("佐藤 花子");
    assertThat(options.nth(0)).hasAttribute("aria-selected", "true");
    composer.press("ArrowDown");
    assertThat(options.nth(1)).hasAttribute("aria-selected", "true");
    composer.press("ArrowUp");
    assertThat(options.nth(0)).hasAttribute("aria-selected", "true");
    composer.pressSequentially("佐");
    assertThat(options).hasCount(1);
    composer.press("Enter");
    assertThat(a.getByTestId("mention-list")).hasCount(0);
    assertThat(composer).hasValue("@佐藤 花子 ");
    composer.pressSequentially("確認をお願いします");
    composer.press("Enter");
    assertThat(composer).hasValue("");
    Locator mention = b.locator(".msg-mention");
    assertThat(mention).hasText("@佐藤 花子");
    assertThat(mention).hasAttribute("data-mention", Pattern.compile("[0-9a-f-]{36}"));

    // A file over the company limit is refused in the composer before it is sent.
    a.getByTestId("file-input")
        .setInputFiles(
            new FilePayload("大きい.bin", "application/octet-stream", new byte[21 * 1024 * 1024]));
    assertThat(a.getByTestId("composer-file")).containsText("20 MB を超えるファイルは送れません");
    a.mouse().move(0, 0);
    b.mouse().move(0, 0);
    browser.screenshot(b, "talk-files.png");
  }

  /** Whether the image has loaded at the given natural width. */
  private static boolean loaded(Locator image, int width) {
    return Boolean.TRUE.equals(
        image.evaluate("(i, w) => i.complete && i.naturalWidth === w", width));
  }
}
