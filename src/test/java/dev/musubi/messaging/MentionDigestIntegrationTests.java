package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The e-mail digest of unread mentions for members who are away. */
@MusubiIntegrationTest
class MentionDigestIntegrationTests {

  @LocalServerPort int port;
  @Autowired TestClock clock;
  @Autowired dev.musubi.messaging.internal.MentionDigest digest;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  static String inbox(ApiClient client) {
    JsonNode folders = client.get("/api/v1/mail/folders").json();
    String inbox =
        folders
            .valueStream()
            .filter(f -> "inbox".equals(f.path("role").asString()))
            .findFirst()
            .orElseThrow()
            .get("id")
            .asString();
    return client.get("/api/v1/mail/folders/" + inbox + "/messages").body();
  }

  @Test
  void unreadMentionsAreMailedOnceToMembersWhoAreAway() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    TestMember a = fixtures.member(company, "hassin");
    TestMember b = fixtures.member(company, "fuzai");
    TestMember c = fixtures.member(company, "kidoku");
    TestMember d = fixtures.member(company, "online");
    String room = Talk.group(a.client(), "見積もりチーム", b, c, d);
    Talk.send(a.client(), room, "@{" + b.id() + "} 見積書の確認をお願いします");
    Talk.send(a.client(), room, "@all 明日は定例です");
    Talk.send(a.client(), room, "メンションなし");
    c.client().post("/api/v1/rooms/" + room + "/read", Map.of("upTo", 3));

    // Not yet: a mention is given an hour to be read in the app.
    assertThat(digest.sendDue()).isZero();
    try (EventSocket socket = EventSocket.open(port, d.client(), EventSocket.origin(port), "")) {
      await().until(() -> socket.ofType("hello").size() == 1);
      clock.advance(Duration.ofMinutes(61));
      // b is away and has two unread mentions; c read them; d is online; a wrote them.
      assertThat(digest.sendDue()).isEqualTo(1);
    }
    ApiClient bAgain = signIn(fixtures, b);
    String mail = inbox(bAgain);
    assertThat(mail).contains("未読のメンション 2 件", "見積もりチーム");
    assertThat(mail).doesNotContain("見積書の確認", "明日は定例");
    assertThat(inbox(signIn(fixtures, c))).doesNotContain("未読のメンション");
    ApiClient dAgain = signIn(fixtures, d);
    assertThat(inbox(dAgain)).doesNotContain("未読のメンション");

    // Mailed once: the next run has nothing new for b; d, now away, gets the @all.
    await().until(() -> digest.sendDue() == 1);
    assertThat(inbox(dAgain)).contains("未読のメンション 1 件");
    assertThat(digest.sendDue()).isZero();
    assertThat(inbox(bAgain).split("未読のメンション", -1)).hasSize(2);
  }

  @Test
  void aMemberWhoTurnedTheDigestOffGetsNoneAndTurningItOnStartsFromThen() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    TestMember a = fixtures.member(company, "kakite");
    TestMember b = fixtures.member(company, "teishi");
    String room = Talk.group(a.client(), "通知テスト", b);
    assertThat(
            b.client().get("/api/v1/me/talk-preferences").json().get("mentionDigest").asBoolean())
        .isTrue();
    var bad = b.client().put("/api/v1/me/talk-preferences", Map.of("mentionDigest", "maybe"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(b.client().put("/api/v1/me/talk-preferences", Map.of()).status()).isEqualTo(422);
    var off = b.client().put("/api/v1/me/talk-preferences", Map.of("mentionDigest", false));
    assertThat(off.status()).isEqualTo(200);
    assertThat(off.json().get("mentionDigest").asBoolean()).isFalse();

    Talk.send(a.client(), room, "@{" + b.id() + "} 止めている間のメンション");
    clock.advance(Duration.ofMinutes(61));
    digest.sendDue();
    ApiClient bAgain = signIn(fixtures, b);
    assertThat(inbox(bAgain)).doesNotContain("未読のメンション");

    // On again: only mentions from now on are mailed, never the one from while it was off.
    assertThat(
            bAgain
                .put("/api/v1/me/talk-preferences", Map.of("mentionDigest", true))
                .json()
                .get("mentionDigest")
                .asBoolean())
        .isTrue();
    digest.sendDue();
    assertThat(inbox(bAgain)).doesNotContain("未読のメンション");
    clock.advance(Duration.ofMinutes(1));
    Talk.send(signIn(fixtures, a), room, "@{" + b.id() + "} 再開後のメンション");
    clock.advance(Duration.ofMinutes(61));
    digest.sendDue();
    assertThat(inbox(signIn(fixtures, b))).contains("未読のメンション 1 件");
  }

  static ApiClient signIn(Fixtures fixtures, TestMember m) {
    ApiClient c = fixtures.client();
    assertThat(c.login(m.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    return c;
  }
}
