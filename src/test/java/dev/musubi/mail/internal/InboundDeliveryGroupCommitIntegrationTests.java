package dev.musubi.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.audit.AuditTrail;
import dev.musubi.mail.MailDomains;
import dev.musubi.mail.MailInbound;
import dev.musubi.mail.MailLog;
import dev.musubi.mail.Mailboxes;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.platform.blob.internal.BlobBackend;
import dev.musubi.platform.blob.internal.LocalBlobBackend;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Deliveries with {@code musubi.mail.group-commit} on: ciphertexts written and synced by each
 * delivery before the shared transaction, the rows of many deliveries committed together.
 */
@MusubiIntegrationTest
class InboundDeliveryGroupCommitIntegrationTests {

  @LocalServerPort int port;
  @Autowired MailDomains domains;
  @Autowired Mailboxes mailboxes;
  @Autowired MailLog mailLog;
  @Autowired BlobStore blobs;
  @Autowired BlobBackend backend;
  @Autowired AuditTrail audit;
  @Autowired PlatformTransactionManager transactions;
  @Autowired JdbcClient jdbc;

  @Test
  void concurrentDeliveriesSharingCommitsAreEachStoredWithTheirOwnCiphertext() throws Exception {
    var fixtures = new Fixtures(port);
    var company = fixtures.company();
    var tanaka = fixtures.member(company, "tanaka");
    String address = "tanaka@" + company.domain();
    var delivery =
        new InboundDelivery(domains, mailboxes, mailLog, blobs, audit, transactions, true);

    int count = 12;
    List<byte[]> messages = new ArrayList<>();
    List<Future<MailInbound.Delivery>> done = new ArrayList<>();
    try (var threads = Executors.newFixedThreadPool(count)) {
      for (int i = 0; i < count; i++) {
        byte[] raw =
            ("From: sender@outside.example\r\nTo: "
                    + address
                    + "\r\nSubject: group "
                    + i
                    + "\r\nMessage-ID: <group-"
                    + i
                    + "@outside.example>\r\n\r\nBody "
                    + i
                    + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        messages.add(raw);
        done.add(
            threads.submit(
                () ->
                    delivery.deliver(
                        new MailInbound.Envelope(
                            "sender@outside.example",
                            List.of(address),
                            "192.0.2.10",
                            "mx.outside.example",
                            Instant.now(),
                            MailInbound.AuthResults.none(),
                            raw.length),
                        new ByteArrayInputStream(raw))));
      }
      for (Future<MailInbound.Delivery> f : done) {
        assertThat(f.get(120, TimeUnit.SECONDS).mailboxes()).isEqualTo(1);
      }
    }

    // Every message stored once, with its own UID, and its blob reads back as sent.
    List<Long> uids =
        jdbc.sql("SELECT uid FROM mail_message WHERE tenant_id = ? AND member_id = ? ORDER BY uid")
            .params(company.id(), tanaka.id())
            .query(Long.class)
            .list();
    assertThat(uids).hasSize(count).doesNotHaveDuplicates();
    for (int i = 0; i < count; i++) {
      String sha =
          jdbc.sql(
                  "SELECT blob_sha256 FROM mail_message WHERE tenant_id = ? AND member_id = ?"
                      + " AND subject = ?")
              .params(company.id(), tanaka.id(), "group " + i)
              .query(String.class)
              .single();
      try (InputStream in = blobs.open(company.id(), sha)) {
        assertThat(in.readAllBytes()).isEqualTo(messages.get(i));
      }
    }
    // One ciphertext per blob row: none left behind by the shared transactions.
    long rows =
        jdbc.sql("SELECT COUNT(*) FROM blob WHERE tenant_id = ?")
            .param(company.id())
            .query(Long.class)
            .single();
    assertThat(rows).isEqualTo(count);
    Path dir = ((LocalBlobBackend) backend).root().resolve(company.id().toString());
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(rows);
    }
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM mail_log WHERE tenant_id = ? AND status = 'delivered'")
                .param(company.id())
                .query(Long.class)
                .single())
        .isEqualTo(count);
    assertThat(UUID.fromString(done.getFirst().get().id().toString())).isNotNull();
  }
}
