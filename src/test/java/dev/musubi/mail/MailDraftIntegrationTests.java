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
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Drafts through the API the web client uses while a member types: every save replaces the draft
 * with a new message and answers with its ID; reopening from the Drafts list gives the latest
 * subject, body and recipients; sending the draft takes it out of Drafts and into Sent.
 */
@MusubiIntegrationTest
class MailDraftIntegrationTests {

  @LocalServerPort int port;

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
