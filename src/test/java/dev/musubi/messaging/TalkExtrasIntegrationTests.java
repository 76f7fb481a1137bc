package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Forward, pin, archive and stickers, through the real API. */
@MusubiIntegrationTest
class TalkExtrasIntegrationTests {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @Test
  void aMessageIsForwardedOnlyBetweenTheCallersRooms() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    TestMember d = fixtures.member(c, "doi");
    String from = Talk.group(a.client(), "元", b);
    String to = Talk.group(a.client(), "先", d);
    String foreign = Talk.group(d.client(), "他人", b);
    JsonNode original =
        Talk.send(b.client(), from, "見積書は @{" + a.id() + "} さんが確認済みです http://example.jp/q");
    String path = "/api/v1/rooms/" + from + "/messages/" + original.get("id").asString();

    ApiClient.Response fwd =
        a.client().post(path + "/forward", Map.of("room", to, "idempotencyKey", "f-1"));
    assertThat(fwd.status()).as(fwd.body()).isEqualTo(201);
    JsonNode m = fwd.json();
    assertThat(m.get("roomId").asString()).isEqualTo(to);
    assertThat(m.get("senderId").asString()).isEqualTo(a.id().toString());
    assertThat(m.get("forwarded").asBoolean()).isTrue();
    assertThat(m.get("text").asString()).isEqualTo(original.get("text").asString());
    assertThat(m.get("mentions")).isEmpty();
    // A retry with the same key does not forward twice.
    ApiClient.Response retry =
        a.client().post(path + "/forward", Map.of("room", to, "idempotencyKey", "f-1"));
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.json().get("id").asString()).isEqualTo(m.get("id").asString());
    assertThat(Talk.seqs(Talk.page(d.client(), to, ""))).containsExactly(1L);

    // Into a room the caller is not in (404, as for any room not theirs), or nowhere (422).
    ApiClient.Response notMine = a.client().post(path + "/forward", Map.of("room", foreign));
    assertThat(notMine.status()).isEqualTo(404);
    assertThat(notMine.body()).doesNotContain("他人");
    assertThat(a.client().post(path + "/forward", Map.of("room", "x")).status()).isEqualTo(404);
    assertThat(a.client().post(path + "/forward", Map.of()).status()).isEqualTo(422);
    assertThat(Talk.page(b.client(), foreign, "")).isEmpty();
    // From a room the caller is not in: 404.
    assertThat(d.client().post(path + "/forward", Map.of("room", to)).status()).isEqualTo(404);
    // A recalled message cannot be forwarded.
    assertThat(b.client().post(path + "/recall", null).status()).isEqualTo(200);
    assertThat(a.client().post(path + "/forward", Map.of("room", to)).status()).isEqualTo(409);
    // Audited without the text.
    List<String> details =
        jdbc.sql("SELECT detail FROM audit_event WHERE tenant_id = ? AND action_code = 3012")
            .param(c.id())
            .query(String.class)
            .list();
    assertThat(details).hasSize(1);
    assertThat(details.get(0)).doesNotContain("見積書");
  }

  @Test
  void pinnedMessagesAreListedPerRoom() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    TestMember outsider = fixtures.member(c, "soto");
    String room = Talk.group(a.client(), "ピン", b);
    String first = Talk.send(a.client(), room, "議事録はこちら").get("id").asString();
    String second = Talk.send(b.client(), room, "次回は金曜").get("id").asString();
    String base = "/api/v1/rooms/" + room + "/messages/";

    ApiClient.Response pinned = b.client().put(base + first + "/pin", Map.of());
    assertThat(pinned.status()).as(pinned.body()).isEqualTo(200);
    assertThat(pinned.json().get("pinned").asBoolean()).isTrue();
    assertThat(a.client().put(base + second + "/pin", Map.of()).status()).isEqualTo(200);
    assertThat(a.client().put(base + second + "/pin", Map.of()).status()).isEqualTo(200);
    JsonNode pins = a.client().get("/api/v1/rooms/" + room + "/pins").json();
    assertThat(pins.valueStream().map(n -> n.get("id").asString()).toList())
        .containsExactly(second, first);
    assertThat(Talk.page(a.client(), room, "").get(0).get("pinned").asBoolean()).isTrue();

    assertThat(outsider.client().get("/api/v1/rooms/" + room + "/pins").status()).isEqualTo(404);
    assertThat(outsider.client().put(base + first + "/pin", Map.of()).status()).isEqualTo(404);
    assertThat(a.client().delete(base + first + "/pin").status()).isEqualTo(200);
    // Recalling removes the pin.
    assertThat(b.client().post(base + second + "/recall", null).status()).isEqualTo(200);
    assertThat(a.client().get("/api/v1/rooms/" + room + "/pins").json()).isEmpty();
    assertThat(a.client().put(base + second + "/pin", Map.of()).status()).isEqualTo(409);

    // In an announcement room only owners pin.
    ApiClient.Response ann =
        a.client()
            .post(
                "/api/v1/rooms",
                Map.of("type", "announcement", "name", "お知らせ", "members", List.of(b.id())));
    String annId = ann.json().get("id").asString();
    String notice = Talk.send(a.client(), annId, "全社連絡").get("id").asString();
    String annPath = "/api/v1/rooms/" + annId + "/messages/" + notice + "/pin";
    assertThat(b.client().put(annPath, Map.of()).status()).isEqualTo(403);
    assertThat(a.client().put(annPath, Map.of()).status()).isEqualTo(200);
  }

  @Test
  void anArchivedRoomComesBackWithItsNextMessage() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    String room = Talk.group(a.client(), "しまう", b);
    Talk.send(a.client(), room, "一");
    ApiClient.Response archived = b.client().post("/api/v1/rooms/" + room + "/archive", null);
    assertThat(archived.status()).as(archived.body()).isEqualTo(200);
    assertThat(archived.json().get("archived").asBoolean()).isTrue();
    assertThat(roomIds(b.client().get("/api/v1/rooms"))).doesNotContain(room);
    assertThat(roomIds(b.client().get("/api/v1/rooms?archived=true"))).containsExactly(room);
    // Only for B.
    assertThat(roomIds(a.client().get("/api/v1/rooms"))).contains(room);
    // A new message brings it back.
    Talk.send(a.client(), room, "二");
    assertThat(roomIds(b.client().get("/api/v1/rooms"))).contains(room);
    assertThat(b.client().post("/api/v1/rooms/" + room + "/archive", null).status()).isEqualTo(200);
    assertThat(b.client().post("/api/v1/rooms/" + room + "/unarchive", null).status())
        .isEqualTo(200);
    assertThat(roomIds(b.client().get("/api/v1/rooms"))).contains(room);
    assertThat(roomIds(b.client().get("/api/v1/rooms?archived=true"))).isEmpty();
    TestMember outsider = fixtures.member(c, "soto");
    assertThat(outsider.client().post("/api/v1/rooms/" + room + "/archive", null).status())
        .isEqualTo(404);
  }

  @Test
  void stickersComeFromTheBuiltInSet() throws Exception {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    String room = Talk.group(a.client(), "スタンプ", b);
    JsonNode set = a.client().get("/api/v1/talk/stickers").json();
    assertThat(set.size()).isGreaterThanOrEqualTo(6);
    String url = set.get(0).get("url").asString();
    HttpResponse<String> svg =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + url)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(svg.statusCode()).isEqualTo(200);
    assertThat(svg.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
    assertThat(svg.body()).contains("<svg").doesNotContainIgnoringCase("<script");

    ApiClient.Response sent = Talk.send(a.client(), room, Map.of("sticker", "thanks"));
    assertThat(sent.status()).as(sent.body()).isEqualTo(201);
    assertThat(sent.json().get("kind").asString()).isEqualTo("sticker");
    assertThat(sent.json().get("text").asString()).isEqualTo("thanks");
    JsonNode listed = b.client().get("/api/v1/rooms/" + room).json().get("lastMessage");
    assertThat(listed.get("kind").asString()).isEqualTo("sticker");

    ApiClient.Response unknown = Talk.send(a.client(), room, Map.of("sticker", "../../etc"));
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.body()).contains("sticker");
    ApiClient.Response both = Talk.send(a.client(), room, Map.of("sticker", "ok", "text", "x"));
    assertThat(both.status()).isEqualTo(422);
    // A sticker is not edited into text.
    String id = sent.json().get("id").asString();
    ApiClient.Response edit =
        a.client().patch("/api/v1/rooms/" + room + "/messages/" + id, Map.of("text", "hi"));
    assertThat(edit.status()).isEqualTo(409);
    assertThat(Talk.seqs(Talk.page(b.client(), room, ""))).containsExactly(1L);
  }

  private static List<String> roomIds(ApiClient.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().valueStream().map(n -> n.get("id").asString()).toList();
  }
}
