package dev.musubi.mail;

import static dev.musubi.mail.MailInboundIntegrationTests.folder;
import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The webmail mailbox API: folders, flags, moving, deleting, emptying, HTML reading. */
@MusubiIntegrationTest
class MailboxIntegrationTests {

  @LocalServerPort int port;
  @Autowired MailInbound inbound;
  @Autowired JdbcClient jdbc;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  Fixtures.TestMember tanaka;
  ApiClient me;

  @BeforeEach
  void company() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    tanaka = fixtures.member(company, "tanaka");
    me = tanaka.client();
  }

  void deliver(String subject, String contentType, String body) throws Exception {
    new TestDeliveries(inbound)
        .deliver(
            "tanaka@" + company.domain(),
            "Sender <" + TestDeliveries.SENDER + ">",
            subject,
            "MIME-Version: 1.0\r\nContent-Type: " + contentType + "\r\n",
            body);
  }

  @Test
  void everyMemberHasTheSixRoleFoldersAndCustomFoldersFollowTheRules() {
    JsonNode folders = me.get("/api/v1/mail/folders").json();
    assertThat(folders)
        .extracting(f -> f.get("role").asString())
        .containsExactly("inbox", "sent", "drafts", "trash", "junk", "archive");
    ApiClient.Response created = me.post("/api/v1/mail/folders", Map.of("name", "取引先"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("role").isNull()).isTrue();
    String id = created.json().get("id").asString();
    assertThat(me.post("/api/v1/mail/folders", Map.of("name", "取引先")).status()).isEqualTo(422);
    assertThat(me.post("/api/v1/mail/folders", Map.of("name", "inbox")).status()).isEqualTo(422);
    assertThat(me.post("/api/v1/mail/folders", Map.of("name", "a\u0000b")).status()).isEqualTo(422);
    assertThat(me.post("/api/v1/mail/folders", Map.of("name", " ")).status()).isEqualTo(422);
    assertThat(
            me.patch("/api/v1/mail/folders/" + id, Map.of("name", "顧客"))
                .json()
                .get("name")
                .asString())
        .isEqualTo("顧客");
    String inbox = folder(me, "inbox").get("id").asString();
    assertThat(me.patch("/api/v1/mail/folders/" + inbox, Map.of("name", "x")).status())
        .isEqualTo(409);
    assertThat(me.delete("/api/v1/mail/folders/" + inbox).status()).isEqualTo(409);
    assertThat(me.post("/api/v1/mail/folders/" + inbox + "/empty", null).status()).isEqualTo(409);
    assertThat(me.delete("/api/v1/mail/folders/" + id).status()).isEqualTo(204);
  }

  @Test
  void messagesAreFlaggedMovedTrashedAndPurged() throws Exception {
    deliver("一通目", "text/plain; charset=UTF-8", "本文");
    deliver("二通目", "text/plain; charset=UTF-8", "本文");
    String inbox = folder(me, "inbox").get("id").asString();
    JsonNode items = me.get("/api/v1/mail/folders/" + inbox + "/messages?sort=-date&size=1").json();
    assertThat(items.get("total").asLong()).isEqualTo(2);
    assertThat(items.get("items")).hasSize(1);
    String id = items.get("items").get(0).get("id").asString();

    JsonNode changed =
        me.patch("/api/v1/mail/messages/" + id, Map.of("seen", true, "flagged", true)).json();
    assertThat(changed.get("seen").asBoolean()).isTrue();
    assertThat(changed.get("flagged").asBoolean()).isTrue();
    assertThat(folder(me, "inbox").get("unread").asLong()).isEqualTo(1);

    String custom =
        me.post("/api/v1/mail/folders", Map.of("name", "保管")).json().get("id").asString();
    assertThat(me.patch("/api/v1/mail/messages/" + id, Map.of("folderId", custom)).status())
        .isEqualTo(200);
    assertThat(me.delete("/api/v1/mail/folders/" + custom).status()).isEqualTo(409);
    assertThat(me.patch("/api/v1/mail/messages/" + id, Map.of("folderId", "nonsense")).status())
        .isEqualTo(422);
    String otherFolder =
        folder(fixtures.member(company, "suzuki").client(), "inbox").get("id").asString();
    assertThat(me.patch("/api/v1/mail/messages/" + id, Map.of("folderId", otherFolder)).status())
        .isEqualTo(404);

    assertThat(me.delete("/api/v1/mail/messages/" + id).status()).isEqualTo(204);
    assertThat(folder(me, "trash").get("total").asLong()).isEqualTo(1);
    assertThat(me.delete("/api/v1/mail/messages/" + id).status()).isEqualTo(204);
    assertThat(me.get("/api/v1/mail/messages/" + id).status()).isEqualTo(404);
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM blob_reference WHERE owner = ?")
                .param("mail.message:" + id)
                .query(Long.class)
                .single())
        .isZero();

    String other =
        me.get("/api/v1/mail/folders/" + inbox + "/messages")
            .json()
            .get("items")
            .get(0)
            .get("id")
            .asString();
    me.delete("/api/v1/mail/messages/" + other);
    String trash = folder(me, "trash").get("id").asString();
    assertThat(
            me.post("/api/v1/mail/folders/" + trash + "/empty", null).json().get("deleted").asInt())
        .isEqualTo(1);
    assertThat(folder(me, "trash").get("total").asLong()).isZero();
    assertThat(me.get("/api/v1/mail/folders/" + inbox + "/messages?sort=sideways").status())
        .isEqualTo(422);
    assertThat(me.get("/api/v1/mail/folders/" + inbox + "/messages?size=0").status())
        .isEqualTo(422);
  }

  @Test
  void pagesFollowingAMessageMatchTheNumberedPagesInEverySortOrder() throws Exception {
    for (String subject : List.of("Cherry", "Apple", "Banana", "Apple", "Damson")) {
      deliver(subject, "text/plain; charset=UTF-8", "x".repeat(subject.length() * 10));
    }
    String inbox = folder(me, "inbox").get("id").asString();
    String list = "/api/v1/mail/folders/" + inbox + "/messages";
    for (String sort : List.of("-date", "date", "-size", "size", "subject", "from")) {
      List<String> numbered = new ArrayList<>();
      for (int page = 0; page < 3; page++) {
        me.get(list + "?sort=" + sort + "&size=2&page=" + page)
            .json()
            .get("items")
            .forEach(i -> numbered.add(i.get("id").asString()));
      }
      assertThat(numbered).as(sort).hasSize(5).doesNotHaveDuplicates();
      List<String> followed = new ArrayList<>();
      String after = null;
      for (int page = 0; page < 3; page++) {
        JsonNode body =
            me.get(
                    list
                        + "?sort="
                        + sort
                        + "&size=2&page="
                        + page
                        + (after == null ? "" : "&after=" + after))
                .json();
        assertThat(body.get("page").asInt()).isEqualTo(page);
        assertThat(body.get("total").asLong()).isEqualTo(5);
        body.get("items").forEach(i -> followed.add(i.get("id").asString()));
        after = followed.getLast();
      }
      assertThat(followed).as(sort).isEqualTo(numbered);
      assertThat(me.get(list + "?sort=" + sort + "&after=" + after).json().get("items")).isEmpty();
    }

    String first = me.get(list + "?size=1").json().get("items").get(0).get("id").asString();
    String trash = folder(me, "trash").get("id").asString();
    ApiClient suzuki = fixtures.member(company, "suzuki").client();
    String suzukiInbox = folder(suzuki, "inbox").get("id").asString();
    // Another folder, another member's folder, not an ID, and with a search: 422 on "after".
    for (String bad :
        List.of(
            "/api/v1/mail/folders/" + trash + "/messages?after=" + first,
            "/api/v1/mail/folders/" + suzukiInbox + "/messages?after=" + first,
            list + "?after=not-an-id",
            list + "?q=Apple&after=" + first)) {
      ApiClient client = bad.contains(suzukiInbox) ? suzuki : me;
      ApiClient.Response r = client.get(bad);
      assertThat(r.status()).as(bad).isEqualTo(422);
      assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("after");
    }
  }

  @Test
  void deliveryRulesMoveFlagOrMarkReadTheFirstMatch() throws Exception {
    String folder =
        me.post("/api/v1/mail/folders", Map.of("name", "請求書")).json().get("id").asString();
    assertThat(
            me.post(
                    "/api/v1/mail/rules",
                    Map.of(
                        "field",
                        "subject",
                        "contains",
                        "ｾｲｷｭｳ",
                        "action",
                        "move",
                        "folderId",
                        folder))
                .status())
        .isEqualTo(201);
    assertThat(
            me.post(
                    "/api/v1/mail/rules",
                    Map.of("field", "from", "contains", "SENDER", "action", "flag"))
                .status())
        .isEqualTo(201);
    assertThat(
            me.post(
                    "/api/v1/mail/rules",
                    Map.of("field", "body", "contains", "x", "action", "flag"))
                .status())
        .isEqualTo(422);
    assertThat(
            me.post(
                    "/api/v1/mail/rules",
                    Map.of("field", "from", "contains", "x", "action", "delete"))
                .status())
        .isEqualTo(422);
    String otherFolder =
        folder(fixtures.member(company, "suzuki").client(), "inbox").get("id").asString();
    assertThat(
            me.post(
                    "/api/v1/mail/rules",
                    Map.of(
                        "field",
                        "from",
                        "contains",
                        "x",
                        "action",
                        "move",
                        "folderId",
                        otherFolder))
                .status())
        .isEqualTo(422);
    assertThat(me.get("/api/v1/mail/rules").json()).hasSize(2);

    deliver("セイキュウ書のご送付", "text/plain; charset=UTF-8", "x");
    deliver("ご挨拶", "text/plain; charset=UTF-8", "x");
    JsonNode moved = me.get("/api/v1/mail/folders/" + folder + "/messages").json();
    assertThat(moved.get("total").asLong()).isEqualTo(1);
    assertThat(moved.get("items").get(0).get("flagged").asBoolean()).isFalse();
    JsonNode inbox =
        me.get("/api/v1/mail/folders/" + folder(me, "inbox").get("id").asString() + "/messages")
            .json();
    assertThat(inbox.get("total").asLong()).isEqualTo(1);
    assertThat(inbox.get("items").get(0).get("flagged").asBoolean()).isTrue();

    String ruleId = me.get("/api/v1/mail/rules").json().get(0).get("id").asString();
    assertThat(
            fixtures
                .member(company, "sato")
                .client()
                .delete("/api/v1/mail/rules/" + ruleId)
                .status())
        .isEqualTo(404);
    assertThat(me.delete("/api/v1/mail/rules/" + ruleId).status()).isEqualTo(204);
    assertThat(me.get("/api/v1/mail/rules").json()).hasSize(1);
  }

  @Test
  void htmlMailIsSanitisedAndRemoteImagesWaitForTheReader() throws Exception {
    deliver(
        "HTML",
        "text/html; charset=UTF-8",
        "<p onclick=\"steal()\">ご案内</p><script>alert(1)</script>"
            + "<img src=\"https://tracker.example/open.gif?u=tanaka\" width=1 height=1>"
            + "<a href=\"javascript:alert(1)\">ここ</a><style>p{color:red}</style>");
    String id =
        me.get("/api/v1/mail/folders/" + folder(me, "inbox").get("id").asString() + "/messages")
            .json()
            .get("items")
            .get(0)
            .get("id")
            .asString();
    JsonNode m = me.get("/api/v1/mail/messages/" + id).json();
    assertThat(m.get("remoteImagesBlocked").asBoolean()).isTrue();
    assertThat(m.get("html").asString())
        .contains("ご案内")
        .doesNotContain("onclick", "<script", "tracker.example", "javascript:", "<style");
    assertThat(m.get("text").asString()).contains("ご案内");
    JsonNode shown = me.get("/api/v1/mail/messages/" + id + "?images=show").json();
    assertThat(shown.get("remoteImagesBlocked").asBoolean()).isFalse();
    assertThat(shown.get("html").asString()).contains("https://tracker.example/open.gif");
    assertThat(me.get("/api/v1/mail/messages/" + id).json().get("seen").asBoolean()).isFalse();
  }
}
