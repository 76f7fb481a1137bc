package dev.musubi.mail;

import static dev.musubi.mail.MailInboundIntegrationTests.folder;
import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Drafts through the API the web client uses while a member types: every save replaces the draft
 * with a new message and answers with its ID; reopening from the Drafts list gives the latest
 * subject, body and recipients; sending the draft takes it out of Drafts and into Sent, also when
 * the client names an ID the draft had before a later save; another member's draft is never
 * touched.
 */
@MusubiIntegrationTest
class MailDraftIntegrationTests {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  @Test
  void aDraftSavedWhileTypingReopensWithTheLatestContentAndGoesToSentWhenSent() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient me = fixtures.member(company, "tanaka").client();
    String suzuki = "suzuki@" + company.domain();
    String sato = "sato@" + company.domain();
    fixtures.member(company, "suzuki");
    fixtures.member(company, "sato");

    String id =
        me.post("/api/v1/mail/drafts", compose(List.of(suzuki), List.of(), "下書き", "途"))
            .json()
            .get("id")
            .asString();
    List<String> earlier = new ArrayList<>();
    String[] typed = {"途中", "途中まで", "途中まで書いた", "途中まで書いた本文"};
    for (int i = 0; i < typed.length; i++) {
      List<String> cc = i >= 2 ? List.of(sato) : List.of();
      ApiClient.Response saved =
          me.put("/api/v1/mail/drafts/" + id, compose(List.of(suzuki), cc, "下書きのテスト", typed[i]));
      assertThat(saved.status()).as(saved.body()).isEqualTo(200);
      earlier.add(id);
      id = saved.json().get("id").asString();
      assertThat(earlier).doesNotContain(id);
    }
    // A save to a replaced ID (a client that kept the first ID) finds nothing.
    assertThat(
            me.put("/api/v1/mail/drafts/" + earlier.get(0), compose(List.of(), List.of(), "x", "x"))
                .status())
        .isEqualTo(404);

    JsonNode drafts = folder(me, "drafts");
    assertThat(drafts.get("total").asLong()).isEqualTo(1);
    JsonNode items =
        me.get(
                "/api/v1/mail/folders/"
                    + drafts.get("id").asString()
                    + "/messages?sort=-date&size=50")
            .json()
            .get("items");
    assertThat(items).hasSize(1);
    assertThat(items.get(0).get("id").asString()).isEqualTo(id);
    assertThat(items.get(0).get("draft").asBoolean()).isTrue();

    JsonNode reopened = me.get("/api/v1/mail/messages/" + id).json();
    assertThat(reopened.get("subject").asString()).isEqualTo("下書きのテスト");
    assertThat(reopened.get("text").asString()).isEqualTo("途中まで書いた本文");
    assertThat(reopened.get("to").get(0).get("address").asString()).isEqualTo(suzuki);
    assertThat(reopened.get("cc")).hasSize(1);
    assertThat(reopened.get("cc").get(0).get("address").asString()).isEqualTo(sato);
    for (String old : earlier) {
      assertThat(me.get("/api/v1/mail/messages/" + old).status()).isEqualTo(404);
    }

    Map<String, Object> send = compose(List.of(suzuki), List.of(sato), "下書きのテスト", "書き上げた本文");
    send.put("draftId", id);
    assertThat(me.post("/api/v1/mail/messages", send).status()).isEqualTo(202);
    assertThat(folder(me, "drafts").get("total").asLong()).isZero();
    assertThat(me.get("/api/v1/mail/messages/" + id).status()).isEqualTo(404);
    JsonNode sent = folder(me, "sent");
    JsonNode inSent =
        me.get("/api/v1/mail/folders/" + sent.get("id").asString() + "/messages")
            .json()
            .get("items");
    assertThat(inSent).hasSize(1);
    assertThat(inSent.get(0).get("subject").asString()).isEqualTo("下書きのテスト");
    assertThat(inSent.get(0).get("draft").asBoolean()).isFalse();
    assertThat(
            me.get("/api/v1/mail/messages/" + inSent.get(0).get("id").asString())
                .json()
                .get("text")
                .asString())
        .isEqualTo("書き上げた本文");
  }

  /** Saves a draft and replaces it {@code saves} times; returns every ID it had, oldest first. */
  private static List<String> savedAndReplaced(ApiClient me, String to, String subject, int saves) {
    List<String> ids = new ArrayList<>();
    ids.add(
        me.post("/api/v1/mail/drafts", compose(List.of(to), List.of(), subject, "0"))
            .json()
            .get("id")
            .asString());
    for (int i = 1; i <= saves; i++) {
      ApiClient.Response saved =
          me.put(
              "/api/v1/mail/drafts/" + ids.getLast(),
              compose(List.of(to), List.of(), subject, String.valueOf(i)));
      assertThat(saved.status()).as(saved.body()).isEqualTo(200);
      ids.add(saved.json().get("id").asString());
    }
    return ids;
  }

  private static List<String> subjects(ApiClient me, String role) {
    List<String> subjects = new ArrayList<>();
    me.get("/api/v1/mail/folders/" + folder(me, role).get("id").asString() + "/messages?size=50")
        .json()
        .get("items")
        .forEach(m -> subjects.add(m.get("subject").asString()));
    return subjects;
  }

  private long replacedRows(Fixtures.TestMember member) {
    return jdbc.sql("SELECT COUNT(*) FROM mail_draft_replaced WHERE member_id = ?")
        .params(member.id())
        .query(Long.class)
        .single();
  }

  @Test
  void sendingWithAReplacedDraftIdSendsAndLeavesNoDraftBehind() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember tanaka = fixtures.member(company, "tanaka");
    ApiClient me = tanaka.client();
    ApiClient suzuki = fixtures.member(company, "suzuki").client();
    String to = "suzuki@" + company.domain();

    // A client that kept the first ID of a draft saved three times since, and one that kept the
    // second ID of another.
    List<String> first = savedAndReplaced(me, to, "古いIDで送る", 3);
    List<String> second = savedAndReplaced(me, to, "途中のIDで送る", 2);
    assertThat(folder(me, "drafts").get("total").asLong()).isEqualTo(2);
    assertThat(replacedRows(tanaka)).isEqualTo(5);

    Map<String, Object> send = compose(List.of(to), List.of(), "古いIDで送る", "送った本文");
    send.put("draftId", first.getFirst());
    ApiClient.Response sent = me.post("/api/v1/mail/messages", send);
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    send = compose(List.of(to), List.of(), "途中のIDで送る", "送った本文");
    send.put("draftId", second.get(1));
    assertThat(me.post("/api/v1/mail/messages", send).status()).isEqualTo(202);

    assertThat(folder(me, "drafts").get("total").asLong()).isZero();
    for (String id : first) {
      assertThat(me.get("/api/v1/mail/messages/" + id).status()).isEqualTo(404);
    }
    assertThat(me.get("/api/v1/mail/messages/" + second.getLast()).status()).isEqualTo(404);
    assertThat(replacedRows(tanaka)).isZero();
    assertThat(subjects(me, "sent")).containsExactlyInAnyOrder("古いIDで送る", "途中のIDで送る");
    JsonNode copy = me.get("/api/v1/mail/messages/" + sent.json().get("id").asString()).json();
    assertThat(copy.get("text").asString()).isEqualTo("送った本文");
    assertThat(subjects(suzuki, "inbox")).containsExactlyInAnyOrder("古いIDで送る", "途中のIDで送る");

    // The same stale ID once more (its draft is gone with the first send): sent again, nothing
    // else touched.
    String kept = savedAndReplaced(me, to, "残す下書き", 0).getFirst();
    send = compose(List.of(to), List.of(), "再送", "もう一度");
    send.put("draftId", first.getFirst());
    assertThat(me.post("/api/v1/mail/messages", send).status()).isEqualTo(202);
    assertThat(me.get("/api/v1/mail/messages/" + kept).status()).isEqualTo(200);
    assertThat(subjects(me, "drafts")).containsExactly("残す下書き");

    // Not an ID at all: refused, nothing sent.
    send.put("draftId", "not-an-id");
    ApiClient.Response bad = me.post("/api/v1/mail/messages", send);
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body()).contains("draftId");
    assertThat(subjects(me, "sent")).hasSize(3);
  }

  @Test
  void anotherMembersDraftIdIsNeitherDeletedNorRevealedAndAnUnknownIdIsAnsweredAlike() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient me = fixtures.member(company, "tanaka").client();
    Fixtures.TestMember sato = fixtures.member(company, "sato");
    ApiClient theirs = sato.client();
    fixtures.member(company, "suzuki");
    String to = "suzuki@" + company.domain();
    List<String> satoDraft = savedAndReplaced(theirs, to, "佐藤の下書き", 1);
    assertThat(replacedRows(sato)).isEqualTo(1);

    // tanaka's own message that is not a draft is not deleted by naming it either
    String mine = savedAndReplaced(me, to, "移した下書き", 0).getFirst();
    String archive = folder(me, "archive").get("id").asString();
    assertThat(me.patch("/api/v1/mail/messages/" + mine, Map.of("folderId", archive)).status())
        .isEqualTo(200);

    List<String> named =
        List.of(satoDraft.getLast(), satoDraft.getFirst(), UUID.randomUUID().toString(), mine);
    List<ApiClient.Response> answers = new ArrayList<>();
    for (String id : named) {
      Map<String, Object> send = compose(List.of(to), List.of(), "田中から", "本文");
      send.put("draftId", id);
      answers.add(me.post("/api/v1/mail/messages", send));
    }
    for (ApiClient.Response a : answers) {
      assertThat(a.status()).as(a.body()).isEqualTo(202);
      assertThat(a.json().propertyNames()).containsExactly("id");
      assertThat(a.body()).doesNotContain(satoDraft.getLast()).doesNotContain(satoDraft.getFirst());
    }
    assertThat(subjects(me, "sent")).hasSize(4).containsOnly("田中から");

    assertThat(theirs.get("/api/v1/mail/messages/" + satoDraft.getLast()).status()).isEqualTo(200);
    assertThat(subjects(theirs, "drafts")).containsExactly("佐藤の下書き");
    assertThat(replacedRows(sato)).isEqualTo(1);
    assertThat(me.get("/api/v1/mail/messages/" + mine).status()).isEqualTo(200);
    assertThat(me.get("/api/v1/mail/messages/" + satoDraft.getLast()).status()).isEqualTo(404);
  }

  @Test
  void twoSavesOfOneDraftAtOnceLeaveOneDraftAndTheSecondFindsItReplaced() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember tanaka = fixtures.member(company, "tanaka");
    ApiClient me = tanaka.client();
    String to = "suzuki@" + company.domain();
    fixtures.member(company, "suzuki");
    String id = savedAndReplaced(me, to, "同時保存", 0).getFirst();
    List<Integer> statuses;
    try (var pool = Executors.newFixedThreadPool(2)) {
      List<Future<Integer>> saves = new ArrayList<>();
      for (String text : List.of("タブ一", "タブ二")) {
        saves.add(
            pool.submit(
                () ->
                    me.put(
                            "/api/v1/mail/drafts/" + id,
                            compose(List.of(to), List.of(), "同時保存", text))
                        .status()));
      }
      statuses = new ArrayList<>();
      for (Future<Integer> f : saves) {
        statuses.add(f.get());
      }
    }
    assertThat(statuses).containsExactlyInAnyOrder(200, 404);
    assertThat(folder(me, "drafts").get("total").asLong()).isEqualTo(1);
    assertThat(replacedRows(tanaka)).isEqualTo(1);
  }

  /** The body the web client sends when it saves. */
  private static Map<String, Object> compose(
      List<String> to, List<String> cc, String subject, String text) {
    Map<String, Object> body = new HashMap<>();
    body.put("to", to.stream().map(a -> Map.of("address", a)).toList());
    body.put("cc", cc.stream().map(a -> Map.of("address", a)).toList());
    body.put("bcc", List.of());
    body.put("subject", subject);
    body.put("text", text);
    body.put("html", null);
    body.put("attachments", List.of());
    return body;
  }
}
