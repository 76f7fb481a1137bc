package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.musubi.platform.MusubiCommand;
import dev.musubi.platform.search.SearchIndex;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class MessageSearchIntegrationTests {

  @LocalServerPort int port;
  @Autowired ApplicationContext context;
  @Autowired SearchIndex index;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @Test
  void membersFindMessagesOfTheirRoomsOnly() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    TestMember outsider = fixtures.member(c, "soto");
    String room = Talk.group(a.client(), "検索", b);
    String id = Talk.send(a.client(), room, "来週の見積もりを送ります").get("id").asString();
    Talk.send(a.client(), room, "別件です");
    await().until(() -> hits(b.client(), "見積もり").size() == 1);
    JsonNode hit = hits(b.client(), "見積もり").get(0);
    assertThat(hit.get("messageId").asString()).isEqualTo(id);
    assertThat(hit.get("roomId").asString()).isEqualTo(room);
    assertThat(hit.get("seq").asLong()).isEqualTo(1);
    assertThat(hit.get("senderId").asString()).isEqualTo(a.id().toString());
    assertThat(hit.get("highlight").asString()).contains("<mark>");
    assertThat(hits(outsider.client(), "見積もり")).isEmpty();
    assertThat(outsider.client().get("/api/v1/search/messages?q=x&room=" + room).status())
        .isEqualTo(404);
    assertThat(hits(fixtures.company().admin(), "見積もり")).isEmpty();
    // Filters by sender.
    assertThat(
            b.client()
                .get("/api/v1/search/messages?q=" + enc("見積もり") + "&sender=" + b.id())
                .json()
                .get("hits"))
        .isEmpty();
    // Edits are re-indexed, recalls removed.
    String msg = "/api/v1/rooms/" + room + "/messages/" + id;
    a.client().patch(msg, java.util.Map.of("text", "来週の請求書を送ります"));
    await().until(() -> hits(b.client(), "請求書").size() == 1);
    a.client().post(msg + "/recall", null);
    await().until(() -> hits(b.client(), "請求書").isEmpty());
  }

  @Test
  void theIndexRebuildCommandRestoresTheIndexFromTheDatabase() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    String room = Talk.group(a.client(), "再構築");
    Talk.send(a.client(), room, "会議室の予約をお願いします");
    String gone = Talk.send(a.client(), room, "取り消す会議室の話").get("id").asString();
    a.client().post("/api/v1/rooms/" + room + "/messages/" + gone + "/recall", null);
    Talk.send(a.client(), room, Talk.body("sticker", "ok"));
    await().until(() -> hits(a.client(), "会議室").size() == 1);

    index.deleteAll(c.id(), "message");
    await().until(() -> hits(a.client(), "会議室").isEmpty());

    MusubiCommand command = context.getBean("index-rebuild", MusubiCommand.class);
    assertThat(command.name()).isEqualTo("index-rebuild");
    assertThat(command.run(List.of("example.jp"))).isEqualTo(2);
    assertThat(command.run(List.of(c.id().toString()))).isZero();
    await().until(() -> hits(a.client(), "会議室").size() == 1);
    assertThat(hits(a.client(), "会議室").get(0).get("highlight").asString()).contains("予約");
    assertThat(hits(a.client(), "ok")).isEmpty();
  }

  private static java.util.List<JsonNode> hits(ApiClient client, String q) {
    ApiClient.Response r = client.get("/api/v1/search/messages?q=" + enc(q));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("hits").valueStream().toList();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
