package dev.musubi.mail;

import static dev.musubi.mail.MailInboundIntegrationTests.folder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.musubi.mail.TestSmarthost.Received;
import dev.musubi.mail.internal.OutboundSender;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.james.jdkim.DKIMVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Sending from webmail: local delivery, the outbound queue to a real SMTP smarthost, bounces. */
@MusubiIntegrationTest
class MailSendingIntegrationTests {

  static TestSmarthost smtp;
  static List<Received> received;

  @LocalServerPort int port;
  @Autowired OutboundSender sender;
  @Autowired JdbcClient jdbc;
  @Autowired TestClock clock;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  Fixtures.TestMember tanaka;
  Fixtures.TestMember suzuki;

  @BeforeAll
  static void smarthost() {
    smtp = TestSmarthost.start(recipient -> !recipient.startsWith("nobody@"));
    received = smtp.received();
  }

  @AfterAll
  static void stop() {
    smtp.close();
  }

  @BeforeEach
  void company() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    tanaka = fixtures.member(company, "tanaka");
    suzuki = fixtures.member(company, "suzuki");
    received.clear();
  }

  @AfterEach
  void resetClock() {
    clock.reset();
    smtp.use();
  }

  @Test
  void aMessageGoesToMembersAtOnceAndOutsideThroughTheQueueDkimSigned() throws Exception {
    ApiClient me = tanaka.client();
    JsonNode identities = me.get("/api/v1/mail/identities").json();
    assertThat(identities.get(0).get("address").asString()).isEqualTo("tanaka@" + company.domain());

    ApiClient.Response up =
        me.sendRaw(
            "POST",
            "/api/v1/mail/attachments",
            new String(multipart("見積書.txt", "お見積りです"), StandardCharsets.UTF_8),
            "multipart/form-data; boundary=XyZ",
            me.csrf());
    assertThat(up.status()).as(up.body()).isEqualTo(201);

    Map<String, Object> body = new HashMap<>();
    body.put("to", List.of(Map.of("name", "鈴木", "address", "suzuki@" + company.domain())));
    body.put("cc", List.of("Partner <partner@outside.example>"));
    body.put("bcc", List.of("hidden@outside.example"));
    body.put("subject", "来週の打ち合わせ");
    body.put("text", "よろしくお願いします。");
    body.put("html", "<p>よろしく<b>お願いします</b></p>");
    body.put("attachments", List.of(up.json().get("id").asString()));
    ApiClient.Response sent =
        me.header("Idempotency-Key", "k-1").post("/api/v1/mail/messages", body);
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    ApiClient.Response again =
        me.header("Idempotency-Key", "k-1").post("/api/v1/mail/messages", body);
    assertThat(again.json().get("id").asString()).isEqualTo(sent.json().get("id").asString());
    assertThat(folder(me, "sent").get("total").asLong()).isEqualTo(1);

    // Members here have it at once, without SMTP.
    ApiClient them = suzuki.client();
    JsonNode inbox = folder(them, "inbox");
    assertThat(inbox.get("unread").asLong()).isEqualTo(1);
    JsonNode item =
        them.get("/api/v1/mail/folders/" + inbox.get("id").asString() + "/messages")
            .json()
            .get("items")
            .get(0);
    assertThat(item.get("subject").asString()).isEqualTo("来週の打ち合わせ");
    JsonNode m = them.get("/api/v1/mail/messages/" + item.get("id").asString()).json();
    assertThat(m.get("from").get("address").asString()).isEqualTo("tanaka@" + company.domain());
    assertThat(m.get("text").asString()).contains("よろしくお願いします。");
    assertThat(m.get("html").asString()).contains("<b>お願いします</b>");
    assertThat(m.has("bcc") && m.get("bcc").size() > 0).isFalse();
    assertThat(m.get("attachments").get(0).get("name").asString()).isEqualTo("見積書.txt");
    JsonNode mine = me.get("/api/v1/mail/messages/" + sent.json().get("id").asString()).json();
    assertThat(mine.get("bcc").get(0).get("address").asString())
        .isEqualTo("hidden@outside.example");

    // Outside recipients through the smarthost, DKIM-signed by the sender's domain.
    sender.runOnce(); // the scheduled run may have taken it already
    // Only this company's mail: the relay also gets what other tests' queues retry meanwhile.
    String from = "tanaka@" + company.domain();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> received.stream().filter(r -> r.from().equals(from)).count() == 2);
    List<Received> ours = received.stream().filter(r -> r.from().equals(from)).toList();
    assertThat(ours)
        .extracting(Received::to)
        .containsExactlyInAnyOrder("partner@outside.example", "hidden@outside.example");
    byte[] wire = ours.get(0).data();
    String text = new String(wire, StandardCharsets.UTF_8);
    assertThat(ours.get(0).from()).isEqualTo(from);
    assertThat(text)
        .contains("\r\nDKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + company.domain())
        .doesNotContain("hidden@", "Bcc:");
    String domainId =
        company.admin().get("/api/v1/admin/mail/domains").json().get(0).get("id").asString();
    JsonNode records =
        company.admin().get("/api/v1/admin/mail/domains/" + domainId).json().get("records");
    String dkimRecord = null;
    for (JsonNode r : records) {
      if (r.get("purpose").asString().equals("dkim")) {
        dkimRecord = r.get("value").asString();
      }
    }
    String record = dkimRecord;
    DKIMVerifier verifier = new DKIMVerifier((method, selector, token) -> List.of(record));
    assertThat(verifier.verify(new ByteArrayInputStream(wire))).isNotEmpty();
    byte[] tampered =
        text.replace("来週", "今週")
            .replace("Subject: =?UTF-8?B?", "Subject: =?UTF-8?B?X")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(verifies(record, tampered)).isFalse();

    JsonNode log = company.admin().get("/api/v1/admin/mail/log?direction=out").json();
    assertThat(log.get("items").get(0).get("status").asString()).isEqualTo("sent");
    assertThat(
            jdbc.sql(
                    "SELECT COUNT(*) FROM audit_event WHERE tenant_id = ? AND action = 'MAIL_SENT'")
                .param(company.id())
                .query(Long.class)
                .single())
        .isEqualTo(1);

    // A reply joins the conversation in the sender's mailbox.
    Map<String, Object> reply = new HashMap<>();
    reply.put("to", List.of("tanaka@" + company.domain()));
    reply.put("subject", "Re: 来週の打ち合わせ");
    reply.put("text", "承知しました。");
    reply.put("inReplyTo", item.get("id").asString());
    assertThat(them.post("/api/v1/mail/messages", reply).status()).isEqualTo(202);
    JsonNode myInbox =
        me.get("/api/v1/mail/folders/" + folder(me, "inbox").get("id").asString() + "/messages")
            .json();
    assertThat(myInbox.get("items").get(0).get("threadId").asString())
        .isEqualTo(mine.get("threadId").asString());
    assertThat(
            them.get("/api/v1/mail/messages/" + item.get("id").asString())
                .json()
                .get("answered")
                .asBoolean())
        .isTrue();
  }

  @Test
  void headerInjectionForeignSendersAndUnknownRecipientsAreRefusedAndNothingIsSent() {
    ApiClient me = tanaka.client();
    String to = "suzuki@" + company.domain();
    List<Map<String, Object>> bad = new ArrayList<>();
    bad.add(Map.of("to", List.of(to), "subject", "hi\r\nBcc: victim@outside.example", "text", "x"));
    bad.add(Map.of("to", List.of(to + "\r\nBcc: victim@outside.example"), "subject", "x"));
    bad.add(Map.of("to", List.of(Map.of("name", "a\nBcc: v@x.jp", "address", to)), "subject", "x"));
    bad.add(
        Map.of("to", List.of(to), "subject", "x", "from", "tanaka@" + company.domain() + "\nX: y"));
    for (Map<String, Object> b : bad) {
      ApiClient.Response r = me.post("/api/v1/mail/messages", b);
      assertThat(r.status()).as(b.toString()).isEqualTo(400);
    }
    ApiClient.Response forged =
        me.post(
            "/api/v1/mail/messages",
            Map.of("to", List.of(to), "subject", "x", "from", company.adminLoginId()));
    assertThat(forged.status()).isEqualTo(403);
    ApiClient.Response outside =
        me.post(
            "/api/v1/mail/messages",
            Map.of("to", List.of(to), "subject", "x", "from", "ceo@bank.example"));
    assertThat(outside.status()).isEqualTo(403);
    ApiClient.Response unknown =
        me.post(
            "/api/v1/mail/messages",
            Map.of("to", List.of("nobody@" + company.domain()), "subject", "x"));
    assertThat(unknown.status()).isEqualTo(422);
    ApiClient.Response malformed =
        me.post("/api/v1/mail/messages", Map.of("to", List.of("not an address"), "subject", "x"));
    assertThat(malformed.status()).isEqualTo(422);
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      many.add("p" + i + "@outside.example");
    }
    assertThat(me.post("/api/v1/mail/messages", Map.of("to", many, "subject", "x")).status())
        .isEqualTo(422);

    assertThat(folder(me, "sent").get("total").asLong()).isZero();
    assertThat(folder(suzuki.client(), "inbox").get("total").asLong()).isZero();
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM mail_outbound WHERE tenant_id = ?")
                .param(company.id())
                .query(Long.class)
                .single())
        .isZero();

    // An alias is an identity the member may send as.
    company
        .admin()
        .post(
            "/api/v1/admin/mail/aliases",
            Map.of("address", "sales@" + company.domain(), "memberId", tanaka.id().toString()));
    assertThat(
            me.post(
                    "/api/v1/mail/messages",
                    Map.of("to", List.of(to), "subject", "x", "from", "sales@" + company.domain()))
                .status())
        .isEqualTo(202);
  }

  @Test
  void draftsAreSavedReplacedAndRemovedWhenSent() {
    ApiClient me = tanaka.client();
    String first =
        me.post("/api/v1/mail/drafts", Map.of("subject", "下書き", "text", "一"))
            .json()
            .get("id")
            .asString();
    String second =
        me.put("/api/v1/mail/drafts/" + first, Map.of("subject", "下書き2", "text", "二"))
            .json()
            .get("id")
            .asString();
    JsonNode drafts = folder(me, "drafts");
    assertThat(drafts.get("total").asLong()).isEqualTo(1);
    assertThat(me.get("/api/v1/mail/messages/" + first).status()).isEqualTo(404);
    JsonNode d = me.get("/api/v1/mail/messages/" + second).json();
    assertThat(d.get("draft").asBoolean()).isTrue();
    assertThat(d.get("subject").asString()).isEqualTo("下書き2");
    assertThat(
            suzuki.client().put("/api/v1/mail/drafts/" + second, Map.of("subject", "x")).status())
        .isEqualTo(404);

    Map<String, Object> send = new HashMap<>();
    send.put("to", List.of("suzuki@" + company.domain()));
    send.put("subject", "下書き2");
    send.put("text", "二");
    send.put("draftId", second);
    assertThat(me.post("/api/v1/mail/messages", send).status()).isEqualTo(202);
    assertThat(folder(me, "drafts").get("total").asLong()).isZero();
  }

  @Test
  void refusedAndUndeliverableMessagesBounceToTheSenderAfterRetries() throws Exception {
    ApiClient me = tanaka.client();
    assertThat(
            me.post(
                    "/api/v1/mail/messages",
                    Map.of("to", List.of("nobody@outside.example"), "subject", "宛先不明", "text", "x"))
                .status())
        .isEqualTo(202);
    sender.runOnce();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> folder(me, "inbox").get("total").asLong() == 1);
    JsonNode inbox = folder(me, "inbox");
    assertThat(inbox.get("total").asLong()).isEqualTo(1);
    JsonNode dsn =
        me.get("/api/v1/mail/folders/" + inbox.get("id").asString() + "/messages")
            .json()
            .get("items")
            .get(0);
    assertThat(dsn.get("subject").asString()).isEqualTo("Undelivered Mail Returned to Sender");
    assertThat(
            me.get("/api/v1/mail/messages/" + dsn.get("id").asString())
                .json()
                .get("text")
                .asString())
        .contains("nobody@outside.example");
    assertThat(
            company
                .admin()
                .get("/api/v1/admin/mail/log?status=bounced")
                .json()
                .get("total")
                .asLong())
        .isEqualTo(1);

    // A smarthost that does not answer: deferred with backoff, bounced after the retry window.
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    System.setProperty("musubi.mail.smarthost", "127.0.0.1:" + closed);
    assertThat(
            me.post(
                    "/api/v1/mail/messages",
                    Map.of("to", List.of("partner@outside.example"), "subject", "再送", "text", "x"))
                .status())
        .isEqualTo(202);
    sender.runOnce();
    await().atMost(Duration.ofSeconds(30)).until(() -> logs("deferred") == 1);
    JsonNode deferred = company.admin().get("/api/v1/admin/mail/log?status=deferred").json();
    assertThat(deferred.get("total").asLong()).isEqualTo(1);
    assertThat(deferred.get("items").get(0).get("retries").asInt()).isEqualTo(1);
    assertThat(sender.runOnce()).isZero();
    clock.advance(Duration.ofDays(3));
    sender.runOnce();
    await().atMost(Duration.ofSeconds(30)).until(() -> logs("bounced") == 2);
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM mail_message WHERE member_id = ?")
                .param(tanaka.id())
                .query(Long.class)
                .single())
        .isEqualTo(4); // two sent, two bounces
  }

  private long logs(String status) {
    return jdbc.sql("SELECT COUNT(*) FROM mail_log WHERE tenant_id = ? AND status = ?")
        .params(company.id(), status)
        .query(Long.class)
        .single();
  }

  private static boolean verifies(String record, byte[] message) {
    try {
      return !new DKIMVerifier((a, b, c) -> List.of(record))
          .verify(new ByteArrayInputStream(message))
          .isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  static byte[] multipart(String name, String content) {
    String s =
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + name
            + "\"\r\nContent-Type: text/plain\r\n\r\n"
            + content
            + "\r\n--XyZ--\r\n";
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
