package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class RoomsIntegrationTests {

  @LocalServerPort int port;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @Test
  void aDirectRoomExistsOncePerPairOfMembers() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    ApiClient.Response first =
        a.client()
            .post("/api/v1/rooms", Map.of("type", "direct", "members", List.of(b.id().toString())));
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    String id = first.json().get("id").asString();
    assertThat(first.json().get("type").asString()).isEqualTo("direct");
    ApiClient.Response again =
        a.client()
            .post("/api/v1/rooms", Map.of("type", "direct", "members", List.of(b.id().toString())));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("id").asString()).isEqualTo(id);
    ApiClient.Response fromB =
        b.client()
            .post("/api/v1/rooms", Map.of("type", "direct", "members", List.of(a.id().toString())));
    assertThat(fromB.status()).isEqualTo(200);
    assertThat(fromB.json().get("id").asString()).isEqualTo(id);
    // A direct room cannot grow.
    TestMember x = fixtures.member(c, "xeno");
    assertThat(
            a.client()
                .post("/api/v1/rooms/" + id + "/members", Map.of("members", List.of(x.id())))
                .status())
        .isEqualTo(409);
  }

  @Test
  void twoConcurrentDirectCreatesMakeOneRoom() throws Exception {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    for (int round = 0; round < 3; round++) {
      TestMember x = fixtures.member(c, "x" + round);
      CountDownLatch go = new CountDownLatch(1);
      try (var pool = Executors.newFixedThreadPool(2)) {
        var f1 =
            CompletableFuture.supplyAsync(
                () -> {
                  await(go);
                  return a.client()
                      .post(
                          "/api/v1/rooms",
                          Map.of("type", "direct", "members", List.of(x.id().toString())));
                },
                pool);
        var f2 =
            CompletableFuture.supplyAsync(
                () -> {
                  await(go);
                  return x.client()
                      .post(
                          "/api/v1/rooms",
                          Map.of("type", "direct", "members", List.of(a.id().toString())));
                },
                pool);
        go.countDown();
        ApiClient.Response r1 = f1.get();
        ApiClient.Response r2 = f2.get();
        assertThat(List.of(r1.status(), r2.status()))
            .as(r1.body() + r2.body())
            .containsExactlyInAnyOrder(200, 201);
        assertThat(r1.json().get("id").asString()).isEqualTo(r2.json().get("id").asString());
      }
    }
    assertThat(b.client().get("/api/v1/rooms").json()).isEmpty();
    assertThat(a.client().get("/api/v1/rooms").json()).hasSize(3);
  }

  @Test
  void membersMustBeActiveMembersOfTheSameCompany() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember suspended = fixtures.member(c, "sasaki");
    assertThat(
            c.admin()
                .post("/api/v1/admin/members/" + suspended.id() + "/suspend", Map.of())
                .status())
        .isEqualTo(200);
    TestCompany other = fixtures.company();
    TestMember stranger = fixtures.member(other, "tanaka");
    for (TestMember who : List.of(suspended, stranger)) {
      ApiClient.Response r =
          a.client()
              .post(
                  "/api/v1/rooms",
                  Map.of("type", "group", "name", "企画", "members", List.of(who.id().toString())));
      assertThat(r.status()).as(r.body()).isEqualTo(422);
      assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("members");
    }
    ApiClient.Response junk =
        a.client()
            .post(
                "/api/v1/rooms",
                Map.of("type", "group", "name", "企画", "members", List.of("not-an-id")));
    assertThat(junk.status()).isEqualTo(422);
    assertThat(a.client().post("/api/v1/rooms", Map.of("type", "chat")).status()).isEqualTo(422);
    assertThat(a.client().post("/api/v1/rooms", Map.of("type", "group")).status()).isEqualTo(422);
  }

  @Test
  void roomsListShowsUnreadCountsLastMessageAndActivityOrder() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    String older = Talk.group(a.client(), "古い部屋", b);
    String newer = Talk.group(a.client(), "新しい部屋", b);
    Talk.send(a.client(), newer, "こんにちは");
    Talk.send(a.client(), older, "一通目");
    Talk.send(a.client(), older, "二通目");

    JsonNode rooms = b.client().get("/api/v1/rooms").json();
    assertThat(rooms.get(0).get("id").asString()).isEqualTo(older);
    assertThat(rooms.get(0).get("unreadCount").asLong()).isEqualTo(2);
    assertThat(rooms.get(0).get("lastMessage").get("text").asString()).isEqualTo("二通目");
    assertThat(rooms.get(1).get("unreadCount").asLong()).isEqualTo(1);
    assertThat(b.client().get("/api/v1/rooms/unread").json().get("unread").asLong()).isEqualTo(3);
    // The sender has read their own messages.
    assertThat(a.client().get("/api/v1/rooms/unread").json().get("unread").asLong()).isZero();

    assertThat(b.client().post("/api/v1/rooms/" + older + "/read", Map.of("upTo", 2)).status())
        .isEqualTo(200);
    assertThat(b.client().get("/api/v1/rooms/unread").json().get("unread").asLong()).isEqualTo(1);
    // The pointer never moves back.
    JsonNode back = b.client().post("/api/v1/rooms/" + older + "/read", Map.of("upTo", 1)).json();
    assertThat(back.get("lastReadSeq").asLong()).isEqualTo(2);

    // Pinned rooms come first.
    assertThat(
            b.client()
                .post("/api/v1/rooms/" + newer + "/pin", null)
                .json()
                .get("pinned")
                .asBoolean())
        .isTrue();
    assertThat(b.client().get("/api/v1/rooms").json().get(0).get("id").asString()).isEqualTo(newer);
    assertThat(
            b.client()
                .post("/api/v1/rooms/" + newer + "/mute", null)
                .json()
                .get("muted")
                .asBoolean())
        .isTrue();
    assertThat(
            b.client()
                .post("/api/v1/rooms/" + newer + "/unmute", null)
                .json()
                .get("muted")
                .asBoolean())
        .isFalse();
    // Flags are per member.
    assertThat(a.client().get("/api/v1/rooms/" + newer).json().get("pinned").asBoolean()).isFalse();
  }

  @Test
  void ownersRenameAndRemoveMembersLeaveOnTheirOwn() {
    TestCompany c = fixtures.company();
    TestMember owner = fixtures.member(c, "oomori");
    TestMember b = fixtures.member(c, "baba");
    TestMember d = fixtures.member(c, "doi");
    String room = Talk.group(owner.client(), "企画", b);
    assertThat(b.client().patch("/api/v1/rooms/" + room, Map.of("name", "乗っ取り")).status())
        .isEqualTo(403);
    ApiClient.Response renamed =
        owner.client().patch("/api/v1/rooms/" + room, Map.of("name", "企画チーム"));
    assertThat(renamed.json().get("name").asString()).isEqualTo("企画チーム");
    // Any member adds members to a group.
    ApiClient.Response added =
        b.client().post("/api/v1/rooms/" + room + "/members", Map.of("members", List.of(d.id())));
    assertThat(added.status()).as(added.body()).isEqualTo(200);
    assertThat(added.json().get("members")).hasSize(3);
    // Only an owner removes others.
    assertThat(b.client().delete("/api/v1/rooms/" + room + "/members/" + d.id()).status())
        .isEqualTo(403);
    assertThat(owner.client().delete("/api/v1/rooms/" + room + "/members/" + d.id()).status())
        .isEqualTo(204);
    assertThat(d.client().get("/api/v1/rooms/" + room).status()).isEqualTo(404);
    // A member leaves; when the last owner leaves, the next member becomes owner.
    assertThat(owner.client().delete("/api/v1/rooms/" + room + "/members/" + owner.id()).status())
        .isEqualTo(204);
    JsonNode after = b.client().get("/api/v1/rooms/" + room).json();
    assertThat(after.get("owners").get(0).asString()).isEqualTo(b.id().toString());
    assertThat(owner.client().get("/api/v1/rooms/" + room).status()).isEqualTo(404);
  }

  @Test
  void ownersGrantAndTakeBackOwnershipAndARoomKeepsOneOwner() {
    TestCompany c = fixtures.company();
    TestMember owner = fixtures.member(c, "oomori");
    TestMember b = fixtures.member(c, "baba");
    TestMember d = fixtures.member(c, "doi");
    TestMember outsider = fixtures.member(c, "soto");
    String room = Talk.group(owner.client(), "運営", b, d);
    String owners = "/api/v1/rooms/" + room + "/owners/";
    // A member who is not an owner cannot grant; an owner can, and again changes nothing.
    assertThat(b.client().put(owners + b.id(), Map.of()).status()).isEqualTo(403);
    ApiClient.Response granted = owner.client().put(owners + b.id(), Map.of());
    assertThat(granted.status()).as(granted.body()).isEqualTo(200);
    assertThat(granted.json().get("owners").valueStream().map(JsonNode::asString).toList())
        .containsExactlyInAnyOrder(owner.id().toString(), b.id().toString());
    assertThat(owner.client().put(owners + b.id(), Map.of()).status()).isEqualTo(200);
    // The new owner renames; takes ownership from the first, who then cannot take it back.
    assertThat(b.client().patch("/api/v1/rooms/" + room, Map.of("name", "運営委員")).status())
        .isEqualTo(200);
    assertThat(b.client().delete(owners + owner.id()).status()).isEqualTo(200);
    assertThat(owner.client().put(owners + owner.id(), Map.of()).status()).isEqualTo(403);
    // The last owner cannot step down; someone outside the room, or no one, is not found.
    ApiClient.Response last = b.client().delete(owners + b.id());
    assertThat(last.status()).isEqualTo(409);
    assertThat(last.problemType()).isEqualTo("last-owner");
    assertThat(b.client().put(owners + outsider.id(), Map.of()).status()).isEqualTo(404);
    assertThat(b.client().put(owners + "nobody", Map.of()).status()).isEqualTo(404);
    assertThat(outsider.client().put(owners + outsider.id(), Map.of()).status()).isEqualTo(404);
    assertThat(c.admin().put(owners + b.id(), Map.of()).status()).isEqualTo(404);
    TestCompany other = fixtures.company();
    assertThat(other.admin().delete(owners + b.id()).status()).isEqualTo(404);
    // A direct room has no owners.
    String direct =
        owner
            .client()
            .post("/api/v1/rooms", Map.of("type", "direct", "members", List.of(b.id())))
            .json()
            .get("id")
            .asString();
    assertThat(
            owner.client().put("/api/v1/rooms/" + direct + "/owners/" + b.id(), Map.of()).status())
        .isEqualTo(409);
    JsonNode after = d.client().get("/api/v1/rooms/" + room).json();
    assertThat(after.get("owners").valueStream().map(JsonNode::asString).toList())
        .containsExactly(b.id().toString());
    // Audited: who granted and took back, for which member.
    List<JsonNode> audited =
        c.admin()
            .get("/api/v1/admin/audit?size=200")
            .json()
            .get("items")
            .valueStream()
            .filter(n -> n.get("action").asString().startsWith("ROOM_OWNER_"))
            .toList();
    assertThat(audited.stream().map(n -> n.get("action").asString()).toList())
        .containsExactlyInAnyOrder("ROOM_OWNER_GRANTED", "ROOM_OWNER_REVOKED");
  }

  @Test
  void onlyOwnersPostInAnAnnouncementRoom() {
    TestCompany c = fixtures.company();
    TestMember owner = fixtures.member(c, "oomori");
    TestMember b = fixtures.member(c, "baba");
    ApiClient.Response r =
        owner
            .client()
            .post(
                "/api/v1/rooms",
                Map.of("type", "announcement", "name", "お知らせ", "members", List.of(b.id())));
    assertThat(r.status()).isEqualTo(201);
    String room = r.json().get("id").asString();
    Talk.send(owner.client(), room, "全社連絡です");
    assertThat(Talk.send(b.client(), room, Map.of("text", "返信")).status()).isEqualTo(403);
    assertThat(Talk.page(b.client(), room, "")).hasSize(1);
  }

  @Test
  void aNonMemberGetsNotFoundForTheRoomAndEverythingInIt() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    TestMember outsider = fixtures.member(c, "soto");
    TestCompany other = fixtures.company();
    String room = Talk.group(a.client(), "秘密", b);
    String msg = Talk.send(a.client(), room, "内緒の話").get("id").asString();
    String base = "/api/v1/rooms/" + room;
    String m = base + "/messages/" + msg;
    for (ApiClient client : List.of(outsider.client(), other.admin())) {
      List<ApiClient.Response> answers =
          List.of(
              client.get(base),
              client.patch(base, Map.of("name", "x")),
              client.post(base + "/members", Map.of("members", List.of(outsider.id()))),
              client.delete(base + "/members/" + b.id()),
              client.post(base + "/mute", null),
              client.post(base + "/pin", null),
              client.post(base + "/read", Map.of("upTo", 1)),
              client.get(base + "/messages"),
              client.post(base + "/messages", Map.of("text", "hi")),
              client.get(m),
              client.patch(m, Map.of("text", "x")),
              client.post(m + "/recall", null),
              client.post(m + "/hide", null),
              client.put(m + "/reactions/%F0%9F%91%8D", Map.of()),
              client.delete(m + "/reactions/%F0%9F%91%8D"));
      for (ApiClient.Response r : answers) {
        assertThat(r.status())
            .as(r.raw().request().method() + " " + r.raw().uri() + " " + r.body())
            .isEqualTo(404);
        assertThat(r.body()).doesNotContain("内緒");
      }
      assertThat(client.get("/api/v1/rooms").body()).doesNotContain(room);
    }
    assertThat(Talk.page(a.client(), room, "")).hasSize(1);
    assertThat(a.client().get(base).json().get("members")).hasSize(2);
  }

  @Test
  void roomChangesAndRecallsAreAuditedWithoutMessageText() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    TestMember d = fixtures.member(c, "doi");
    String room = Talk.group(a.client(), "監査", b);
    a.client().post("/api/v1/rooms/" + room + "/members", Map.of("members", List.of(d.id())));
    a.client().delete("/api/v1/rooms/" + room + "/members/" + d.id());
    String id = Talk.send(a.client(), room, "社外秘の本文").get("id").asString();
    a.client().post("/api/v1/rooms/" + room + "/messages/" + id + "/recall", null);
    ApiClient.Response audit = c.admin().get("/api/v1/admin/audit?size=200");
    assertThat(audit.status()).as(audit.body()).isEqualTo(200);
    List<String> actions =
        audit.json().get("items").valueStream().map(n -> n.get("action").asString()).toList();
    assertThat(actions)
        .contains("ROOM_CREATED", "ROOM_MEMBERS_ADDED", "ROOM_MEMBER_REMOVED", "MESSAGE_RECALLED");
    assertThat(audit.body()).doesNotContain("社外秘");
    JsonNode recalled =
        audit
            .json()
            .get("items")
            .valueStream()
            .filter(n -> n.get("action").asString().equals("MESSAGE_RECALLED"))
            .findFirst()
            .orElseThrow();
    assertThat(recalled.get("targetId").asString()).isEqualTo(id);
    assertThat(recalled.get("actorId").asString()).isEqualTo(a.id().toString());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
