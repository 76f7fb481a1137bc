package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.BoundingBox;
import com.microsoft.playwright.options.FilePayload;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The drive's grid view: thumbnails, the list's actions, remembered per browser, phone width. */
@dev.musubi.testing.MusubiIntegrationTest
class DriveGridBrowserTests extends BrowserTestBase {

  static final String PASSWORD = "Tsubaki-Sazanka-2468!";

  private static Locator card(Page page, String name) {
    return page.getByTestId("drive-grid")
        .getByTestId("drive-row")
        .filter(new Locator.FilterOptions().setHasText(name));
  }

  private static byte[] photo() throws Exception {
    BufferedImage image = new BufferedImage(480, 320, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(0x2f7d62));
    g.fillRect(0, 0, 480, 320);
    g.setColor(new Color(0xf3c14b));
    g.fillOval(150, 70, 180, 180);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static void thumbnailDrawn(Page page, String name) {
    Locator img = card(page, name).getByTestId("drive-thumbnail");
    assertThat(img).isVisible();
    page.waitForCondition(
        () -> ((Number) img.evaluate("i => i.complete ? i.naturalWidth : 0")).intValue() > 0);
  }

  @Test
  void theGridShowsThumbnailsOffersTheListsActionsAndIsRemembered() throws Exception {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "グリッド表示株式会社");
    MusubiHttp admin = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    admin.post(
        "/api/v1/admin/members",
        MusubiHttp.json("loginId", "yamada", "password", PASSWORD, "displayName", "山田 花子"),
        201);
    Page page = browser.newPage(1280, 800);
    page.navigate("/#/drive");
    Browser.submitPassword(page, "yamada@" + company.domain(), PASSWORD);
    assertThat(page.getByTestId("drive")).isVisible();
    page.getByTestId("drive-new-folder").click();
    page.locator("dialog")
        .getByRole(AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName("名前").setExact(true))
        .fill("写真");
    page.getByTestId("drive-name-save").click();
    page.getByTestId("drive-file-input")
        .setInputFiles(
            new FilePayload[] {
              new FilePayload("庭.png", "image/png", photo()),
              new FilePayload(
                  "請求書.pdf",
                  "application/pdf",
                  dev.musubi.drive.DrivePreviewIntegrationTests.pdf(false)),
              new FilePayload("メモ.txt", "text/plain", "買うもの\n".getBytes(StandardCharsets.UTF_8))
            });
    assertThat(page.getByTestId("drive-list").getByTestId("drive-row")).hasCount(4);
    assertThat(page.getByTestId("drive-layout-list")).hasAttribute("aria-pressed", "true");

    page.getByTestId("drive-layout-grid").click();
    assertThat(page.getByTestId("drive-layout-grid")).hasAttribute("aria-pressed", "true");
    assertThat(page.getByTestId("drive-grid").getByTestId("drive-row")).hasCount(4);
    // Images and PDFs show what the server draws; a text file and a folder show an icon.
    thumbnailDrawn(page, "庭.png");
    thumbnailDrawn(page, "請求書.pdf");
    assertThat(card(page, "メモ.txt").getByTestId("drive-thumbnail")).hasCount(0);
    assertThat(card(page, "写真").getByTestId("drive-thumbnail")).hasCount(0);
    browser.screenshot(page, "drive-grid.png");

    // The list's actions, behind the card's menu: rename the text file.
    card(page, "メモ.txt").locator("summary").click();
    card(page, "メモ.txt")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("名前を変更"))
        .click();
    Locator name =
        page.locator("dialog")
            .getByRole(
                AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName("名前").setExact(true));
    name.fill("買い物メモ.txt");
    page.getByTestId("drive-name-save").click();
    assertThat(card(page, "買い物メモ.txt")).isVisible();
    // Opening a file previews it; opening a folder goes into it.
    card(page, "庭.png").locator(".drive-open").click();
    assertThat(page.getByTestId("drive-preview-image")).isVisible();
    page.keyboard().press("Escape");
    card(page, "写真").getByRole(AriaRole.LINK).click();
    assertThat(page).hasURL(Pattern.compile("#/drive/folder/[0-9a-f-]{36}$"));
    assertThat(page.getByText("このフォルダは空です")).isVisible();

    // Remembered by this browser: after a reload the grid is still chosen.
    page.locator(".drive-crumbs a").first().click();
    page.reload();
    assertThat(page.getByTestId("drive-grid").getByTestId("drive-row")).hasCount(4);
    assertThat(page.getByTestId("drive-layout-grid")).hasAttribute("aria-pressed", "true");
    page.getByTestId("drive-layout-list").click();
    assertThat(page.getByTestId("drive-list").getByTestId("drive-row")).hasCount(4);
    page.reload();
    assertThat(page.getByTestId("drive-list").getByTestId("drive-row")).hasCount(4);

    // Phone width (another browser profile starts with the list): two cards a row.
    Page phone = browser.newPage(390, 844);
    phone.navigate("/#/drive");
    Browser.submitPassword(phone, "yamada@" + company.domain(), PASSWORD);
    assertThat(phone.getByTestId("drive-list")).isVisible();
    phone.getByTestId("drive-layout-grid").click();
    Locator cards = phone.getByTestId("drive-grid").getByTestId("drive-row");
    assertThat(cards).hasCount(4);
    thumbnailDrawn(phone, "庭.png");
    BoundingBox first = cards.nth(0).boundingBox();
    BoundingBox second = cards.nth(1).boundingBox();
    assertThat(second.y).isEqualTo(first.y);
    assertThat(first.x + first.width).isLessThanOrEqualTo(second.x);
    assertThat(second.x + second.width).isLessThanOrEqualTo(390);
    assertThat(phone.getByTestId("drive-upload")).isVisible();
  }
}
