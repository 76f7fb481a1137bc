package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Member photos, the profile card's free/busy and "write a mail" in a real browser. */
@MusubiIntegrationTest
class DirectoryProfileBrowserTests extends BrowserTestBase {

  @Test
  void photosFreeBusyAndWriteAMailFromTheProfileCard() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember sato = fixtures.member(company, "sato");
    String today = LocalDate.now(ZoneId.of("Asia/Tokyo")).toString();
    ApiClient.Response event =
        sato.client()
            .post(
                "/api/v1/calendars/" + defaultCalendar(sato.client()) + "/events",
                Map.of(
                    "title",
                    "顧客訪問",
                    "start",
                    today + "T10:00",
                    "end",
                    today + "T11:30",
                    "timeZone",
                    "Asia/Tokyo"));
    assertThat(event.status()).as(event.body()).isEqualTo(201);
    String satoAddress =
        sato.client()
            .get("/api/v1/directory/members/" + sato.id())
            .json()
            .get("member")
            .get("loginId")
            .asString();

    // My account: the admin sets their own photo; a disguised SVG is refused with the reason.
    Page page = browser.newPage(1280, 800);
    page.navigate("/#/account/profile");
    Browser.submitPassword(page, company.adminLoginId(), Fixtures.PASSWORD);
    Locator editor = page.getByTestId("photo-editor");
    editor
        .getByTestId("photo-input")
        .setInputFiles(new FilePayload("me.png", "image/png", png(640, 480, Color.PINK)));
    assertThat(editor.getByTestId("avatar-photo")).isVisible();
    awaitSquarePhoto(editor.getByTestId("avatar-photo"));
    editor
        .getByTestId("photo-input")
        .setInputFiles(
            new FilePayload(
                "evil.png",
                "image/png",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>1</script></svg>"
                    .getBytes(StandardCharsets.UTF_8)));
    assertThat(editor).containsText("JPEG・PNG・GIF の画像を選んでください");

    // The admin console: a member admin sets a colleague's photo.
    page.navigate("/#/admin/members");
    Locator row = page.locator("tr").filter(new Locator.FilterOptions().setHasText(sato.loginId()));
    row.getByTestId("member-photo-button").click();
    Locator dialogEditor = page.locator("dialog[open]").getByTestId("photo-editor");
    assertThat(dialogEditor.locator(".avatar")).isVisible();
    dialogEditor
        .getByTestId("photo-input")
        .setInputFiles(new FilePayload("sato.jpg", "image/jpeg", jpeg(900, 1200)));
    assertThat(dialogEditor.getByTestId("avatar-photo")).isVisible();
    assertThat(dialogEditor.getByTestId("photo-remove")).isVisible();
    page.keyboard().press("Escape");
    assertThat(page.locator("dialog[open]")).hasCount(0);

    // The directory: the list and the card show the photo; free/busy and "write a mail".
    page.navigate("/#/contacts/directory");
    page.getByTestId("ab-member-search").fill("sato");
    Locator members = page.getByTestId("ab-members");
    assertThat(members.locator(".person-name")).hasCount(1);
    assertThat(members.getByTestId("avatar-photo")).isVisible();
    members.locator(".person-name").first().click();
    Locator card = page.getByTestId("ab-profile");
    awaitSquarePhoto(card.getByTestId("avatar-photo"));
    card.getByTestId("ab-freebusy-toggle").click();
    Locator blocks = card.getByTestId("ab-freebusy-block");
    assertThat(blocks).hasCount(1);
    assertThat(blocks.first()).containsText("10:00");
    assertThat(blocks.first()).containsText("11:30");
    assertThat(blocks.first()).containsText("予定あり");
    card.getByTestId("ab-freebusy-week").click();
    assertThat(card.getByTestId("ab-freebusy-week")).hasAttribute("aria-pressed", "true");
    assertThat(blocks).hasCount(1);
    browser.screenshot(page, "contacts-profile.png");

    card.getByTestId("ab-write-mail").click();
    page.waitForURL(Pattern.compile(".*#/mail/[^?]+$"));
    Locator to = page.getByTestId("mail-compose-form").getByTestId("mail-to");
    assertThat(to.getByTestId("mail-chip")).hasCount(1);
    assertThat(to.getByTestId("mail-chip")).hasAttribute("title", satoAddress);
    assertThat(to.getByTestId("mail-chip")).containsText("山田 sato");

    // Talk shows the sender's photo beside their message.
    ApiClient.Response room =
        sato.client()
            .post(
                "/api/v1/rooms",
                Map.of(
                    "type", "direct", "members", java.util.List.of(company.adminId().toString())));
    assertThat(room.status()).as(room.body()).isIn(200, 201);
    String roomId = room.json().get("id").asString();
    ApiClient.Response said =
        sato.client().post("/api/v1/rooms/" + roomId + "/messages", Map.of("text", "写真つきです"));
    assertThat(said.status()).as(said.body()).isIn(200, 201);
    page.navigate("/#/talk/" + roomId);
    Locator message = page.locator(".msg").filter(new Locator.FilterOptions().setHasText("写真つきです"));
    awaitSquarePhoto(message.locator("img.msg-avatar"));

    // The personal book: collecting outside mail recipients is off until turned on.
    page.navigate("/#/contacts/personal");
    Locator collect = page.getByTestId("ab-collect").locator("input[type=checkbox]");
    assertThat(collect).not().isChecked();
    page.waitForResponse(
        r -> r.url().endsWith("/api/v1/contacts/settings/me") && r.status() == 200, collect::check);
    page.reload();
    assertThat(page.getByTestId("ab-collect").locator("input[type=checkbox]")).isChecked();
  }

  private static void awaitSquarePhoto(Locator img) {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                ((Number)
                            img.evaluate(
                                "i => i.complete ? i.naturalWidth * 10000 + i.naturalHeight : 0"))
                        .intValue()
                    == 256 * 10000 + 256);
  }

  private static String defaultCalendar(ApiClient c) {
    for (JsonNode cal : c.get("/api/v1/calendars").json()) {
      if (cal.get("isDefault").asBoolean()) {
        return cal.get("id").asString();
      }
    }
    throw new AssertionError("no default calendar");
  }

  private static byte[] png(int width, int height, Color color) {
    return encode(picture(width, height, color), "png");
  }

  private static byte[] jpeg(int width, int height) {
    return encode(picture(width, height, new Color(40, 110, 180)), "jpg");
  }

  private static BufferedImage picture(int width, int height, Color color) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.WHITE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    return img;
  }

  private static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
