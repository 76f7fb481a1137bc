package dev.musubi.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.musubi.mail.MailInbound.AuthResults;
import dev.musubi.testing.TestClock;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.james.jdkim.DKIMSigner;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The SMTP server against real clients (Angus Mail, python3 smtplib, swaks) and a raw socket for
 * what clients would never send. Each test connects from its own 127.0.0.x address so that the
 * per-IP limits of one test do not touch another.
 */
class SmtpServerIntegrationTests extends SmtpIntegrationTestBase {

  @Autowired TestClock clock;
  @Autowired MeterRegistry meters;
  @LocalServerPort int httpPort;

  @Autowired
  @Qualifier("smtpHealthIndicator")
  HealthIndicator smtpHealth;

  private static String token() {
    return "t" + UUID.randomUUID().toString().replace("-", "");
  }

  private List<RecordingMailInbound.Stored> storedWith(String token) {
    return inbound.stored.stream().filter(s -> s.text().contains(token)).toList();
  }

  @Test
  void angusMailDeliversOverStartTlsAndTheMessageGetsTraceHeaders() throws Exception {
    String token = token();
    var props = new Properties();
    props.put("mail.smtp.host", "127.0.0.1");
    props.put("mail.smtp.port", String.valueOf(port()));
    props.put("mail.smtp.localaddress", "127.0.0.32");
    props.put("mail.smtp.localhost", "angus.sender.example");
    props.put("mail.smtp.starttls.enable", "true");
    props.put("mail.smtp.starttls.required", "true");
    props.put("mail.smtp.ssl.trust", "*");
    var session = Session.getInstance(props);
    var message = new MimeMessage(session);
    message.setFrom(new InternetAddress("news@sender.example"));
    message.setRecipients(
        Message.RecipientType.TO, InternetAddress.parse("alice@musubi.test, bob@musubi.test"));
    message.setSubject("Angus " + token, "UTF-8");
    message.setText("こんにちは " + token, "UTF-8");

    Transport.send(message);

    var stored = storedWith(token);
    assertThat(stored).hasSize(1);
    var envelope = stored.getFirst().envelope();
    assertThat(envelope.mailFrom()).isEqualTo("news@sender.example");
    assertThat(envelope.recipients()).containsExactly("alice@musubi.test", "bob@musubi.test");
    assertThat(envelope.remoteAddress()).isEqualTo("127.0.0.32");
    assertThat(envelope.helo()).isEqualTo("angus.sender.example");
    assertThat(envelope.auth())
        .isEqualTo(new AuthResults("pass", "none", "pass", "sender.example"));
    assertThat(envelope.size()).isEqualTo(stored.getFirst().raw().length);
    String text = stored.getFirst().text();
    assertThat(text)
        .startsWith(
            "Authentication-Results: mx.musubi.test;\r\n\tspf=pass smtp.mailfrom=sender.example;")
        .contains("dmarc=pass (p=reject) header.from=sender.example")
        .containsPattern(
            "Received: from angus\\.sender\\.example \\(\\[127\\.0\\.0\\.32\\]\\)\r\n"
                + "\tby mx\\.musubi\\.test \\(Musubi\\) with ESMTPS id [0-9a-f]{16};")
        // Two recipients: no "for <…>" clause that would show each the other (Bcc).
        .doesNotContain("\tfor <");
  }

  @Test
  void pythonSmtplibSendsUtf8AddressesAndSeesUnknownRecipientsRefused() throws Exception {
    String token = token();
    String script =
        """
        import smtplib, ssl, sys
        from email.message import EmailMessage
        m = EmailMessage()
        m['From'] = 'パイソン <py@sender.example>'
        m['To'] = 'ユーザー@日本.test'
        m['Subject'] = 'こんにちは ' + sys.argv[2]
        m.set_content('本文です ' + sys.argv[2])
        with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='py.sender.example',
                          source_address=('127.0.0.30', 0), timeout=20) as s:
            s.starttls(context=ssl._create_unverified_context())
            s.send_message(m)
            try:
                s.sendmail('py@sender.example', ['nobody@musubi.test'], 'Subject: x\\r\\n\\r\\nx\\r\\n')
            except smtplib.SMTPRecipientsRefused as e:
                code, text = e.recipients['nobody@musubi.test']
                print('refused', code, text.decode())
        print('done')
        """;
    var result = run("/usr/bin/python3", "-c", script, String.valueOf(port()), token);

    assertThat(result).contains("refused 550 5.1.1").contains("done");
    var stored = storedWith(token);
    assertThat(stored).hasSize(1);
    assertThat(stored.getFirst().envelope().recipients()).containsExactly("ユーザー@日本.test");
    assertThat(stored.getFirst().text())
        .contains("with UTF8SMTPS id")
        .contains("\tfor <ユーザー@日本.test>;");
  }

  @Test
  void swaksPipelinesAMessageAndIsRefusedForRelaying() throws Exception {
    String token = token();
    String ok =
        run(
            "swaks",
            "--server",
            "127.0.0.1",
            "--port",
            String.valueOf(port()),
            "--local-interface",
            "127.0.0.31",
            "--helo",
            "swaks.sender.example",
            "--from",
            "swaks@sender.example",
            "--to",
            "carol@musubi.test",
            "--pipeline",
            "--header",
            "Subject: swaks " + token,
            "--body",
            "body " + token);
    assertThat(ok).doesNotContain("<** ").contains("<-  250 2.0.0 OK queued as");
    assertThat(storedWith(token)).hasSize(1);

    String relay =
        run(
            "swaks",
            "--server",
            "127.0.0.1",
            "--port",
            String.valueOf(port()),
            "--local-interface",
            "127.0.0.31",
            "--helo",
            "swaks.sender.example",
            "--from",
            "swaks@sender.example",
            "--to",
            "victim@elsewhere.example",
            "--header",
            "Subject: relay " + token);
    assertThat(relay).contains("<** 550 5.7.1 Relaying denied");
    assertThat(storedWith("relay " + token)).isEmpty();
  }

  @Test
  void aValidDkimSignatureAlignedWithFromPassesDkimAndDmarc() throws Exception {
    String token = token();
    String unsigned =
        "From: Sender <news@sender.example>\r\n"
            + "To: dave@musubi.test\r\n"
            + "Subject: signed "
            + token
            + "\r\n"
            + "Message-ID: <"
            + token
            + "@sender.example>\r\n"
            + "\r\n"
            + "Signed body.\r\n";
    var signer =
        new DKIMSigner(
            "v=1; a=rsa-sha256; c=relaxed/relaxed; d=sender.example; s=sel;"
                + " h=from:to:subject:message-id; bh=; b=;",
            SmtpTestConfiguration.DKIM_KEY.getPrivate());
    String signature =
        signer.sign(new ByteArrayInputStream(unsigned.getBytes(StandardCharsets.UTF_8)));
    // Sent with a MAIL FROM whose SPF fails, so DMARC can only pass through DKIM.
    String reply =
        sendRaw(
            "127.0.0.12",
            "bounce@other.example",
            "dave@musubi.test",
            signature + "\r\n" + unsigned);

    assertThat(reply).startsWith("250 2.0.0");
    var stored = storedWith(token);
    assertThat(stored).hasSize(1);
    assertThat(stored.getFirst().envelope().auth())
        .isEqualTo(new AuthResults("fail", "pass", "pass", "sender.example"));
    assertThat(stored.getFirst().text()).contains("dkim=pass header.d=sender.example");

    // The same signature over a changed body no longer verifies.
    String tampered = signature + "\r\n" + unsigned.replace("Signed body.", "Changed body.");
    sendRaw(
        "127.0.0.12",
        "bounce@other.example",
        "dave@musubi.test",
        tampered.replace(token, token + "x"));
    var changed = storedWith(token + "x");
    assertThat(changed).hasSize(1);
    assertThat(changed.getFirst().envelope().auth())
        .isEqualTo(new AuthResults("fail", "fail", "fail", "sender.example"));
  }

  @Test
  void dmarcFailureIsRecordedAndLeftToTheStoresPolicy() throws Exception {
    String token = token();
    String reply =
        sendRaw(
            "127.0.0.13",
            "someone@other.example",
            "erin@musubi.test",
            // A forged verdict in this server's name is removed (RFC 8601 §5).
            "Authentication-Results: mx.musubi.test; dmarc=pass header.from=sender.example\r\n"
                + "From: ceo@sender.example\r\nSubject: "
                + token
                + "\r\n\r\nPay this invoice.\r\n");

    assertThat(reply).startsWith("250 2.0.0");
    var stored = storedWith(token);
    assertThat(stored.getFirst().envelope().auth())
        .isEqualTo(new AuthResults("fail", "none", "fail", "sender.example"));
    assertThat(stored.getFirst().text())
        .contains("dmarc=fail (p=reject) header.from=sender.example");
  }

  @Test
  void forgedInternalSendersFromOutsideAreRefusedAndLogged() throws Exception {
    String token = token();
    // MAIL FROM claims the hosted domain, SPF for it fails from this address.
    String envelopeForgery =
        sendRaw(
            "127.0.0.14",
            "ceo@musubi.test",
            "alice@musubi.test",
            "From: ceo@musubi.test\r\nSubject: " + token + "a\r\n\r\nx\r\n");
    // MAIL FROM is a real outside domain (SPF pass), but From: claims the hosted domain.
    String headerForgery =
        sendRaw(
            "127.0.0.14",
            "x@sender.example",
            "alice@musubi.test",
            "From: \"CEO\" <ceo@musubi.test>\r\nSubject: " + token + "b\r\n\r\nx\r\n");

    assertThat(envelopeForgery).startsWith("550 5.7.1");
    assertThat(headerForgery).startsWith("550 5.7.1");
    assertThat(storedWith(token)).isEmpty();
    assertThat(inbound.refusals)
        .filteredOn(r -> r.envelope().remoteAddress().equals("127.0.0.14"))
        .extracting(RecordingMailInbound.Refusal::reason)
        .containsExactly("forged-sender", "forged-sender");

    // From the address the hosted domain's SPF names, the same sender is genuine.
    String genuine =
        sendRaw(
            "127.0.0.9",
            "ceo@musubi.test",
            "alice@musubi.test",
            "From: ceo@musubi.test\r\nSubject: " + token + "c\r\n\r\nx\r\n");
    assertThat(genuine).startsWith("250 2.0.0");
  }

  @Test
  void storeRefusalsAndFailuresReachTheClientAndNothingIsAcknowledged() throws Exception {
    String token = token();
    assertThat(
            sendRaw(
                "127.0.0.11",
                "a@sender.example",
                "full@musubi.test",
                "Subject: " + token + "\r\n\r\nx\r\n"))
        .isEqualTo("452 4.2.2 Mailbox full");
    assertThat(
            sendRaw(
                "127.0.0.11",
                "a@sender.example",
                "policy@musubi.test",
                "Subject: " + token + "\r\n\r\nx\r\n"))
        .isEqualTo("550 5.7.1 Refused by company policy");
    assertThat(
            sendRaw(
                "127.0.0.11",
                "a@sender.example",
                "broken@musubi.test",
                "Subject: " + token + "\r\n\r\nx\r\n"))
        .isEqualTo("451 4.3.0 Temporary failure, try again later");
    assertThat(storedWith(token)).isEmpty();
  }

  @Test
  void startTlsDropsCommandsPipelinedBeforeTheHandshake() throws Exception {
    try (var wire = new SmtpWire("127.0.0.10", port())) {
      assertThat(wire.last()).startsWith("220 ");
      wire.line("EHLO tls.sender.example");
      assertThat(wire.reply()).anyMatch(line -> line.matches("250[- ]STARTTLS"));
      // RFC 3207 §6: a NOOP injected after STARTTLS in the clear must not run inside TLS.
      wire.send("STARTTLS\r\nNOOP\r\n");
      assertThat(wire.last()).isEqualTo("220 2.0.0 Ready to start TLS");
      var tls =
          (SSLSocket)
              trustAll()
                  .getSocketFactory()
                  .createSocket(wire.socket, "mx.musubi.test", port(), true);
      tls.startHandshake();
      wire.useSocket(tls);
      wire.line("MAIL FROM:<a@sender.example>");
      assertThat(wire.last()).isEqualTo("503 5.5.1 Send EHLO or HELO first");
      wire.line("EHLO tls.sender.example");
      var ehlo = wire.reply();
      assertThat(ehlo.getFirst()).isEqualTo("250-mx.musubi.test Hello tls.sender.example");
      assertThat(ehlo).noneMatch(line -> line.contains("STARTTLS"));
      wire.line("QUIT");
      assertThat(wire.last()).startsWith("221 2.0.0");
    }
  }

  @Test
  void unknownRecipientsAreThrottledPerClientAddress() throws Exception {
    try {
      try (var wire = new SmtpWire("127.0.0.7", port())) {
        wire.reply();
        wire.line("EHLO probe.example");
        wire.reply();
        wire.line("MAIL FROM:<probe@other.example>");
        assertThat(wire.last()).startsWith("250 2.1.0");
        for (String guess : List.of("admin", "info", "sales")) {
          wire.line("RCPT TO:<" + guess + "@musubi.test>");
          assertThat(wire.last()).isEqualTo("550 5.1.1 No such user here");
        }
        wire.line("RCPT TO:<bob@musubi.test>");
        assertThat(wire.last()).startsWith("421 4.7.1");
        assertThat(wire.readLine()).isNull();
      }
      // A new connection from the same address is still throttled, another address is not.
      assertThat(rcptFrom("127.0.0.7", "bob@musubi.test")).startsWith("421 4.7.1");
      assertThat(rcptFrom("127.0.0.15", "bob@musubi.test")).startsWith("250 2.1.5");
      clock.advance(Duration.ofMinutes(11));
      assertThat(rcptFrom("127.0.0.7", "bob@musubi.test")).startsWith("250 2.1.5");
    } finally {
      clock.reset();
    }
  }

  @Test
  void connectionsBeyondThePerAddressLimitGet421() throws Exception {
    var open = new ArrayList<SmtpWire>();
    try {
      for (int i = 0; i < 4; i++) {
        var wire = new SmtpWire("127.0.0.8", port());
        open.add(wire);
        assertThat(wire.last()).startsWith("220 ");
      }
      try (var extra = new SmtpWire("127.0.0.8", port())) {
        assertThat(extra.readLine()).startsWith("421 4.7.0");
        assertThat(extra.readLine()).isNull();
      }
      try (var other = new SmtpWire("127.0.0.16", port())) {
        assertThat(other.last()).startsWith("220 ");
      }
    } finally {
      for (var wire : open) {
        wire.close();
      }
    }
    // Closed connections free their slots.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              try (var again = new SmtpWire("127.0.0.8", port())) {
                assertThat(again.readLine()).startsWith("220 ");
              }
            });
  }

  @Test
  void healthAndMetricsReportTheServer() throws Exception {
    sendRaw("127.0.0.17", "m@sender.example", "frank@musubi.test", "Subject: metrics\r\n\r\nx\r\n");
    assertThat(smtpHealth.health().getStatus()).isEqualTo(Status.UP);
    assertThat(smtpHealth.health().getDetails()).containsEntry("port", port());
    // The overall status stays UP with the server in it.
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/actuator/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.body()).contains("\"status\":\"UP\"");
    assertThat(meters.get("musubi.smtp.messages").tag("result", "accepted").counter().count())
        .isPositive();
    assertThat(meters.get("musubi.smtp.sessions").gauge().value()).isNotNegative();
  }

  /** One whole transaction on a raw socket; returns the reply to the end of DATA. */
  private String sendRaw(String sourceIp, String from, String to, String message) throws Exception {
    try (var wire = new SmtpWire(sourceIp, port())) {
      wire.reply();
      wire.line("EHLO client.sender.example");
      wire.reply();
      wire.line("MAIL FROM:<" + from + ">");
      assertThat(wire.last()).startsWith("250");
      wire.line("RCPT TO:<" + to + ">");
      assertThat(wire.last()).startsWith("250");
      wire.line("DATA");
      assertThat(wire.last()).startsWith("354");
      wire.send(message + ".\r\n");
      String reply = wire.last();
      wire.line("QUIT");
      return reply;
    }
  }

  private String rcptFrom(String sourceIp, String to) throws Exception {
    try (var wire = new SmtpWire(sourceIp, port())) {
      wire.reply();
      wire.line("EHLO probe.example");
      wire.reply();
      wire.line("MAIL FROM:<probe@other.example>");
      wire.reply();
      wire.line("RCPT TO:<" + to + ">");
      return wire.last();
    }
  }

  private static String run(String... command) throws Exception {
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String(output, StandardCharsets.UTF_8);
  }

  private static SSLContext trustAll() throws Exception {
    return TestTls.trustAll();
  }
}
