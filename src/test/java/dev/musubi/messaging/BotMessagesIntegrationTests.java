package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bots' rich messages, files, icons, postbacks and direct messages, with a real callback server on
 * 127.0.0.1 that checks every delivery's signature.
 */
@MusubiIntegrationTest
class BotMessagesIntegrationTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  Fixtures fixtures;
  HttpServer server;
  final List<Delivered> received = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();

  record Delivered(String timestamp, String signature, String body) {
    JsonNode json() {
      return JSON.readTree(body);
    }
  }

  record Bot(String id, String token, String secret) {}

  @BeforeEach
  void setUp() throws Exception {
    fixtures = new Fixtures(port);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          received.add(
              new Delivered(
                  ex.getRequestHeaders().getFirst("X-Musubi-Timestamp"),
                  ex.getRequestHeaders().getFirst("X-Musubi-Signature"),
                  new String(body, StandardCharsets.UTF_8)));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  @Test
  void buttonsLinksAndFilesFromABotReachMembersAndAPressedButtonIsDeliveredSigned()
      throws Exception {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    Bot bot = register(c, "申請ボット");
    String room = Talk.group(a.client(), "申請", b);
    assertThat(a.client().post("/api/v1/rooms/" + room + "/bots", Map.of("bot", bot.id())).status())
        .isEqualTo(200);

    // Members see the room's bots by name, never their callback URLs.
    assertThat(b.client().get("/api/v1/rooms/" + room + "/bots").body())
        .contains("申請ボット")
        .doesNotContain("127.0.0.1");

    // Files: the raw body, and multipart/form-data with a 'file' part.
    HttpResponse<String> image =
        botSend(
            bot.token(),
            "POST",
            "/bot/v1/rooms/" + room + "/attachments?name=graph.png",
            "image/png",
            TalkFiles.png(300, 200, 1));
    assertThat(image.statusCode()).as(image.body()).isEqualTo(201);
    assertThat(JSON.readTree(image.body()).get("thumbnail").asBoolean()).isTrue();
    String boundary = "----musubi" + UUID.randomUUID();
    HttpResponse<String> text =
        botSend(
            bot.token(),
            "POST",
            "/bot/v1/rooms/" + room + "/attachments",
            "multipart/form-data; boundary=" + boundary,
            multipart(boundary, "報告書.txt", "text/plain", "月次報告".getBytes(StandardCharsets.UTF_8)));
    assertThat(text.statusCode()).as(text.body()).isEqualTo(201);
    assertThat(JSON.readTree(text.body()).get("name").asString()).isEqualTo("報告書.txt");
    HttpResponse<String> withFiles =
        botPost(
            bot.token(),
            "/bot/v1/rooms/" + room + "/messages",
            Map.of(
                "text",
                "今月の資料です",
                "attachments",
                List.of(
                    JSON.readTree(image.body()).get("id").asString(),
                    JSON.readTree(text.body()).get("id").asString())));
    assertThat(withFiles.statusCode()).as(withFiles.body()).isEqualTo(201);

    HttpResponse<String> buttons =
        botPost(
            bot.token(),
            "/bot/v1/rooms/" + room + "/messages",
            Map.of(
                "kind",
                "buttons",
                "text",
                "休暇申請を承認しますか",
                "buttons",
                List.of(
                    Map.of("label", "承認", "data", "approve:42"),
                    Map.of("label", "詳細", "url", "https://example.com/leave/42"))));
    assertThat(buttons.statusCode()).as(buttons.body()).isEqualTo(201);
    String buttonsId = JSON.readTree(buttons.body()).get("id").asString();
    HttpResponse<String> link =
        botPost(
            bot.token(),
            "/bot/v1/rooms/" + room + "/messages",
            Map.of(
                "kind",
                "link",
                "url",
                "https://example.com/handbook",
                "title",
                "就業規則 <b>2026</b>",
                "description",
                "改訂版の要点"));
    assertThat(link.statusCode()).as(link.body()).isEqualTo(201);

    ApiClient.Response page = b.client().get("/api/v1/rooms/" + room + "/messages");
    assertThat(page.status()).isEqualTo(200);
    JsonNode messages = page.json();
    assertThat(messages).hasSize(3);
    assertThat(messages.get(0).get("attachments")).hasSize(2);
    assertThat(messages.get(0).get("attachments").get(0).get("width").asInt()).isEqualTo(300);
    JsonNode shown = messages.get(1);
    assertThat(shown.get("kind").asString()).isEqualTo("buttons");
    assertThat(shown.get("text").asString()).isEqualTo("休暇申請を承認しますか");
    assertThat(shown.get("buttons").get(0).get("label").asString()).isEqualTo("承認");
    assertThat(shown.get("buttons").get(0).has("url")).isFalse();
    assertThat(shown.get("buttons").get(1).get("url").asString())
        .isEqualTo("https://example.com/leave/42");
    assertThat(page.body()).doesNotContain("approve:42"); // postback data stays with the bot
    JsonNode card = messages.get(2);
    assertThat(card.get("kind").asString()).isEqualTo("link");
    assertThat(card.get("text").asString()).isEqualTo("就業規則 <b>2026</b>");
    assertThat(card.get("link").get("url").asString()).isEqualTo("https://example.com/handbook");
    assertThat(card.get("link").get("description").asString()).isEqualTo("改訂版の要点");
    // The room list previews the newest (the card's title).
    assertThat(b.client().get("/api/v1/rooms/" + room).body()).contains("就業規則");

    // A member presses the data button: the bot gets a signed postback.
    String postback = "/api/v1/rooms/" + room + "/messages/" + buttonsId + "/postback";
    assertThat(b.client().post(postback, Map.of("button", 0)).status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> !postbacks().isEmpty());
    Delivered d = postbacks().get(0);
    assertThat(d.signature())
        .isEqualTo("sha256=" + hmac(bot.secret(), d.timestamp() + "." + d.body()));
    JsonNode event = d.json();
    assertThat(event.get("botId").asString()).isEqualTo(bot.id());
    assertThat(event.get("roomId").asString()).isEqualTo(room);
    assertThat(event.get("messageId").asString()).isEqualTo(buttonsId);
    assertThat(event.get("memberId").asString()).isEqualTo(b.id().toString());
    assertThat(event.get("data").asString()).isEqualTo("approve:42");

    // A link button, a button that is not there, a message without buttons, a stranger.
    assertThat(b.client().post(postback, Map.of("button", 1)).status()).isEqualTo(422);
    assertThat(b.client().post(postback, Map.of("button", 7)).status()).isEqualTo(422);
    assertThat(b.client().post(postback, Map.of()).status()).isEqualTo(422);
    String textId = messages.get(0).get("id").asString();
    assertThat(
            b.client()
                .post(
                    "/api/v1/rooms/" + room + "/messages/" + textId + "/postback",
                    Map.of("button", 0))
                .status())
        .isEqualTo(422);
    TestMember outsider = fixtures.member(c, "chiba");
    assertThat(outsider.client().post(postback, Map.of("button", 0)).status()).isEqualTo(404);
    TestCompany other = fixtures.company();
    assertThat(other.admin().post(postback, Map.of("button", 0)).status()).isEqualTo(404);

    // The delivery log shows the postback; never its data or message text.
    ApiClient.Response log = c.admin().get("/api/v1/admin/talk-bots/" + bot.id() + "/deliveries");
    assertThat(log.status()).isEqualTo(200);
    assertThat(log.json().valueStream().map(n -> n.get("event").asString()).toList())
        .contains("postback");
    assertThat(log.body()).doesNotContain("approve:42").doesNotContain("休暇");

    // Search finds the buttons' text and the card's title.
    String linkId = JSON.readTree(link.body()).get("id").asString();
    await().until(() -> search(b, "就業規則").contains(linkId));
    await().until(() -> search(b, "休暇申請").contains(buttonsId));
    // The export holds the card's title and URL; the bot recalls the card, which clears it.
    ApiClient.Response export =
        c.admin()
            .post(
                "/api/v1/admin/talk/export",
                Map.of(
                    "room",
                    room,
                    "from",
                    java.time.Instant.now().minus(Duration.ofDays(1)).toString(),
                    "to",
                    java.time.Instant.now().plus(Duration.ofDays(1)).toString(),
                    "reason",
                    "ボット連携の監査のため"));
    assertThat(export.status()).as(export.body()).isEqualTo(200);
    assertThat(export.body())
        .contains("就業規則 <b>2026</b>")
        .contains("https://example.com/handbook")
        .contains("[承認] [詳細]");
    assertThat(
            botPost(
                    bot.token(),
                    "/bot/v1/rooms/" + room + "/messages/" + textId + "/recall",
                    Map.of())
                .statusCode())
        .isEqualTo(200);
    HttpResponse<String> recalled =
        botPost(bot.token(), "/bot/v1/rooms/" + room + "/messages/" + linkId + "/recall", Map.of());
    assertThat(recalled.statusCode()).as(recalled.body()).isEqualTo(200);
    JsonNode gone = JSON.readTree(recalled.body());
    assertThat(gone.get("recalled").asBoolean()).isTrue();
    assertThat(gone.has("link")).isFalse();
    assertThat(gone.has("text")).isFalse();
    await().until(() -> !search(b, "就業規則").contains(linkId));
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM talk_message WHERE id = ? AND payload IS NOT NULL")
                .param(UUID.fromString(linkId))
                .query(Long.class)
                .single())
        .isZero();
    // A bot cannot recall a member's message.
    String memberMessage = Talk.send(a.client(), room, "了解です").get("id").asString();
    assertThat(
            botPost(
                    bot.token(),
                    "/bot/v1/rooms/" + room + "/messages/" + memberMessage + "/recall",
                    Map.of())
                .statusCode())
        .isEqualTo(404);

    // After the bot leaves the room, its buttons no longer deliver.
    assertThat(a.client().delete("/api/v1/rooms/" + room + "/bots/" + bot.id()).status())
        .isEqualTo(204);
    assertThat(b.client().post(postback, Map.of("button", 0)).status()).isEqualTo(409);
  }

  @Test
  void forwardingCarriesCardsAndFilesAndTurnsButtonsIntoPlainText() throws Exception {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    Bot bot = register(c, "経費ボット");
    String from = Talk.group(a.client(), "経費", b);
    String to = Talk.group(a.client(), "共有先", b);
    assertThat(a.client().post("/api/v1/rooms/" + from + "/bots", Map.of("bot", bot.id())).status())
        .isEqualTo(200);
    String buttons =
        botId(
            botPost(
                bot.token(),
                "/bot/v1/rooms/" + from + "/messages",
                Map.of(
                    "kind",
                    "buttons",
                    "text",
                    "経費精算を承認しますか",
                    "buttons",
                    List.of(
                        Map.of("label", "承認", "data", "approve:7"),
                        Map.of("label", "明細", "url", "https://example.com/claims/7")))));
    String card =
        botId(
            botPost(
                bot.token(),
                "/bot/v1/rooms/" + from + "/messages",
                Map.of(
                    "kind",
                    "link",
                    "url",
                    "https://example.com/rules",
                    "title",
                    "経費規程",
                    "description",
                    "2026年版")));
    HttpResponse<String> upload =
        botSend(
            bot.token(),
            "POST",
            "/bot/v1/rooms/" + from + "/attachments?name=receipt.txt",
            "text/plain",
            "領収書".getBytes(StandardCharsets.UTF_8));
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
    String files =
        botId(
            botPost(
                bot.token(),
                "/bot/v1/rooms/" + from + "/messages",
                Map.of("attachments", List.of(JSON.readTree(upload.body()).get("id").asString()))));
    String base = "/api/v1/rooms/" + from + "/messages/";

    // Buttons arrive as plain text with their labels (and a link button's URL), not as buttons.
    ApiClient.Response fb = a.client().post(base + buttons + "/forward", Map.of("room", to));
    assertThat(fb.status()).as(fb.body()).isEqualTo(201);
    assertThat(fb.json().get("kind").asString()).isEqualTo("text");
    assertThat(fb.json().get("forwarded").asBoolean()).isTrue();
    assertThat(fb.json().get("text").asString())
        .isEqualTo("経費精算を承認しますか\n\n[承認]\n[明細] https://example.com/claims/7");
    assertThat(fb.json().has("buttons")).isFalse();
    String pressed = "/api/v1/rooms/" + to + "/messages/" + fb.json().get("id").asString();
    assertThat(b.client().post(pressed + "/postback", Map.of("button", 0)).status()).isEqualTo(422);
    // The card stays a card; the file is a copy the receivers can open.
    ApiClient.Response fc = a.client().post(base + card + "/forward", Map.of("room", to));
    assertThat(fc.status()).as(fc.body()).isEqualTo(201);
    assertThat(fc.json().get("kind").asString()).isEqualTo("link");
    assertThat(fc.json().get("text").asString()).isEqualTo("経費規程");
    assertThat(fc.json().get("link").get("url").asString()).isEqualTo("https://example.com/rules");
    assertThat(fc.json().get("link").get("description").asString()).isEqualTo("2026年版");
    ApiClient.Response ff = a.client().post(base + files + "/forward", Map.of("room", to));
    assertThat(ff.status()).as(ff.body()).isEqualTo(201);
    String copy = ff.json().get("attachments").get(0).get("id").asString();
    assertThat(copy).isNotEqualTo(JSON.readTree(upload.body()).get("id").asString());
    assertThat(new TalkFiles(port, b).get(TalkFiles.path(to) + "/" + copy).status()).isEqualTo(200);
    ApiClient.Response seen = b.client().get("/api/v1/rooms/" + to + "/messages");
    assertThat(seen.json()).hasSize(3);
    assertThat(seen.body()).doesNotContain("approve:7");

    // Files the company blocks since they were sent are not shared again; nothing is posted.
    assertThat(
            c.admin()
                .put("/api/v1/admin/drive-policy", Map.of("blockedExtensions", List.of("txt")))
                .status())
        .isEqualTo(200);
    ApiClient.Response blocked = a.client().post(base + files + "/forward", Map.of("room", to));
    assertThat(blocked.status()).isEqualTo(422);
    assertThat(blocked.problemType()).isEqualTo("extension-blocked");
    // Another room of someone else, another company's room, a message the caller hid, a stranger
    // or another company forwarding: 404, and nothing about the rooms in the answer.
    String theirs = Talk.group(b.client(), "秘密の相談");
    TestCompany other = fixtures.company();
    String otherRoom = Talk.group(other.admin(), "他社");
    for (String target : List.of(theirs, otherRoom)) {
      ApiClient.Response r = a.client().post(base + card + "/forward", Map.of("room", target));
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.body()).doesNotContain("秘密").doesNotContain("他社");
    }
    assertThat(a.client().post(base + buttons + "/hide", null).status()).isEqualTo(204);
    assertThat(a.client().post(base + buttons + "/forward", Map.of("room", to)).status())
        .isEqualTo(404);
    TestMember stranger = fixtures.member(c, "chiba");
    String strangers = Talk.group(stranger.client(), "一人");
    assertThat(stranger.client().post(base + card + "/forward", Map.of("room", strangers)).status())
        .isEqualTo(404);
    assertThat(other.admin().post(base + card + "/forward", Map.of("room", otherRoom)).status())
        .isEqualTo(404);
    assertThat(b.client().get("/api/v1/rooms/" + to + "/messages").json()).hasSize(3);
    assertThat(Talk.page(b.client(), theirs, "")).isEmpty();
    assertThat(Talk.page(other.admin(), otherRoom, "")).isEmpty();
  }

  private static String botId(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body()).get("id").asString();
  }

  @Test
  void aBotWritesToAMemberInItsOwnRoomAndTheAnswerReachesTheBot() throws Exception {
    TestCompany c = fixtures.company();
    TestMember b = fixtures.member(c, "baba");
    Bot bot = register(c, "総務ボット");

    HttpResponse<String> first =
        botPost(
            bot.token(), "/bot/v1/members/" + b.id() + "/messages", Map.of("text", "健康診断の案内です"));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    String room = JSON.readTree(first.body()).get("roomId").asString();
    HttpResponse<String> second =
        botPost(
            bot.token(),
            "/bot/v1/members/" + b.id() + "/messages",
            Map.of(
                "kind",
                "buttons",
                "text",
                "出席しますか",
                "buttons",
                List.of(Map.of("label", "出席", "data", "yes"))));
    assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
    assertThat(JSON.readTree(second.body()).get("roomId").asString()).isEqualTo(room);

    JsonNode listed =
        b.client()
            .get("/api/v1/rooms")
            .json()
            .valueStream()
            .filter(r -> r.get("id").asString().equals(room))
            .findFirst()
            .orElseThrow();
    assertThat(listed.get("type").asString()).isEqualTo("bot");
    assertThat(listed.get("name").asString()).isEqualTo("総務ボット");
    assertThat(listed.get("botId").asString()).isEqualTo(bot.id());
    assertThat(listed.get("unreadCount").asInt()).isEqualTo(2);

    // The member answers; the bot hears it, signed.
    Talk.send(b.client(), room, "出席します");
    await().atMost(Duration.ofSeconds(20)).until(() -> !messagesDelivered().isEmpty());
    Delivered d = messagesDelivered().get(0);
    assertThat(d.signature())
        .isEqualTo("sha256=" + hmac(bot.secret(), d.timestamp() + "." + d.body()));
    assertThat(d.json().get("roomId").asString()).isEqualTo(room);
    assertThat(d.json().get("message").get("text").asString()).isEqualTo("出席します");
    assertThat(botGet(bot.token(), "/bot/v1/rooms/" + room).body()).contains("\"type\":\"bot\"");

    // The member cannot rename the room, add people or other bots to it; nobody creates one.
    assertThat(b.client().patch("/api/v1/rooms/" + room, Map.of("name", "x")).status())
        .isEqualTo(403);
    TestMember a = fixtures.member(c, "aoki");
    assertThat(
            b.client()
                .post(
                    "/api/v1/rooms/" + room + "/members",
                    Map.of("members", List.of(a.id().toString())))
                .status())
        .isEqualTo(409);
    ApiClient.Response made =
        b.client().post("/api/v1/rooms", Map.of("type", "bot", "name", "x", "members", List.of()));
    assertThat(made.status()).isEqualTo(422);
    assertThat(a.client().get("/api/v1/rooms/" + room).status()).isEqualTo(404);

    // Only active members of the bot's company: others answer 404 and no room is made.
    TestCompany other = fixtures.company();
    TestMember stranger = fixtures.member(other, "tanin");
    for (String target : List.of(stranger.id().toString(), UUID.randomUUID().toString(), "x")) {
      HttpResponse<String> r =
          botPost(bot.token(), "/bot/v1/members/" + target + "/messages", Map.of("text", "やあ"));
      assertThat(r.statusCode()).as(target).isEqualTo(404);
    }
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM talk_room WHERE type = 'bot' AND direct_key LIKE ?")
                .param("bot:" + bot.id() + ":%")
                .query(Long.class)
                .single())
        .isEqualTo(1);
    assertThat(
            botPost("mbt_wrong", "/bot/v1/members/" + b.id() + "/messages", Map.of("text", "x"))
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void badRichMessagesAndBadFilesAreRefusedAndNothingIsStored() throws Exception {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    Bot bot = register(c, "検査ボット");
    String room = Talk.group(a.client(), "検査");
    String lonely = Talk.group(a.client(), "ボットなし");
    assertThat(a.client().post("/api/v1/rooms/" + room + "/bots", Map.of("bot", bot.id())).status())
        .isEqualTo(200);
    String path = "/bot/v1/rooms/" + room + "/messages";

    List<Map<String, Object>> eleven = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      eleven.add(Map.of("label", "b" + i, "data", "d" + i));
    }
    record Bad(Map<String, Object> body, String field) {}
    List<Bad> bad =
        List.of(
            new Bad(Map.of("kind", "buttons", "text", "t", "buttons", eleven), "buttons"),
            new Bad(Map.of("kind", "buttons", "text", "t", "buttons", List.of()), "buttons"),
            new Bad(
                Map.of(
                    "kind",
                    "buttons",
                    "text",
                    "t",
                    "buttons",
                    List.of(Map.of("label", "x".repeat(41), "data", "d"))),
                "buttons[0].label"),
            new Bad(
                Map.of(
                    "kind",
                    "buttons",
                    "text",
                    "t",
                    "buttons",
                    List.of(Map.of("label", "開く", "url", "javascript:alert(1)"))),
                "buttons[0].url"),
            new Bad(
                Map.of(
                    "kind",
                    "buttons",
                    "text",
                    "t",
                    "buttons",
                    List.of(Map.of("label", "開く", "url", "data:text/html,<script>"))),
                "buttons[0].url"),
            new Bad(
                Map.of(
                    "kind",
                    "buttons",
                    "text",
                    "t",
                    "buttons",
                    List.of(Map.of("label", "両方", "data", "d", "url", "https://example.com"))),
                "buttons[0]"),
            new Bad(
                Map.of("kind", "buttons", "text", "t", "buttons", List.of(Map.of("label", "なし"))),
                "buttons[0]"),
            new Bad(
                Map.of("kind", "buttons", "buttons", List.of(Map.of("label", "ok", "data", "d"))),
                "text"),
            new Bad(Map.of("kind", "link", "url", "javascript:alert(1)", "title", "t"), "url"),
            new Bad(
                Map.of("kind", "link", "url", "data:text/html;base64,PHNjcmlwdD4=", "title", "t"),
                "url"),
            new Bad(Map.of("kind", "link", "url", "https://example.com"), "title"),
            new Bad(
                Map.of("kind", "link", "url", "https://example.com", "title", "x".repeat(201)),
                "title"),
            new Bad(Map.of("kind", "poll", "text", "t"), "kind"));
    for (Bad x : bad) {
      HttpResponse<String> r = botPost(bot.token(), path, x.body());
      assertThat(r.statusCode()).as(x.body().toString()).isEqualTo(422);
      assertThat(
              JSON.readTree(r.body())
                  .get("errors")
                  .valueStream()
                  .map(e -> e.get("field").asString())
                  .toList())
          .as(r.body())
          .contains(x.field());
    }
    assertThat(Talk.page(a.client(), room, "")).isEmpty();

    // Files: blocked extension, over the company's limit (raw and multipart), too many pixels.
    assertThat(
            c.admin()
                .put("/api/v1/admin/drive-policy", Map.of("blockedExtensions", List.of("exe")))
                .status())
        .isEqualTo(200);
    assertThat(c.admin().put("/api/v1/admin/talk-settings", Map.of("attachmentMaxMb", 1)).status())
        .isEqualTo(200);
    String upload = "/bot/v1/rooms/" + room + "/attachments";
    HttpResponse<String> blocked =
        botSend(
            bot.token(),
            "POST",
            upload + "?name=setup.EXE",
            "application/octet-stream",
            new byte[] {1});
    assertThat(blocked.statusCode()).isEqualTo(422);
    assertThat(blocked.body()).contains("extension-blocked");
    String boundary = "----musubi" + UUID.randomUUID();
    HttpResponse<String> blockedForm =
        botSend(
            bot.token(),
            "POST",
            upload,
            "multipart/form-data; boundary=" + boundary,
            multipart(boundary, "tool.exe", "application/octet-stream", new byte[] {1}));
    assertThat(blockedForm.statusCode()).isEqualTo(422);
    byte[] big = new byte[1024 * 1024 + 4096];
    HttpResponse<String> tooBig =
        botSend(bot.token(), "POST", upload + "?name=big.bin", "application/octet-stream", big);
    assertThat(tooBig.statusCode()).isEqualTo(413);
    HttpResponse<String> tooBigStreamed =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + upload + "?name=big.bin"))
                .header("Authorization", "Bot " + bot.token())
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(tooBigStreamed.statusCode()).isEqualTo(413);
    byte[] bigForm =
        multipart(boundary, "big.bin", "application/octet-stream", new byte[3 * 1024 * 1024]);
    HttpResponse<String> tooBigForm =
        botSend(bot.token(), "POST", upload, "multipart/form-data; boundary=" + boundary, bigForm);
    assertThat(tooBigForm.statusCode()).isEqualTo(413);
    HttpResponse<String> bomb =
        botSend(
            bot.token(),
            "POST",
            upload + "?name=bomb.png",
            "image/png",
            TalkFiles.pngClaiming(20_000, 20_000));
    assertThat(bomb.statusCode()).isEqualTo(422);
    assertThat(bomb.body()).contains("image-too-large");
    HttpResponse<String> noFilePart =
        botSend(
            bot.token(),
            "POST",
            upload,
            "multipart/form-data; boundary=" + boundary,
            ("--"
                    + boundary
                    + "\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--"
                    + boundary
                    + "--\r\n")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(noFilePart.statusCode()).isEqualTo(422);

    // Rooms the bot is not in, another company's room, nonsense IDs: 404.
    TestCompany other = fixtures.company();
    TestMember stranger = fixtures.member(other, "tanin");
    String theirs = Talk.group(stranger.client(), "よその部屋");
    for (String r : List.of(lonely, theirs, UUID.randomUUID().toString(), "x")) {
      assertThat(
              botPost(bot.token(), "/bot/v1/rooms/" + r + "/messages", Map.of("text", "やあ"))
                  .statusCode())
          .as(r)
          .isEqualTo(404);
      assertThat(
              botSend(
                      bot.token(),
                      "POST",
                      "/bot/v1/rooms/" + r + "/attachments?name=a.txt",
                      "text/plain",
                      new byte[] {1})
                  .statusCode())
          .as(r)
          .isEqualTo(404);
    }
    // A member's upload cannot be sent by the bot.
    TalkFiles af = new TalkFiles(port, a);
    String mine = af.uploaded(room, "mine.txt", "text/plain", new byte[] {1}).get("id").asString();
    assertThat(botPost(bot.token(), path, Map.of("attachments", List.of(mine))).statusCode())
        .isEqualTo(422);
    assertThat(Talk.page(a.client(), room, "")).isEmpty();
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM talk_attachment WHERE tenant_id = ? AND uploaded_by = ?")
                .params(c.id(), UUID.fromString(bot.id()))
                .query(Long.class)
                .single())
        .isZero();
  }

  @Test
  void anAdminSetsABotIconThatMembersSeeAndOnlyAdminsChange() throws Exception {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    Bot bot = register(c, "アイコンボット");
    String iconPath = "/api/v1/admin/talk-bots/" + bot.id() + "/icon";
    String adminToken = token(c.admin());
    String memberToken = token(a.client());

    HttpResponse<byte[]> set =
        bytes(adminToken, "PUT", iconPath, "image/png", TalkFiles.png(400, 200, 3));
    assertThat(set.statusCode()).as(new String(set.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    String version = JSON.readTree(set.body()).get("icon").asString();
    assertThat(version).hasSize(64);
    HttpResponse<byte[]> got =
        bytes(memberToken, "GET", "/api/v1/talk/bots/" + bot.id() + "/icon", null, null);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.headers().firstValue("Content-Type").orElse("")).startsWith("image/png");
    var img = ImageIO.read(new ByteArrayInputStream(got.body()));
    assertThat(img.getWidth()).isEqualTo(128);
    assertThat(img.getHeight()).isEqualTo(128);
    assertThat(bytes(adminToken, "GET", iconPath, null, null).statusCode()).isEqualTo(200);
    assertThat(c.admin().get("/api/v1/admin/talk-bots").body()).contains(version);
    // Members list the company's bots (to add one to a room) without their callback URLs.
    ApiClient.Response listed = a.client().get("/api/v1/talk/bots");
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.body()).contains("アイコンボット").contains(version).doesNotContain("127.0.0.1");

    // Members cannot change it; bad images are refused before anything is kept.
    assertThat(
            bytes(memberToken, "PUT", iconPath, "image/png", TalkFiles.png(64, 64, 4)).statusCode())
        .isEqualTo(403);
    assertThat(bytes(memberToken, "GET", iconPath, null, null).statusCode()).isEqualTo(403);
    HttpResponse<byte[]> svg =
        bytes(
            adminToken,
            "PUT",
            iconPath,
            "image/svg+xml",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8));
    assertThat(svg.statusCode()).isEqualTo(422);
    assertThat(new String(svg.body(), StandardCharsets.UTF_8)).contains("not_an_image");
    HttpResponse<byte[]> bomb =
        bytes(adminToken, "PUT", iconPath, "image/png", TalkFiles.pngClaiming(20_000, 20_000));
    assertThat(bomb.statusCode()).isEqualTo(422);
    assertThat(new String(bomb.body(), StandardCharsets.UTF_8)).contains("too_many_pixels");
    // Too large, from the Content-Length: answered 413 whether or not the client waits for the
    // go-ahead (with Expect: 100-continue it never sends the body; without, the body is read and
    // discarded so the client is not cut off while it writes).
    for (boolean expectContinue : new boolean[] {true, false}) {
      HttpResponse<byte[]> huge =
          http.send(
              HttpRequest.newBuilder(URI.create(base() + iconPath))
                  .header("Authorization", "Bearer " + adminToken)
                  .header("Content-Type", "image/png")
                  .expectContinue(expectContinue)
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[5 * 1024 * 1024 + 1]))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(huge.statusCode()).as("Expect: 100-continue " + expectContinue).isEqualTo(413);
    }
    assertThat(c.admin().get("/api/v1/admin/talk-bots").body()).contains(version);

    // Another company sees nothing.
    TestCompany other = fixtures.company();
    assertThat(
            bytes(
                    token(other.admin()),
                    "GET",
                    "/api/v1/talk/bots/" + bot.id() + "/icon",
                    null,
                    null)
                .statusCode())
        .isEqualTo(404);
    assertThat(
            bytes(token(other.admin()), "PUT", iconPath, "image/png", TalkFiles.png(64, 64, 5))
                .statusCode())
        .isEqualTo(404);

    assertThat(bytes(adminToken, "DELETE", iconPath, null, null).statusCode()).isEqualTo(204);
    assertThat(
            bytes(memberToken, "GET", "/api/v1/talk/bots/" + bot.id() + "/icon", null, null)
                .statusCode())
        .isEqualTo(404);
    assertThat(
            c.admin()
                .get("/api/v1/admin/audit?size=50&action=BOT_ICON_CHANGED")
                .json()
                .get("items"))
        .hasSize(2);
  }

  // ------------------------------------------------------------------------------------------

  private String search(TestMember m, String q) {
    ApiClient.Response r = m.client().get("/api/v1/search/messages?q=" + enc(q));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  private Bot register(TestCompany c, String name) {
    String callback = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    ApiClient.Response reg =
        c.admin().post("/api/v1/admin/talk-bots", Map.of("name", name, "callbackUrl", callback));
    assertThat(reg.status()).as(reg.body()).isEqualTo(201);
    return new Bot(
        reg.json().get("id").asString(),
        reg.json().get("token").asString(),
        reg.json().get("secret").asString());
  }

  private List<Delivered> postbacks() {
    return received.stream()
        .filter(d -> d.json().get("type").asString().equals("postback"))
        .toList();
  }

  private List<Delivered> messagesDelivered() {
    return received.stream()
        .filter(d -> d.json().get("type").asString().equals("message.created"))
        .toList();
  }

  private String token(ApiClient client) {
    ApiClient.Response t =
        client.post(
            "/api/v1/me/tokens",
            Map.of("name", "bots", "scopes", List.of("read", "write"), "expiresInDays", 30));
    assertThat(t.status()).as(t.body()).isEqualTo(201);
    return t.json().get("token").asString();
  }

  private HttpResponse<byte[]> bytes(
      String token, String method, String path, @Nullable String type, byte @Nullable [] body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json, image/png")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private HttpResponse<String> botPost(String token, String path, Object body) throws Exception {
    return botSend(
        token,
        "POST",
        path,
        "application/json",
        JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> botSend(
      String token, String method, String path, String type, byte[] body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Authorization", "Bot " + token)
            .header("Content-Type", type)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> botGet(String token, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Authorization", "Bot " + token)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] multipart(String boundary, String filename, String type, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\nContent-Type: "
                + type
                + "\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    out.writeBytes(content);
    out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static String hmac(String key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
  }
}
