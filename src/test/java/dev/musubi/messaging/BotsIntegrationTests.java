package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Bots with a real callback server on 127.0.0.1, and incoming webhooks. */
@MusubiIntegrationTest
class BotsIntegrationTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;
  @Autowired TestClock clock;
  Fixtures fixtures;
  HttpServer server;
  final List<Delivered> received = new CopyOnWriteArrayList<>();
  final AtomicInteger failuresLeft = new AtomicInteger();
  final HttpClient http = HttpClient.newHttpClient();

  record Delivered(String timestamp, String signature, String body) {}

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
          int status = failuresLeft.getAndDecrement() > 0 ? 500 : 200;
          ex.sendResponseHeaders(status, -1);
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
    clock.reset();
  }

  @Test
  void aBotGetsSignedDeliveriesWithRetriesAndPostsWithItsToken() throws Exception {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    String callback = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";

    assertThat(
            a.client()
                .post("/api/v1/admin/talk-bots", Map.of("name", "x", "callbackUrl", callback))
                .status())
        .isEqualTo(403);
    ApiClient.Response reg =
        c.admin().post("/api/v1/admin/talk-bots", Map.of("name", "勤怠ボット", "callbackUrl", callback));
    assertThat(reg.status()).as(reg.body()).isEqualTo(201);
    String botId = reg.json().get("id").asString();
    String token = reg.json().get("token").asString();
    String secret = reg.json().get("secret").asString();
    assertThat(c.admin().get("/api/v1/admin/talk-bots").body())
        .contains("勤怠ボット")
        .doesNotContain(token)
        .doesNotContain(secret);

    String room = Talk.group(a.client(), "勤怠", b);
    String other = Talk.group(a.client(), "別室", b);
    assertThat(b.client().post("/api/v1/rooms/" + room + "/bots", Map.of("bot", botId)).status())
        .isEqualTo(403);
    ApiClient.Response added =
        a.client().post("/api/v1/rooms/" + room + "/bots", Map.of("bot", botId));
    assertThat(added.status()).as(added.body()).isEqualTo(200);
    assertThat(b.client().get("/api/v1/rooms/" + room + "/bots").body()).contains("勤怠ボット");

    // The first delivery meets a 500, the retry after the backoff succeeds.
    failuresLeft.set(1);
    String messageId = Talk.send(b.client(), room, "明日は休みます").get("id").asString();
    Talk.send(b.client(), other, "ボットのいない部屋");
    await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
    Delivered first = received.get(0);
    assertThat(first.signature())
        .isEqualTo("sha256=" + hmac(secret, first.timestamp() + "." + first.body()));
    JsonNode payload = JSON.readTree(first.body());
    assertThat(payload.get("roomId").asString()).isEqualTo(room);
    assertThat(payload.get("message").get("id").asString()).isEqualTo(messageId);
    assertThat(payload.get("message").get("text").asString()).isEqualTo("明日は休みます");
    await()
        .until(
            () ->
                deliveries(c, botId).get(0).get("attempts").asInt() == 1
                    && deliveries(c, botId).get(0).get("lastError").asString().equals("HTTP 500"));
    clock.advance(Duration.ofSeconds(6));
    await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 2);
    assertThat(received.get(1).body()).isEqualTo(first.body());
    await().until(() -> deliveries(c, botId).get(0).get("status").asString().equals("delivered"));
    // A forged signature would not match: the secret is needed.
    assertThat(hmac("wrong", first.timestamp() + "." + first.body()))
        .isNotEqualTo(first.signature().substring(7));

    // The bot posts with its token; its own message is not sent back to it.
    HttpResponse<String> posted =
        botPost(token, "/bot/v1/rooms/" + room + "/messages", "{\"text\":\"承知しました\"}");
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
    JsonNode seen = Talk.page(b.client(), room, "").get(1);
    assertThat(seen.get("text").asString()).isEqualTo("承知しました");
    assertThat(seen.get("senderName").asString()).isEqualTo("勤怠ボット");
    assertThat(botGet(token, "/bot/v1/rooms/" + room).body()).contains("勤怠");
    // Not in the other room, a wrong token, no token.
    assertThat(
            botPost(token, "/bot/v1/rooms/" + other + "/messages", "{\"text\":\"x\"}").statusCode())
        .isEqualTo(404);
    assertThat(botGet(token, "/bot/v1/rooms/" + other).statusCode()).isEqualTo(404);
    assertThat(
            botPost("mbt_wrong", "/bot/v1/rooms/" + room + "/messages", "{\"text\":\"x\"}")
                .statusCode())
        .isEqualTo(401);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(base() + "/bot/v1/me")).GET().build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(401);
    assertThat(
            botPost(token, "/bot/v1/rooms/" + room + "/messages", "{\"text\":\"\"}").statusCode())
        .isEqualTo(422);
    Thread.sleep(1500); // one poll interval: nothing more may arrive
    assertThat(received).hasSize(2);

    // Another company cannot see or add the bot.
    TestCompany other2 = fixtures.company();
    assertThat(other2.admin().get("/api/v1/admin/talk-bots/" + botId + "/deliveries").status())
        .isEqualTo(404);
    // Removing the bot from the room stops deliveries; deleting the bot ends its token.
    assertThat(a.client().delete("/api/v1/rooms/" + room + "/bots/" + botId).status())
        .isEqualTo(204);
    assertThat(c.admin().delete("/api/v1/admin/talk-bots/" + botId).status()).isEqualTo(204);
    assertThat(botGet(token, "/bot/v1/me").statusCode()).isEqualTo(401);
  }

  @Test
  void callbackUrlsThatAreNotHttpOrPointToMetadataAreRefused() {
    TestCompany c = fixtures.company();
    for (String bad :
        List.of(
            "ftp://192.0.2.1/",
            "javascript:alert(1)",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fe80::1]/",
            "http://0.0.0.0:8080/",
            "file:///etc/passwd")) {
      ApiClient.Response r =
          c.admin().post("/api/v1/admin/talk-bots", Map.of("name", "悪い", "callbackUrl", bad));
      assertThat(r.status()).as(bad).isEqualTo(422);
      assertThat(r.body()).contains("callbackUrl");
    }
    assertThat(c.admin().get("/api/v1/admin/talk-bots").json()).isEmpty();
  }

  @Test
  void anIncomingWebhookPostsIntoItsRoom() throws Exception {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    String room = Talk.group(a.client(), "通知", b);
    assertThat(
            b.client().post("/api/v1/rooms/" + room + "/webhooks", Map.of("name", "CI")).status())
        .isEqualTo(403);
    ApiClient.Response hook =
        a.client().post("/api/v1/rooms/" + room + "/webhooks", Map.of("name", "CI"));
    assertThat(hook.status()).as(hook.body()).isEqualTo(201);
    String url = hook.json().get("url").asString();
    assertThat(url).startsWith("/hooks/talk/");
    assertThat(a.client().get("/api/v1/rooms/" + room + "/webhooks").body())
        .contains("CI")
        .doesNotContain(url);

    HttpResponse<String> posted = raw("POST", url, "{\"text\":\"ビルド成功 <b>main</b>\"}");
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
    JsonNode m = Talk.page(b.client(), room, "").get(0);
    assertThat(m.get("text").asString()).isEqualTo("ビルド成功 <b>main</b>");
    assertThat(m.get("senderName").asString()).isEqualTo("CI");
    assertThat(m.get("unreadCount").asInt()).isEqualTo(2);

    assertThat(raw("POST", url, "{\"text\":\"" + "x".repeat(10_001) + "\"}").statusCode())
        .isEqualTo(422);
    assertThat(raw("POST", "/hooks/talk/mwh_wrong", "{\"text\":\"x\"}").statusCode())
        .isEqualTo(404);
    String id = hook.json().get("id").asString();
    assertThat(a.client().delete("/api/v1/rooms/" + room + "/webhooks/" + id).status())
        .isEqualTo(204);
    assertThat(raw("POST", url, "{\"text\":\"x\"}").statusCode()).isEqualTo(404);
    assertThat(Talk.seqs(Talk.page(b.client(), room, ""))).containsExactly(1L);
  }

  private List<JsonNode> deliveries(TestCompany c, String botId) {
    ApiClient.Response r = c.admin().get("/api/v1/admin/talk-bots/" + botId + "/deliveries");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().valueStream().toList();
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }

  private HttpResponse<String> botPost(String token, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Authorization", "Bot " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
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

  private HttpResponse<String> raw(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String hmac(String key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
  }
}
