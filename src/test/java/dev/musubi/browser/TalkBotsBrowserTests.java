package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import com.sun.net.httpserver.HttpServer;
import dev.musubi.testing.MusubiIntegrationTest;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talk bots end to end: an admin creates a bot in the console, the bot posts buttons, a link card
 * and an image through its API, a member sees them and presses a button, and the bot's callback
 * receives the signed postback.
 */
@MusubiIntegrationTest
class TalkBotsBrowserTests extends BrowserTestBase {

  static final String PASSWORD = "Asagao-Hirugao-1357!";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  HttpServer callback;
  final List<String[]> received = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws IOException {
    callback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    callback.createContext(
        "/bot",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          received.add(
              new String[] {
                ex.getRequestHeaders().getFirst("X-Musubi-Timestamp"),
                ex.getRequestHeaders().getFirst("X-Musubi-Signature"),
                new String(body, StandardCharsets.UTF_8)
              });
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    callback.start();
  }

  @AfterEach
  void stop() {
    callback.stop(0);
  }

  @Test
  void anAdminCreatesABotThatPostsButtonsLinksAndImagesAndHearsAButtonPress() throws Exception {
    MusubiHttp.TestCompany company = MusubiHttp.newCompany(port, "ボット株式会社");
    MusubiHttp admin = new MusubiHttp(port).signIn(company.adminLoginId(), company.adminPassword());
    String tanakaId = null;
    String satoId = null;
    for (String[] m :
        new String[][] {{"tanaka", "田中 一郎", "田中", "一郎"}, {"sato", "佐藤 花子", "佐藤", "花子"}}) {
      String made =
          admin.post(
              "/api/v1/admin/members",
              MusubiHttp.json(
                  "loginId", m[0],
                  "password", PASSWORD,
                  "displayName", m[1],
                  "familyName", m[2],
                  "givenName", m[3]),
              201);
      String id = JSON.readTree(made).get("id").asString();
      if (m[0].equals("tanaka")) {
        tanakaId = id;
      } else {
        satoId = id;
      }
    }
    assertThat(tanakaId).isNotNull();

    // The admin creates the bot in the console; token and secret are shown once.
    Page console = browser.newPage(1280, 900);
    console.navigate("/#/admin/bots");
    Browser.submitPassword(console, company.adminLoginId(), company.adminPassword());
    assertThat(console.getByTestId("talk-bots")).isVisible();
    console.getByLabel("ボットの名前").fill("経費ボット");
    console
        .getByLabel("コールバックURL")
        .fill("http://127.0.0.1:" + callback.getAddress().getPort() + "/bot");
    console.getByTestId("bot-create").click();
    assertThat(console.getByTestId("bot-secrets")).isVisible();
    String token = console.getByTestId("bot-token").textContent().strip();
    String secret = console.getByTestId("bot-secret").textContent().strip();
    assertThat(token).startsWith("mbt_");
    assertThat(secret).startsWith("mbs_");
    Locator row = console.locator("tr", new Page.LocatorOptions().setHasText("経費ボット"));
    assertThat(row).isVisible();
    String botId =
        JSON.readTree(admin.send("GET", "/api/v1/admin/talk-bots", null, 200))
            .get(0)
            .get("id")
            .asString();
    console
        .getByTestId("bot-icon-input-" + botId)
        .setInputFiles(new FilePayload("icon.png", "image/png", png(200, 200, 0xf2b134)));
    Locator icon = console.getByTestId("bot-icon-" + botId);
    assertThat(icon).isVisible();
    assertThat(icon).hasJSProperty("naturalWidth", 128); // the stored 128 px square

    // Tanaka makes a group with Sato and, as its owner, adds the bot in the room's bot settings.
    MusubiHttp tanaka = new MusubiHttp(port).signIn("tanaka@" + company.domain(), PASSWORD);
    String room =
        JSON.readTree(
                tanaka.post(
                    "/api/v1/rooms",
                    "{\"type\":\"group\",\"name\":\"経費精算\",\"members\":[\"" + satoId + "\"]}",
                    201))
            .get("id")
            .asString();
    Page owner = browser.newPage(1280, 900);
    owner.navigate("/#/talk/" + room);
    Browser.submitPassword(owner, "tanaka@" + company.domain(), PASSWORD);
    owner.getByTestId("bots-open").click();
    Locator dialog = owner.getByTestId("room-bots-dialog");
    dialog.getByLabel("追加するボット").selectOption(botId);
    owner.getByTestId("bot-add").click();
    assertThat(dialog.locator("[data-bot='" + botId + "']")).containsText("経費ボット");
    owner.keyboard().press("Escape");

    // The bot posts an image, buttons and a link card through its API.
    HttpResponse<String> up =
        bot(
            token,
            "/bot/v1/rooms/" + room + "/attachments?name=receipt.png",
            "image/png",
            png(640, 400, 0x1f6f5c));
    assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
    String image = JSON.readTree(up.body()).get("id").asString();
    post(token, room, "{\"text\":\"領収書を受け取りました\",\"attachments\":[\"" + image + "\"]}");
    String buttons =
        post(
            token,
            room,
            "{\"kind\":\"buttons\",\"text\":\"精算を承認しますか？\",\"buttons\":["
                + "{\"label\":\"承認\",\"data\":\"approve:7\"},"
                + "{\"label\":\"差し戻し\",\"data\":\"reject:7\"},"
                + "{\"label\":\"明細を見る\",\"url\":\"https://example.com/claims/7\"}]}");
    post(
        token,
        room,
        "{\"kind\":\"link\",\"url\":\"https://example.com/rules\",\"title\":\"経費規程 <b>2026年版</b>\","
            + "\"description\":\"交通費と宿泊費の上限が変わりました\"}");

    // Sato sees them: the bot's icon and name, the image, the buttons and the card.
    Page sato = browser.newPage(1280, 900);
    sato.navigate("/#/talk/" + room);
    Browser.submitPassword(sato, "sato@" + company.domain(), PASSWORD);
    Locator messages = sato.getByTestId("messages");
    assertThat(messages.getByTestId("thumbnail")).isVisible();
    assertThat(messages.getByTestId("bot-icon").first()).isVisible();
    assertThat(messages.getByTestId("bot-icon").first()).hasJSProperty("naturalWidth", 128);
    Locator buttonsMessage = sato.locator("[data-message='" + buttons + "']");
    assertThat(buttonsMessage).containsText("精算を承認しますか？");
    assertThat(buttonsMessage.locator("[data-button]")).hasCount(3);
    Locator linkButton = buttonsMessage.locator("a[data-button='2']");
    assertThat(linkButton).hasAttribute("href", "https://example.com/claims/7");
    assertThat(linkButton).hasAttribute("rel", "noopener noreferrer");
    Locator card = messages.getByTestId("link-card");
    assertThat(card).containsText("経費規程 <b>2026年版</b>"); // as text, never markup
    assertThat(card.locator("b")).hasCount(0);
    assertThat(card).containsText("交通費と宿泊費の上限が変わりました");
    assertThat(card).hasAttribute("rel", "noopener noreferrer");
    assertThat(card).hasAttribute("target", "_blank");

    // Sato presses 承認: the callback receives the signed postback.
    buttonsMessage.locator("button[data-button='0']").click();
    assertThat(sato.getByText("承認 をボットに送りました")).isVisible();
    sato.waitForCondition(() -> postback() != null);
    String[] d = postback();
    assertThat(d[1]).isEqualTo("sha256=" + hmac(secret, d[0] + "." + d[2]));
    JsonNode event = JSON.readTree(d[2]);
    assertThat(event.get("data").asString()).isEqualTo("approve:7");
    assertThat(event.get("memberId").asString()).isEqualTo(satoId);
    assertThat(event.get("messageId").asString()).isEqualTo(buttons);
    assertThat(event.get("roomId").asString()).isEqualTo(room);
    browser.screenshot(sato, "talk-bot.png");

    // The bot writes to Sato directly: a bot room with its name and icon appears, and Sato's
    // answer reaches the bot.
    HttpResponse<String> direct =
        bot(
            token,
            "/bot/v1/members/" + satoId + "/messages",
            "application/json",
            "{\"text\":\"今月の経費締め切りは25日です\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(direct.statusCode()).as(direct.body()).isEqualTo(201);
    String botRoom = JSON.readTree(direct.body()).get("roomId").asString();
    Locator listed = sato.locator("[data-room='" + botRoom + "']");
    assertThat(listed).containsText("経費ボット");
    assertThat(listed).containsText("BOT");
    assertThat(listed.getByTestId("bot-icon")).hasJSProperty("naturalWidth", 128);
    listed.click();
    assertThat(sato.getByTestId("messages")).containsText("今月の経費締め切りは25日です");
    sato.getByTestId("composer").fill("承知しました");
    sato.getByTestId("send").click();
    sato.waitForCondition(
        () -> received.stream().anyMatch(r -> r[2].contains(botRoom) && r[2].contains("承知しました")));

    // The delivery log in the console shows it, without the data.
    console.reload();
    console.getByTestId("bot-deliveries-" + botId).click();
    Locator log = console.getByTestId("bot-deliveries");
    assertThat(log).containsText("ボタン操作");
    assertThat(log).not().containsText("approve:7");
    assertThat(log).containsText("配信済み");
    browser.screenshot(console, "admin-talk-bots.png");

    // Deleting the bot ends its token.
    console.getByTestId("bot-delete-" + botId).click();
    console
        .getByRole(AriaRole.DIALOG)
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("削除"))
        .click();
    assertThat(console.locator("[data-bot-name='" + botId + "']")).hasCount(0);
    assertThat(
            bot(
                    token,
                    "/bot/v1/rooms/" + room + "/messages",
                    "application/json",
                    "{\"text\":\"x\"}".getBytes(StandardCharsets.UTF_8))
                .statusCode())
        .isEqualTo(401);

    // At phone width the messages and buttons still fit.
    Page phone = browser.newPage(390, 800);
    phone.navigate("/#/talk/" + room);
    Browser.submitPassword(phone, "sato@" + company.domain(), PASSWORD);
    assertThat(phone.locator("[data-message='" + buttons + "'] button[data-button='0']"))
        .isVisible();
    assertThat(phone.getByTestId("link-card")).isVisible();
  }

  private String[] postback() {
    return received.stream().filter(r -> r[2].contains("\"postback\"")).findFirst().orElse(null);
  }

  private String post(String token, String room, String json) throws Exception {
    HttpResponse<String> r =
        bot(
            token,
            "/bot/v1/rooms/" + room + "/messages",
            "application/json",
            json.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body()).get("id").asString();
  }

  private HttpResponse<String> bot(String token, String path, String type, byte[] body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(browser.url(path)))
            .header("Authorization", "Bot " + token)
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static byte[] png(int width, int height, int rgb) throws IOException {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(rgb));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.WHITE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static String hmac(String key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
  }
}
