package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class MessagesIntegrationTests {

  private static final String THUMBS_UP = "%F0%9F%91%8D";

  @LocalServerPort int port;
  @Autowired TestClock clock;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  @Test
  void aRetryWithTheSameIdempotencyKeyReturnsTheSameMessage() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    String room = Talk.group(a.client(), "企画", b);
    Map<String, Object> body = Talk.body("text", "会議は15時から", "idempotencyKey", "k-1");
    ApiClient.Response first = Talk.send(a.client(), room, body);
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    ApiClient.Response retry = Talk.send(a.client(), room, body);
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
    // The same key from another sender is another message.
    assertThat(Talk.send(b.client(), room, body).status()).isEqualTo(201);
    assertThat(Talk.seqs(Talk.page(a.client(), room, ""))).containsExactly(1L, 2L);
  }

  @Test
  void concurrentRetriesWithOneKeyMakeOneMessage() throws Exception {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    String room = Talk.group(a.client(), "企画");
    Map<String, Object> body = Talk.body("text", "一度だけ", "idempotencyKey", "same");
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<ApiClient.Response>> futures = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < 4; i++) {
        futures.add(
            CompletableFuture.supplyAsync(
                () -> {
                  await(go);
                  return Talk.send(a.client(), room, body);
                },
                pool));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (var f : futures) {
        statuses.add(f.get().status());
      }
      assertThat(statuses).containsOnly(200, 201).containsOnlyOnce(201);
    }
    assertThat(Talk.seqs(Talk.page(a.client(), room, ""))).containsExactly(1L);
  }

  @Test
  void textIsOneToTenThousandCharactersWithoutControlCharacters() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    String room = Talk.group(a.client(), "企画");
    assertThat(Talk.send(a.client(), room, Map.of("text", "あ".repeat(10_000))).status())
        .isEqualTo(201);
    ApiClient.Response tooLong = Talk.send(a.client(), room, Map.of("text", "あ".repeat(10_001)));
    assertThat(tooLong.status()).isEqualTo(422);
    assertThat(tooLong.json().get("errors").get(0).get("field").asString()).isEqualTo("text");
    assertThat(Talk.send(a.client(), room, Map.of("text", "bell\u0007")).status()).isEqualTo(422);
    assertThat(Talk.send(a.client(), room, Map.of("text", "  ")).status()).isEqualTo(422);
    assertThat(Talk.send(a.client(), room, Map.of()).status()).isEqualTo(422);
    assertThat(Talk.send(a.client(), room, Map.of("text", "一行目\n\t二行目")).status()).isEqualTo(201);
  }

  @Test
  void sequenceNumbersAreGapFreeUnderEightConcurrentSenders() throws Exception {
    TestCompany c = fixtures.company();
    List<TestMember> senders = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      senders.add(fixtures.member(c, "s" + i));
    }
    String room =
        Talk.group(senders.get(0).client(), "同時", senders.subList(1, 8).toArray(TestMember[]::new));
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<List<Long>>> futures = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(8)) {
      for (TestMember s : senders) {
        futures.add(
            CompletableFuture.supplyAsync(
                () -> {
                  await(go);
                  List<Long> mine = new ArrayList<>();
                  for (int i = 0; i < 10; i++) {
                    mine.add(
                        Talk.send(s.client(), room, s.loginId() + " " + i).get("seq").asLong());
                  }
                  return mine;
                },
                pool));
      }
      go.countDown();
      List<Long> all = new ArrayList<>();
      for (var f : futures) {
        List<Long> mine = f.get();
        assertThat(mine).isSorted();
        all.addAll(mine);
      }
      assertThat(all)
          .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 80).boxed().toList());
    }
    JsonNode page = Talk.page(senders.get(3).client(), room, "?limit=100");
    assertThat(Talk.seqs(page)).isEqualTo(LongStream.rangeClosed(1, 80).boxed().toList());
  }

  @Test
  void unreadCountsFallAsMembersRead() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    TestMember d = fixtures.member(c, "doi");
    String room = Talk.group(a.client(), "既読", b, d);
    for (int i = 1; i <= 3; i++) {
      assertThat(Talk.send(a.client(), room, "msg " + i).get("unreadCount").asInt()).isEqualTo(2);
    }
    b.client().post("/api/v1/rooms/" + room + "/read", Map.of("upTo", 2));
    assertThat(unread(a, room)).containsExactly(1, 1, 2);
    d.client().post("/api/v1/rooms/" + room + "/read", Map.of("upTo", 3));
    assertThat(unread(a, room)).containsExactly(0, 0, 1);
    // B answers: B has read everything before, A has not read B's message yet.
    Talk.send(b.client(), room, "了解");
    assertThat(unread(d, room)).containsExactly(0, 0, 0, 2);
    assertThat(b.client().get("/api/v1/rooms/" + room).json().get("unreadCount").asLong()).isZero();
    assertThat(a.client().get("/api/v1/rooms/" + room).json().get("unreadCount").asLong())
        .isEqualTo(1);
    // upTo beyond the end is capped.
    JsonNode capped = a.client().post("/api/v1/rooms/" + room + "/read", Map.of("upTo", 99)).json();
    assertThat(capped.get("lastReadSeq").asLong()).isEqualTo(4);
    assertThat(unread(d, room)).containsExactly(0, 0, 0, 1);
    // A member who joins later has read the history.
    TestMember e = fixtures.member(c, "endo");
    a.client().post("/api/v1/rooms/" + room + "/members", Map.of("members", List.of(e.id())));
    assertThat(unread(e, room)).containsExactly(0, 0, 0, 1);
    assertThat(e.client().get("/api/v1/rooms/unread").json().get("unread").asLong()).isZero();
  }

  @Test
  void pagesGoBySequenceNumberInAscendingOrder() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    String room = Talk.group(a.client(), "ページ");
    for (int i = 1; i <= 12; i++) {
      Talk.send(a.client(), room, "m" + i);
    }
    assertThat(Talk.seqs(Talk.page(a.client(), room, "?limit=5")))
        .containsExactly(8L, 9L, 10L, 11L, 12L);
    assertThat(Talk.seqs(Talk.page(a.client(), room, "?limit=5&before=8")))
        .containsExactly(3L, 4L, 5L, 6L, 7L);
    assertThat(Talk.seqs(Talk.page(a.client(), room, "?limit=3&after=2")))
        .containsExactly(3L, 4L, 5L);
    assertThat(a.client().get("/api/v1/rooms/" + room + "/messages?limit=101").status())
        .isEqualTo(422);
  }

  @Test
  void theSenderRecallsWithinTheWindowAndNotAfter() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    String room = Talk.group(a.client(), "取消", b);
    String first = Talk.send(a.client(), room, "間違えた").get("id").asString();
    String second = Talk.send(a.client(), room, "これは残す").get("id").asString();
    assertThat(
            b.client()
                .post("/api/v1/rooms/" + room + "/messages/" + first + "/recall", null)
                .status())
        .isEqualTo(403);
    ApiClient.Response recalled =
        a.client().post("/api/v1/rooms/" + room + "/messages/" + first + "/recall", null);
    assertThat(recalled.status()).as(recalled.body()).isEqualTo(200);
    JsonNode seenByB = Talk.page(b.client(), room, "").get(0);
    assertThat(seenByB.get("recalled").asBoolean()).isTrue();
    assertThat(seenByB.has("text")).isFalse();
    assertThat(
            b.client()
                .get("/api/v1/rooms/" + room)
                .json()
                .get("lastMessage")
                .get("text")
                .asString())
        .isEqualTo("これは残す");

    // After 24 hours the window is closed (a token, since sessions idle out over a day).
    ApiClient token = tokenClient(a);
    clock.advance(Duration.ofHours(24).plusMinutes(1));
    ApiClient.Response late =
        token.post("/api/v1/rooms/" + room + "/messages/" + second + "/recall", null);
    assertThat(late.status()).as(late.body()).isEqualTo(403);
    assertThat(late.problemType()).isEqualTo("window-closed");
    ApiClient.Response lateEdit =
        token.patch("/api/v1/rooms/" + room + "/messages/" + second, Map.of("text", "x"));
    assertThat(lateEdit.status()).isEqualTo(403);
  }

  @Test
  void onlyTheSenderEdits() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    String room = Talk.group(a.client(), "編集", b);
    String id = Talk.send(a.client(), room, "誤字あり").get("id").asString();
    String path = "/api/v1/rooms/" + room + "/messages/" + id;
    assertThat(b.client().patch(path, Map.of("text", "改ざん")).status()).isEqualTo(403);
    ApiClient.Response edited = a.client().patch(path, Map.of("text", "誤字なし @{" + b.id() + "}"));
    assertThat(edited.status()).as(edited.body()).isEqualTo(200);
    assertThat(edited.json().get("text").asString()).startsWith("誤字なし");
    assertThat(edited.json().has("editedAt")).isTrue();
    assertThat(edited.json().get("mentions").get(0).asString()).isEqualTo(b.id().toString());
    assertThat(a.client().patch(path, Map.of("text", "x".repeat(10_001))).status()).isEqualTo(422);
  }

  @Test
  void mentionsRepliesReactionsAndHiding() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    String room = Talk.group(a.client(), "反応", b);
    String otherRoom = Talk.group(a.client(), "別室", b);
    JsonNode m =
        Talk.send(
                a.client(),
                room,
                Talk.body("text", "@all 確認して @{" + b.id() + "}", "mentions", List.of(a.id())))
            .json();
    assertThat(m.get("mentionsAll").asBoolean()).isTrue();
    assertThat(m.get("mentions")).hasSize(2);
    String id = m.get("id").asString();
    ApiClient.Response reply = Talk.send(b.client(), room, Talk.body("text", "はい", "replyTo", id));
    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.json().get("replyTo").asString()).isEqualTo(id);
    String foreign = Talk.send(a.client(), otherRoom, "別の話").get("id").asString();
    assertThat(Talk.send(b.client(), room, Talk.body("text", "x", "replyTo", foreign)).status())
        .isEqualTo(422);

    String path = "/api/v1/rooms/" + room + "/messages/" + id;
    JsonNode reacted = b.client().put(path + "/reactions/" + THUMBS_UP, Map.of()).json();
    assertThat(reacted.get("reactions").get(0).get("emoji").asString()).isEqualTo("👍");
    assertThat(reacted.get("reactions").get(0).get("members").get(0).asString())
        .isEqualTo(b.id().toString());
    assertThat(b.client().put(path + "/reactions/%F0%9F%90%8D", Map.of()).status()).isEqualTo(422);
    assertThat(b.client().delete(path + "/reactions/" + THUMBS_UP).json().get("reactions"))
        .isEmpty();

    assertThat(b.client().post(path + "/hide", null).status()).isEqualTo(204);
    assertThat(Talk.page(b.client(), room, "")).hasSize(1);
    assertThat(Talk.page(a.client(), room, "")).hasSize(2);
  }

  @Test
  void sendingFasterThanTheLimitIsRefusedWithRetryAfter() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    String room = Talk.group(a.client(), "連投");
    for (int i = 0; i < 20; i++) {
      Talk.send(a.client(), room, "m" + i);
    }
    ApiClient.Response limited = Talk.send(a.client(), room, Map.of("text", "多すぎ"));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("Retry-After")).isNotNull();
    clock.advance(Duration.ofSeconds(11));
    assertThat(Talk.send(a.client(), room, Map.of("text", "再開")).status()).isEqualTo(201);
  }

  private static List<Integer> unread(TestMember viewer, String room) {
    return Talk.page(viewer.client(), room, "")
        .valueStream()
        .map(n -> n.get("unreadCount").asInt())
        .toList();
  }

  private ApiClient tokenClient(TestMember m) {
    ApiClient.Response t =
        m.client()
            .post(
                "/api/v1/me/tokens",
                Map.of("name", "talk", "scopes", List.of("read", "write"), "expiresInDays", 30));
    assertThat(t.status()).as(t.body()).isEqualTo(201);
    return fixtures.client().bearer(t.json().get("token").asString());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
