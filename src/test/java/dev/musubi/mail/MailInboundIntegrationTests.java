package dev.musubi.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.musubi.mail.internal.GroupCommit;
import dev.musubi.mail.internal.MailIndexer;
import dev.musubi.platform.search.SearchIndex;
import dev.musubi.platform.search.SearchQuery;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.JsonNode;

/** Delivery through the {@link MailInbound} port, as the SMTP server calls it. */
@MusubiIntegrationTest
class MailInboundIntegrationTests {

  @LocalServerPort int port;
  @Autowired MailInbound inbound;
  @Autowired JdbcClient jdbc;
  @Autowired MailIndexer indexer;
  @Autowired SearchIndex searchIndex;
  @Autowired TestClock clock;
  @Autowired MailLog mailLog;
  @Autowired PlatformTransactionManager transactions;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  Fixtures.TestMember tanaka;
  String address;

  @BeforeEach
  void company() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    tanaka = fixtures.member(company, "tanaka");
    address = "tanaka@" + company.domain();
  }

  MailInbound.Delivery deliver(byte[] raw) throws Exception {
    return deliver(raw, MailInbound.AuthResults.none());
  }

  MailInbound.Delivery deliver(byte[] raw, MailInbound.AuthResults auth) throws Exception {
    return inbound.deliver(
        new MailInbound.Envelope(
            "sender@outside.example",
            List.of(address),
            "192.0.2.10",
            "mx.outside.example",
            Instant.now(),
            auth,
            raw.length),
        new ByteArrayInputStream(raw));
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static byte[] bytes(String s, String charset) {
    return s.getBytes(Charset.forName(charset));
  }

  static byte[] concat(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      out.writeBytes(
          p instanceof byte[] b ? b : p.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
    return out.toByteArray();
  }

  @Test
  void aJapaneseIso2022JpMessageWithEncodedFileNamesIsStoredDecodedAndSearchable()
      throws Exception {
    byte[] raw =
        concat(
            "From: =?ISO-2022-JP?B?",
            b64(bytes("佐藤 花子", "ISO-2022-JP")),
            "?= <hanako@outside.example>\r\n",
            "To: ",
            address,
            "\r\n",
            "Subject: =?ISO-2022-JP?B?",
            b64(bytes("来週の会議について", "ISO-2022-JP")),
            "?=\r\n",
            "Message-ID: <jp-1@outside.example>\r\n",
            "Date: Fri, 4 Dec 2026 10:00:00 +0900\r\n",
            "MIME-Version: 1.0\r\n",
            "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n",
            "--b1\r\n",
            "Content-Type: text/plain; charset=ISO-2022-JP\r\n",
            "Content-Transfer-Encoding: 7bit\r\n\r\n",
            bytes("田中様\r\n来週の会議は第二会議室で行います。\r\n", "ISO-2022-JP"),
            "\r\n--b1\r\n",
            "Content-Type: application/pdf\r\n",
            "Content-Disposition: attachment; filename*=UTF-8''",
            URLEncoder.encode("見積書.pdf", StandardCharsets.UTF_8),
            "\r\nContent-Transfer-Encoding: base64\r\n\r\n",
            b64("%PDF-1.4 test".getBytes(StandardCharsets.US_ASCII)),
            "\r\n--b1\r\n",
            "Content-Type: text/plain; charset=Shift_JIS; name=\"=?Shift_JIS?B?",
            b64(bytes("議事録.txt", "Shift_JIS")),
            "?=\"\r\n",
            "Content-Disposition: attachment\r\n",
            "Content-Transfer-Encoding: base64\r\n\r\n",
            b64(bytes("議事録の本文", "Shift_JIS")),
            "\r\n--b1--\r\n");
    MailInbound.Delivery d = deliver(raw);
    assertThat(d.mailboxes()).isEqualTo(1);

    ApiClient me = tanaka.client();
    JsonNode inbox = folder(me, "inbox");
    assertThat(inbox.get("unread").asLong()).isEqualTo(1);
    JsonNode list =
        me.get("/api/v1/mail/folders/" + inbox.get("id").asString() + "/messages").json();
    JsonNode item = list.get("items").get(0);
    assertThat(item.get("subject").asString()).isEqualTo("来週の会議について");
    assertThat(item.get("from").get("name").asString()).isEqualTo("佐藤 花子");
    assertThat(item.get("preview").asString()).contains("第二会議室");
    assertThat(item.get("hasAttachments").asBoolean()).isTrue();

    String id = item.get("id").asString();
    JsonNode m = me.get("/api/v1/mail/messages/" + id).json();
    assertThat(m.get("text").asString()).contains("来週の会議は第二会議室で行います。");
    assertThat(m.get("messageId").asString()).isEqualTo("jp-1@outside.example");
    assertThat(m.get("attachments"))
        .extracting(a -> a.get("name").asString())
        .containsExactly("見積書.pdf", "議事録.txt");
    assertThat(m.get("seen").asBoolean()).isFalse();
    String part = m.get("attachments").get(1).get("part").asString();
    ApiClient.Response att = me.get("/api/v1/mail/messages/" + id + "/attachments/" + part);
    assertThat(att.status()).isEqualTo(200);
    assertThat(att.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(att.header("Content-Disposition")).startsWith("attachment");
    assertThat(att.header("Content-Disposition")).contains("UTF-8''%E8%AD%B0");
    ApiClient.Response pdf =
        me.get(
            "/api/v1/mail/messages/"
                + id
                + "/attachments/"
                + m.get("attachments").get(0).get("part").asString());
    assertThat(pdf.body()).isEqualTo("%PDF-1.4 test");
    assertThat(pdf.header("Content-Security-Policy")).contains("sandbox");
    assertThat(me.get("/api/v1/mail/messages/" + id + "/raw").body())
        .contains("jp-1@outside.example");

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (String q : List.of("会議", "第二会議室", "見積書", "hanako", "佐藤")) {
                assertThat(me.get("/api/v1/mail/search?q=" + enc(q)).json().get("items"))
                    .as(q)
                    .hasSize(1);
              }
            });

    // Nobody else reads it: another member and another company get 404.
    Fixtures.TestMember suzuki = fixtures.member(company, "suzuki");
    assertThat(suzuki.client().get("/api/v1/mail/messages/" + id).status()).isEqualTo(404);
    assertThat(suzuki.client().get("/api/v1/mail/search?q=" + enc("会議")).json().get("items"))
        .isEmpty();
    Fixtures.TestCompany other = fixtures.company();
    assertThat(other.admin().get("/api/v1/mail/messages/" + id).status()).isEqualTo(404);
    assertThat(other.admin().get("/api/v1/mail/messages/" + id + "/raw").status()).isEqualTo(404);

    // The admin sees the log row, not the content.
    JsonNode log = company.admin().get("/api/v1/admin/mail/log?direction=in").json();
    assertThat(log.get("total").asLong()).isEqualTo(1);
    assertThat(log.get("items").get(0).get("status").asString()).isEqualTo("delivered");
    assertThat(log.get("items").get(0).get("attachments").asInt()).isEqualTo(2);
    ApiClient.Response csv = company.admin().get("/api/v1/admin/mail/log.csv");
    assertThat(csv.body()).startsWith("\uFEFFtime,direction");
    assertThat(tanaka.client().get("/api/v1/admin/mail/log").status()).isEqualTo(403);
  }

  @Test
  void shiftJisEucJpAndUtf8BodiesDecode() throws Exception {
    for (String charset : List.of("Shift_JIS", "EUC-JP", "UTF-8")) {
      byte[] raw =
          concat(
              "From: a@outside.example\r\nTo: ",
              address,
              "\r\nSubject: ",
              charset,
              "\r\nContent-Type: text/plain; charset=",
              charset,
              "\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
              bytes("①株式会社ｶﾀｶﾅ 髙橋 本文です", charset.equals("Shift_JIS") ? "windows-31j" : charset),
              "\r\n");
      deliver(raw);
    }
    ApiClient me = tanaka.client();
    JsonNode items =
        me.get("/api/v1/mail/folders/" + folder(me, "inbox").get("id").asString() + "/messages")
            .json()
            .get("items");
    assertThat(items).hasSize(3);
    for (JsonNode item : items) {
      JsonNode m = me.get("/api/v1/mail/messages/" + item.get("id").asString()).json();
      String text = m.get("text").asString();
      assertThat(text).as(m.get("subject").asString()).contains("株式会社ｶﾀｶﾅ", "本文です");
      if (!m.get("subject").asString().equals("EUC-JP")) {
        assertThat(text).contains("①", "髙橋");
      }
    }
  }

  @Test
  void malformedMessagesAreBoundedAndStoredRawNeverDropped() throws Exception {
    StringBuilder deep = new StringBuilder();
    deep.append("From: deep@outside.example\r\nTo: ")
        .append(address)
        .append("\r\nSubject: deep\r\n");
    for (int i = 0; i < 1000; i++) {
      deep.append("Content-Type: multipart/mixed; boundary=\"d")
          .append(i)
          .append("\"\r\n\r\n--d")
          .append(i)
          .append("\r\n");
    }
    deep.append("Content-Type: text/plain\r\n\r\nbottom\r\n");
    StringBuilder many = new StringBuilder();
    many.append("From: many@outside.example\r\nTo: ")
        .append(address)
        .append("\r\nSubject: many headers\r\n");
    for (int i = 0; i < 100_000; i++) {
      many.append("X-H").append(i).append(": v\r\n");
    }
    many.append("\r\nbody\r\n");
    Map<String, String> corpus =
        Map.of(
            "missing boundary",
            "From: nb@outside.example\r\nTo: "
                + address
                + "\r\nSubject: missing boundary\r\n"
                + "Content-Type: multipart/mixed\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n",
            "deep",
            deep.toString(),
            "many headers",
            many.toString(),
            "bad base64",
            "From: b64@outside.example\r\nTo: "
                + address
                + "\r\nSubject: bad base64\r\n"
                + "Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: text/plain\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n!!!not*base64@@@\r\n--q\r\n"
                + "Content-Type: application/octet-stream; name=x.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "AAA=BBB===%%%\r\n--q--\r\n",
            "no header end",
            "Subject: =?UTF-8?B?broken\r\nFrom: \r\n\u0000\u0001garbage",
            // NUL octets in the subject and text (PostgreSQL refuses them in text columns).
            "NUL octets",
            "From: nul@outside.example\r\nTo: "
                + address
                + "\r\nSubject: nul\u0000octet\r\n\r\nbody with a \u0000 in it\r\n");
    for (var e : corpus.entrySet()) {
      byte[] raw = e.getValue().getBytes(StandardCharsets.ISO_8859_1);
      MailInbound.Delivery d = deliver(raw);
      assertThat(d.mailboxes()).as(e.getKey()).isEqualTo(1);
    }
    ApiClient me = tanaka.client();
    JsonNode items =
        me.get(
                "/api/v1/mail/folders/"
                    + folder(me, "inbox").get("id").asString()
                    + "/messages?size=50")
            .json()
            .get("items");
    assertThat(items).hasSize(corpus.size());
    for (JsonNode item : items) {
      String id = item.get("id").asString();
      ApiClient.Response open = me.get("/api/v1/mail/messages/" + id);
      assertThat(open.status()).as(item.toString()).isEqualTo(200);
      ApiClient.Response raw = me.get("/api/v1/mail/messages/" + id + "/raw");
      assertThat(raw.status()).isEqualTo(200);
      String subject = item.get("subject").asString();
      String original =
          corpus.values().stream().filter(v -> raw.body().equals(v)).findFirst().orElse(null);
      assertThat(original).as("raw of " + subject).isNotNull();
    }
    assertThat(items)
        .extracting(i -> i.get("subject").asString())
        .contains("missing boundary", "deep", "many headers", "bad base64", "nuloctet");
  }

  @Test
  void companyPolicyAcceptsJunksOrRejectsFailedSenderChecks() throws Exception {
    byte[] raw = simple("policy test", "hanako@outside.example");
    MailInbound.AuthResults dmarcFail =
        new MailInbound.AuthResults("pass", "none", "fail", "outside.example");
    assertThatThrownBy(() -> deliver(raw, dmarcFail))
        .isInstanceOfSatisfying(
            MailInbound.MailRejectedException.class,
            e -> {
              assertThat(e.permanent()).isTrue();
              assertThat(e.enhancedCode()).isEqualTo("5.7.1");
            });
    assertThat(messages()).isZero();
    JsonNode log = company.admin().get("/api/v1/admin/mail/log?status=rejected").json();
    assertThat(log.get("total").asLong()).isEqualTo(1);
    assertThat(log.get("items").get(0).get("dmarc").asString()).isEqualTo("fail");

    company.admin().put("/api/v1/admin/mail/policy", Map.of("dmarcFail", "junk"));
    deliver(raw, dmarcFail);
    ApiClient me = tanaka.client();
    assertThat(folder(me, "junk").get("total").asLong()).isEqualTo(1);
    JsonNode junkItem =
        me.get("/api/v1/mail/folders/" + folder(me, "junk").get("id").asString() + "/messages")
            .json()
            .get("items")
            .get(0);
    assertThat(
            me.get("/api/v1/mail/messages/" + junkItem.get("id").asString())
                .json()
                .get("auth")
                .get("dmarc")
                .asString())
        .isEqualTo("fail");

    company
        .admin()
        .put("/api/v1/admin/mail/policy", Map.of("dmarcFail", "accept", "spfFail", "accept"));
    deliver(raw, new MailInbound.AuthResults("fail", "none", "fail", "outside.example"));
    assertThat(folder(me, "inbox").get("total").asLong()).isEqualTo(1);

    // A message from outside claiming our own domain without passing any check is not trusted.
    deliver(simple("forged", "ceo@" + company.domain()));
    assertThat(folder(me, "junk").get("total").asLong()).isEqualTo(2);
  }

  @Test
  void unknownRecipientsOversizedMessagesAndFullMailboxesAreRefused() throws Exception {
    assertThatThrownBy(
            () ->
                inbound.deliver(
                    new MailInbound.Envelope(
                        "a@outside.example",
                        List.of("nobody@" + company.domain()),
                        "192.0.2.1",
                        "x",
                        Instant.now(),
                        MailInbound.AuthResults.none(),
                        10),
                    new ByteArrayInputStream(
                        "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII))))
        .isInstanceOf(MailInbound.MailRejectedException.class);

    company
        .admin()
        .put(
            "/api/v1/admin/mail/policy",
            Map.of("maxMessageBytes", 2048, "mailboxQuotaBytes", 1 << 20));
    byte[] big = simple("big", "a@outside.example", "x".repeat(4000));
    assertThatThrownBy(() -> deliver(big))
        .isInstanceOfSatisfying(
            MailInbound.MailRejectedException.class,
            e -> assertThat(e.enhancedCode()).isEqualTo("5.3.4"));
    assertThat(messages()).isZero();

    company.admin().put("/api/v1/admin/mail/policy", Map.of("maxMessageBytes", 700_000));
    byte[] half = simple("half", "a@outside.example", "y".repeat(600_000));
    deliver(half);
    assertThatThrownBy(() -> deliver(half))
        .isInstanceOfSatisfying(
            MailInbound.MailRejectedException.class,
            e -> {
              assertThat(e.permanent()).isFalse();
              assertThat(e.enhancedCode()).isEqualTo("4.2.2");
            });
    assertThat(messages()).isEqualTo(1);

    inbound.refused(
        new MailInbound.Envelope(
            "spam@outside.example",
            List.of(address),
            "192.0.2.9",
            "x",
            Instant.now(),
            MailInbound.AuthResults.none(),
            0),
        "too many recipients");
    assertThat(
            company
                .admin()
                .get("/api/v1/admin/mail/log?status=refused")
                .json()
                .get("total")
                .asLong())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void concurrentDeliveriesAreEachCommittedWhenAcknowledged() throws Exception {
    int n = 8;
    var start = new CountDownLatch(1);
    Set<UUID> ids = new HashSet<>();
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<UUID>> deliveries = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] raw = simple("concurrent " + i, "bulk@outside.example");
        deliveries.add(
            threads.submit(
                () -> {
                  start.await();
                  MailInbound.Delivery d = deliver(raw);
                  // Acknowledged, so committed: another connection already sees message and log.
                  assertThat(
                          jdbc.sql(
                                  "SELECT COUNT(*) FROM mail_message m JOIN mail_log l"
                                      + " ON l.id = m.log_id WHERE m.log_id = ?")
                              .param(d.id())
                              .query(Long.class)
                              .single())
                      .isEqualTo(1);
                  // ... and the blob with the message's reference to it, committed with the rows.
                  assertThat(
                          jdbc.sql(
                                  "SELECT COUNT(*) FROM mail_message m JOIN blob b"
                                      + " ON b.tenant_id = m.tenant_id AND b.sha256 = m.blob_sha256"
                                      + " JOIN blob_reference r ON r.tenant_id = m.tenant_id"
                                      + " AND r.sha256 = m.blob_sha256"
                                      + " AND r.owner = CONCAT('mail.message:', m.id)"
                                      + " WHERE m.log_id = ?")
                              .param(d.id())
                              .query(Long.class)
                              .single())
                      .isEqualTo(1);
                  return d.id();
                }));
      }
      start.countDown();
      for (Future<UUID> d : deliveries) {
        ids.add(d.get(60, TimeUnit.SECONDS));
      }
    }
    assertThat(ids).hasSize(n);
    assertThat(messages()).isEqualTo(n);
  }

  @Test
  void aGroupCommitsWaitingWorkOnceAndOneFailingWorkLeavesTheOthersCommitted() throws Exception {
    var commits = new GroupCommit(transactions);
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      // Four deliveries arrive while a commit is under way: they share the next transaction.
      List<Future<UUID>> group = queuedBehindABlocker(commits, threads, "ok", -1);
      for (Future<UUID> f : group) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(logged("ok-")).isEqualTo(5);

      // One of the four fails: it alone is refused and none of its work is kept.
      long before = commits.transactions();
      List<Future<UUID>> mixed = queuedBehindABlocker(commits, threads, "mixed", 2);
      for (int i = 0; i < mixed.size(); i++) {
        Future<UUID> f = mixed.get(i);
        if (i == 3) {
          assertThatThrownBy(() -> f.get(60, TimeUnit.SECONDS))
              .isInstanceOf(ExecutionException.class)
              .hasRootCauseMessage("refused for the test");
        } else {
          assertThat(f.get(60, TimeUnit.SECONDS)).isNotNull();
        }
      }
      assertThat(logged("mixed-")).isEqualTo(4);
      assertThat(logged("mixed-2")).isZero();
      // the blocker's, the failed group's retries one by one (three committed)
      assertThat(commits.transactions() - before).isEqualTo(4);
    }
  }

  /**
   * Runs a work that holds the commit until four more works wait, then lets go; the work numbered
   * {@code failing} writes its row and throws. Returns the futures, the blocker's first, and checks
   * the four that did not fail took one transaction when none failed.
   */
  private List<Future<UUID>> queuedBehindABlocker(
      GroupCommit commits, java.util.concurrent.ExecutorService threads, String name, int failing)
      throws Exception {
    var holding = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    List<Future<UUID>> futures = new ArrayList<>();
    futures.add(
        threads.submit(
            () ->
                commits.run(
                    () -> {
                      UUID id = log(name + "-blocker");
                      holding.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                      }
                      return id;
                    })));
    holding.await();
    for (int i = 0; i < 4; i++) {
      String subject = name + "-" + i;
      boolean fails = i == failing;
      futures.add(
          threads.submit(
              () ->
                  commits.run(
                      () -> {
                        UUID id = log(subject);
                        if (fails) {
                          throw new IllegalStateException("refused for the test");
                        }
                        return id;
                      })));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> commits.waiting() == 4);
    long before = commits.transactions();
    release.countDown();
    futures.getFirst().get(60, TimeUnit.SECONDS);
    if (failing < 0) {
      for (Future<UUID> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      // the blocker's transaction and one for the four that waited
      assertThat(commits.transactions() - before).isEqualTo(2);
    }
    return futures;
  }

  private UUID log(String subject) {
    return mailLog.record(
        company.id(),
        "in",
        "group@outside.example",
        List.of(address),
        subject,
        1,
        0,
        MailInbound.AuthResults.none(),
        "delivered",
        "");
  }

  private long logged(String subjectPrefix) {
    return jdbc.sql("SELECT COUNT(*) FROM mail_log WHERE tenant_id = ? AND subject LIKE ?")
        .params(company.id(), subjectPrefix + "%")
        .query(Long.class)
        .single();
  }

  @Test
  void aCleanShutdownCommitsTheIndexSoTheNextStartIndexesNothingAgain() throws Exception {
    deliver(simple("Before the restart", "auditor@outside.example", "quiescence"));
    UUID id =
        jdbc.sql("SELECT id FROM mail_message WHERE member_id = ? AND subject = ?")
            .params(tanaka.id(), "Before the restart")
            .query(UUID.class)
            .single();
    indexer.flush();
    // Indexed, not yet surely committed: the row stays for a crash.
    assertThat(pending(id)).isEqualTo(1);
    indexer.stop();
    try {
      assertThat(pending(id)).isZero();
      assertThat(indexer.reindexPending(clock.instant().plusSeconds(1))).isZero();
      assertThat(tanaka.client().get("/api/v1/mail/search?q=quiescence").json().get("items"))
          .hasSize(1);
    } finally {
      indexer.start();
    }
  }

  @Test
  void aSweepRepairsMoreMessagesThanOneChunkInOrder() throws Exception {
    int count = MailIndexer.SWEEP_CHUNK + 7; // two chunks; a search counts up to 100
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      deliver(simple("Lost " + i, "auditor@outside.example", "xylocarp number " + i));
    }
    jdbc.sql("SELECT id FROM mail_message WHERE member_id = ? AND subject LIKE 'Lost %'")
        .param(tanaka.id())
        .query(UUID.class)
        .list()
        .forEach(ids::add);
    assertThat(ids).hasSize(count);
    indexer.flush();
    // The index loses them all (a crash before its commit); the sweep goes through them in chunks.
    for (UUID id : ids) {
      searchIndex.delete(company.id(), MailIndexer.TYPE, id.toString());
    }
    assertThat(tanaka.client().get("/api/v1/mail/search?q=xylocarp").json().get("total").asInt())
        .isZero();
    assertThat(indexer.reindexPending(clock.instant().plusSeconds(1)))
        .isGreaterThanOrEqualTo(count);
    assertThat(tanaka.client().get("/api/v1/mail/search?q=xylocarp").json().get("total").asInt())
        .isEqualTo(count);
  }

  @Test
  void aMessageIsSearchableAsSoonAsStoredAndAnIndexThatLostItIsRepairedFromTheStore()
      throws Exception {
    ApiClient me = tanaka.client();
    // A message indexed while the clock stood half an hour ahead (a clock set back afterwards) must
    // not
    // hold up the clean-up of the ones indexed after it.
    clock.advance(Duration.ofMinutes(30));
    try {
      deliver(simple("From the future", "auditor@outside.example", "chronoton"));
      assertThat(me.get("/api/v1/mail/search?q=chronoton").json().get("items")).hasSize(1);
    } finally {
      clock.reset();
    }
    deliver(simple("Quarterly stock-take", "auditor@outside.example", "zephyrium 棚卸し"));
    UUID id =
        jdbc.sql("SELECT id FROM mail_message WHERE member_id = ? AND subject LIKE 'Quarterly%'")
            .param(tanaka.id())
            .query(UUID.class)
            .single();
    // Indexing happens after the reply; the row written with the message makes it durable.
    assertThat(pending(id)).isEqualTo(1);
    assertThat(me.get("/api/v1/mail/search?q=zephyrium").json().get("items")).hasSize(1);

    // The index loses the write (a crash before its commit): the row is still there to repair it.
    searchIndex.delete(company.id(), MailIndexer.TYPE, id.toString());
    assertThat(me.get("/api/v1/mail/search?q=zephyrium").json().get("items")).isEmpty();
    assertThat(indexer.reindexPending(clock.instant().plusSeconds(1))).isPositive();
    assertThat(me.get("/api/v1/mail/search?q=zephyrium").json().get("items")).hasSize(1);

    // Once the index has surely committed it, the row goes.
    clock.advance(Duration.ofSeconds(20));
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> pending(id) == 0);
    } finally {
      clock.reset();
    }
    assertThat(me.get("/api/v1/mail/search?q=zephyrium").json().get("items")).hasSize(1);
  }

  @Test
  void aSearchIndexesOnlyTheSearchersWaitingMailAndLeavesOtherMailboxesToTheIndexer()
      throws Exception {
    Fixtures.TestMember suzuki = fixtures.member(company, "suzuki");
    int others = 120;
    // The indexer's thread stands still, so that what is delivered now waits in its backlog.
    indexer.stop();
    try {
      for (int n = 0; n < others; n++) {
        deliverTo(
            "suzuki@" + company.domain(),
            simple("Stock list " + n, "supplier@outside.example", "quillwort"));
      }
      deliver(simple("Estimate", "supplier@outside.example", "quillwort 見積書"));
      assertThat(indexer.backlog()).isGreaterThanOrEqualTo(others + 1);
      assertThat(indexed(tanaka, "quillwort")).isZero();

      // Delivered before the search began: found. Suzuki's backlog: not indexed on the way.
      assertThat(tanaka.client().get("/api/v1/mail/search?q=quillwort").json().get("items"))
          .hasSize(1);
      assertThat(indexed(tanaka, "quillwort")).isEqualTo(1);
      assertThat(indexed(suzuki, "quillwort")).isZero();
      assertThat(indexer.backlog()).isGreaterThanOrEqualTo(others);
    } finally {
      indexer.start();
    }
    // The indexer's thread takes the rest.
    await().atMost(Duration.ofSeconds(60)).until(() -> indexed(suzuki, "quillwort") == others);
  }

  private long indexed(Fixtures.TestMember member, String word) {
    return searchIndex
        .search(
            new SearchQuery(
                company.id(),
                MailIndexer.TYPE,
                word,
                Set.of(member.id().toString()),
                null,
                null,
                null,
                1,
                false))
        .total();
  }

  MailInbound.Delivery deliverTo(String recipient, byte[] raw) throws Exception {
    return inbound.deliver(
        new MailInbound.Envelope(
            "sender@outside.example",
            List.of(recipient),
            "192.0.2.10",
            "mx.outside.example",
            Instant.now(),
            MailInbound.AuthResults.none(),
            raw.length),
        new ByteArrayInputStream(raw));
  }

  private long pending(UUID messageId) {
    return jdbc.sql("SELECT COUNT(*) FROM mail_index_pending WHERE message_id = ?")
        .param(messageId)
        .query(Long.class)
        .single();
  }

  @Test
  void repliesJoinTheirThreadByReferencesOrSubject() throws Exception {
    deliver(
        concat(
            "From: a@outside.example\r\nTo: ",
            address,
            "\r\nSubject: 見積の件\r\nMessage-ID: <t1@x>\r\n\r\none\r\n"));
    deliver(
        concat(
            "From: a@outside.example\r\nTo: ",
            address,
            "\r\nSubject: Re: 見積の件\r\nMessage-ID: <t2@x>\r\nIn-Reply-To: <t1@x>\r\nReferences: <t1@x>\r\n\r\ntwo\r\n"));
    deliver(
        concat(
            "From: a@outside.example\r\nTo: ",
            address,
            "\r\nSubject: RE: 見積の件\r\nMessage-ID: <t3@x>\r\n\r\nthree\r\n"));
    deliver(
        concat(
            "From: a@outside.example\r\nTo: ",
            address,
            "\r\nSubject: 別件\r\nMessage-ID: <t4@x>\r\n\r\nfour\r\n"));
    ApiClient me = tanaka.client();
    JsonNode items =
        me.get(
                "/api/v1/mail/folders/"
                    + folder(me, "inbox").get("id").asString()
                    + "/messages?sort=date")
            .json()
            .get("items");
    String first = items.get(0).get("threadId").asString();
    assertThat(items.get(1).get("threadId").asString()).isEqualTo(first);
    assertThat(items.get(2).get("threadId").asString()).isEqualTo(first);
    assertThat(items.get(3).get("threadId").asString()).isNotEqualTo(first);
    JsonNode thread =
        me.get("/api/v1/mail/messages/" + items.get(2).get("id").asString() + "/thread").json();
    assertThat(thread).hasSize(3);
  }

  private long messages() {
    return jdbc.sql("SELECT COUNT(*) FROM mail_message WHERE member_id = ?")
        .param(tanaka.id())
        .query(Long.class)
        .single();
  }

  private byte[] simple(String subject, String from) {
    return simple(subject, from, "hello");
  }

  private byte[] simple(String subject, String from, String body) {
    return concat(
        "From: ",
        from,
        "\r\nTo: ",
        address,
        "\r\nSubject: ",
        subject,
        "\r\nMessage-ID: <",
        Long.toString(System.nanoTime()),
        "@x>\r\n\r\n",
        body,
        "\r\n");
  }

  static JsonNode folder(ApiClient me, String role) {
    for (JsonNode f : me.get("/api/v1/mail/folders").json()) {
      if (f.hasNonNull("role") && role.equals(f.get("role").asString())) {
        return f;
      }
    }
    throw new AssertionError("no folder " + role);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
