package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class RealtimeIntegrationTests {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @Test
  void aNewMessageReachesTheOtherMembersSocketsAndNoOneElse() throws Exception {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    TestMember outsider = fixtures.member(c, "soto");
    String room = Talk.group(a.client(), "速報", b);
    try (EventSocket phone = EventSocket.open(port, b.client(), EventSocket.origin(port), "");
        EventSocket laptop = EventSocket.open(port, b.client(), null, "");
        EventSocket other =
            EventSocket.open(port, outsider.client(), EventSocket.origin(port), "")) {
      await().until(() -> phone.ofType("hello").size() == 1 && laptop.ofType("hello").size() == 1);
      JsonNode sent = Talk.send(a.client(), room, "新着です");
      String id = sent.get("id").asString();
      // The send's answer and the event carry the message exactly as the room's page shows it,
      // though both are built without reading it back.
      JsonNode listed = null;
      for (JsonNode m : a.client().get("/api/v1/rooms/" + room + "/messages?limit=50").json()) {
        if (m.get("id").asString().equals(id)) {
          listed = m;
        }
      }
      assertThat(sent).isEqualTo(listed);
      for (EventSocket s : List.of(phone, laptop)) {
        await().until(() -> s.ofType("message.created").size() == 1);
        JsonNode e = s.ofType("message.created").get(0);
        assertThat(e.get("room").asString()).isEqualTo(room);
        assertThat(e.get("data").get("id").asString()).isEqualTo(id);
        assertThat(e.get("data").get("text").asString()).isEqualTo("新着です");
        assertThat(e.get("data").get("unreadCount").asInt()).isEqualTo(1);
        assertThat(e.get("data")).isEqualTo(listed);
        assertThat(e.get("seq").asLong())
            .isEqualTo(s.ofType("hello").get(0).get("seq").asLong() + 1);
      }
      // The outsider's next event is about their own room, not the one above.
      String own = Talk.group(outsider.client(), "自分の部屋");
      await().until(() -> other.received.size() > 1);
      assertThat(other.received)
          .allSatisfy(n -> assertThat(n.path("room").asString(own)).isEqualTo(own));

      // Reading moves unread counts for the others; editing, reactions and recall follow.
      b.client().post("/api/v1/rooms/" + room + "/read", Map.of("upTo", 1));
      String msg = "/api/v1/rooms/" + room + "/messages/" + id;
      a.client().put(msg + "/reactions/%E2%9C%85", Map.of());
      a.client().patch(msg, Map.of("text", "新着です(訂正)"));
      a.client().post(msg + "/recall", null);
      await()
          .until(
              () ->
                  phone.received.stream()
                      .map(n -> n.path("type").asString(""))
                      .toList()
                      .containsAll(
                          List.of(
                              "read.moved",
                              "reaction.changed",
                              "message.edited",
                              "message.recalled")));
      JsonNode recalled = phone.ofType("message.recalled").get(0).get("data");
      assertThat(recalled.get("recalled").asBoolean()).isTrue();
      assertThat(recalled.has("text")).isFalse();
      assertThat(phone.ofType("read.moved").get(0).get("data").get("member").asString())
          .isEqualTo(b.id().toString());
      assertThat(phone.received.stream().map(n -> n.path("seq").asLong()).toList()).isSorted();
    }
    // Fan-out and indexing run after commit without an event publication record, whose
    // completion would take a second pool connection per send (the pool stood still under load).
    // Completed records are deleted, so the count shows that none is left over; that none is
    // written: the fan-out has no transactional listener for the registry to track.
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM event_publication WHERE event_type LIKE ?")
                .param("dev.musubi.messaging.%")
                .query(Long.class)
                .single())
        .isZero();
    assertThat(
            java.util.Arrays.stream(
                    Class.forName("dev.musubi.messaging.internal.RealtimeFanout")
                        .getDeclaredMethods())
                .filter(
                    m ->
                        m.isAnnotationPresent(
                            org.springframework.transaction.event.TransactionalEventListener
                                .class)))
        .isEmpty();
  }

  @Test
  void reconnectingWithSinceReplaysExactlyTheMissedEvents() throws Exception {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    String room = Talk.group(a.client(), "再接続", b);
    long lastSeen;
    String epoch;
    try (EventSocket first = EventSocket.open(port, b.client(), null, "")) {
      // Events count from the hello on: the socket is registered when it arrives.
      await().until(() -> first.ofType("hello").size() == 1);
      Talk.send(a.client(), room, "一");
      await().until(() -> first.ofType("message.created").size() == 1);
      epoch = first.ofType("hello").get(0).get("epoch").asString();
      lastSeen = first.ofType("message.created").get(0).get("seq").asLong();
    }
    for (int i = 2; i <= 4; i++) {
      Talk.send(a.client(), room, "続き" + i);
    }
    try (EventSocket again =
        EventSocket.open(port, b.client(), null, "?since=" + lastSeen + "&epoch=" + epoch)) {
      await().until(() -> again.ofType("message.created").size() == 3);
      assertThat(again.received.get(0).get("type").asString()).isEqualTo("hello");
      assertThat(again.ofType("message.created").stream().map(n -> n.get("seq").asLong()).toList())
          .containsExactly(lastSeen + 1, lastSeen + 2, lastSeen + 3);
      assertThat(
              again.ofType("message.created").stream()
                  .map(n -> n.get("data").get("text").asString())
                  .toList())
          .containsExactly("続き2", "続き3", "続き4");
      Talk.send(a.client(), room, "ライブ");
      await().until(() -> again.ofType("message.created").size() == 4);
      assertThat(again.ofType("message.created").get(3).get("seq").asLong())
          .isEqualTo(lastSeen + 4);
      assertThat(again.ofType("resync")).isEmpty();
    }
    try (EventSocket stale =
        EventSocket.open(port, b.client(), null, "?since=" + lastSeen + "&epoch=other")) {
      await().until(() -> stale.ofType("resync").size() == 1);
      assertThat(stale.ofType("message.created")).isEmpty();
    }
  }

  @Test
  void aForeignOriginOrNoSignInIsRefused() {
    TestCompany c = fixtures.company();
    TestMember b = fixtures.member(c, "baba");
    for (String foreign : List.of("https://evil.example", "http://127.0.0.1:1", "null")) {
      assertThatThrownBy(() -> EventSocket.open(port, b.client(), foreign, ""))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(WebSocketHandshakeException.class)
          .satisfies(
              e ->
                  assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                      .isEqualTo(403));
    }
    ApiClient anonymous = fixtures.client();
    assertThatThrownBy(() -> EventSocket.open(port, anonymous, null, ""))
        .cause()
        .isInstanceOf(WebSocketHandshakeException.class)
        .satisfies(
            e ->
                assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                    .isEqualTo(401));
  }

  @Test
  void aSuspendedMembersSocketsAreClosedAtOnce() throws Exception {
    TestCompany c = fixtures.company();
    TestMember b = fixtures.member(c, "baba");
    try (EventSocket s = EventSocket.open(port, b.client(), null, "")) {
      await().until(() -> s.ofType("hello").size() == 1);
      assertThat(c.admin().post("/api/v1/admin/members/" + b.id() + "/suspend", Map.of()).status())
          .isEqualTo(200);
      await().atMost(Duration.ofSeconds(5)).until(s.closed::isDone);
    }
  }

  @Test
  void endedSessionsLoseTheirSocketsOthersKeepThem() throws Exception {
    TestCompany c = fixtures.company();
    TestMember b = fixtures.member(c, "baba");
    ApiClient second = fixtures.client();
    assertThat(second.login(b.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    try (EventSocket old = EventSocket.open(port, b.client(), null, "");
        EventSocket current = EventSocket.open(port, second, null, "")) {
      await().until(() -> old.ofType("hello").size() == 1 && current.ofType("hello").size() == 1);
      // Changing the password ends every other session of the member.
      ApiClient.Response changed =
          second.post(
              "/api/v1/me/password",
              Map.of("currentPassword", Fixtures.PASSWORD, "newPassword", "Sora-no-shita-77?"));
      assertThat(changed.status()).as(changed.body()).isIn(200, 204);
      await().atMost(Duration.ofSeconds(5)).until(old.closed::isDone);
      assertThat(current.closed).isNotDone();
    }
  }

  @Test
  void typingReachesTheOthersAtMostEveryThreeSeconds() throws Exception {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    String room = Talk.group(a.client(), "入力中", b);
    try (EventSocket sa = EventSocket.open(port, a.client(), null, "");
        EventSocket sb = EventSocket.open(port, b.client(), null, "")) {
      await().until(() -> sa.ofType("hello").size() == 1 && sb.ofType("hello").size() == 1);
      sb.send("{\"type\":\"typing\",\"room\":\"" + room + "\"}");
      sb.send("{\"type\":\"typing\",\"room\":\"" + room + "\"}");
      Talk.send(b.client(), room, "送信");
      await().until(() -> sa.ofType("message.created").size() == 1);
      assertThat(sa.ofType("typing")).hasSize(1);
      assertThat(sa.ofType("typing").get(0).get("data").get("member").asString())
          .isEqualTo(b.id().toString());
      assertThat(sa.ofType("typing").get(0).has("seq")).isFalse();
      assertThat(sb.ofType("typing")).isEmpty();
    }
  }
}
