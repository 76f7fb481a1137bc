package dev.musubi.mail.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.musubi.mail.TestSmarthost;
import dev.musubi.mail.TestSmarthost.Received;
import dev.musubi.mail.internal.OutboundSender;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Mail clients nobody here wrote send through submission: Angus Mail, python's smtplib, curl and
 * swaks. Local recipients get the message in their Inbox, remote ones through the outbound queue
 * and the test smarthost, the sender's Sent keeps a copy, and Bcc is never shown to recipients.
 */
class SubmissionClientsIntegrationTests extends SubmissionIntegrationTestBase {

  static TestSmarthost smarthost;
  static List<Received> received;

  @Autowired OutboundSender sender;
  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;
  @Autowired dev.musubi.mail.imap.ImapServer imapServer;

  @Autowired
  @Qualifier("submissionHealthIndicator")
  HealthIndicator submissionHealth;

  @TempDir Path dir;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  Fixtures.TestMember tanaka;
  Fixtures.TestMember suzuki;

  @BeforeAll
  static void startSmarthost() {
    smarthost = TestSmarthost.start(recipient -> true);
    received = smarthost.received();
  }

  @AfterAll
  static void stopSmarthost() {
    smarthost.close();
  }

  @BeforeEach
  void company() {
    fixtures = new Fixtures(httpPort);
    company = fixtures.company();
    tanaka = fixtures.member(company, "tanaka");
    suzuki = fixtures.member(company, "suzuki");
    received.clear();
  }

  String tanakaAddress() {
    return "tanaka@" + company.domain();
  }

  String suzukiAddress() {
    return "suzuki@" + company.domain();
  }

  /** The items of a member's folder with the given role, newest first. */
  static List<JsonNode> items(ApiClient member, String role) {
    for (JsonNode f : member.get("/api/v1/mail/folders").json()) {
      if (f.hasNonNull("role") && role.equals(f.get("role").asString())) {
        var out = new ArrayList<JsonNode>();
        member
            .get("/api/v1/mail/folders/" + f.get("id").asString() + "/messages")
            .json()
            .get("items")
            .forEach(out::add);
        return out;
      }
    }
    throw new AssertionError("no folder " + role);
  }

  /** The one message with this subject in the folder, read in full. */
  static JsonNode message(ApiClient member, String role, String subject) {
    List<JsonNode> matching =
        items(member, role).stream()
            .filter(item -> item.get("subject").asString().equals(subject))
            .toList();
    assertThat(matching).as(role + " " + subject).hasSize(1);
    return member.get("/api/v1/mail/messages/" + matching.getFirst().get("id").asString()).json();
  }

  List<Received> deliveredOutside(int expected) {
    sender.runOnce();
    await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= expected);
    return List.copyOf(received);
  }

  String rawMessage(String subject, boolean withBcc) {
    return "From: Tanaka <"
        + tanakaAddress()
        + ">\r\n"
        + "To: "
        + suzukiAddress()
        + "\r\n"
        + "Cc: partner@outside.example\r\n"
        + (withBcc ? "Bcc: hidden@outside.example,\r\n secret@outside.example\r\n" : "")
        + "Subject: "
        + subject
        + "\r\n"
        + "Message-ID: <"
        + UUID.randomUUID()
        + "@client.example>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n"
        + "Content-Transfer-Encoding: 8bit\r\n"
        + "\r\n"
        + "よろしくお願いします。\r\n"
        + "Bcc: this line is body text and stays\r\n";
  }

  @Test
  void angusMailSendsOverStartTlsWithAuthToMembersAndOutside() throws Exception {
    var props = new Properties();
    props.put("mail.smtp.host", "127.0.0.1");
    props.put("mail.smtp.port", String.valueOf(server.port()));
    props.put("mail.smtp.localaddress", nextAddress());
    props.put("mail.smtp.auth", "true");
    props.put("mail.smtp.auth.mechanisms", "PLAIN");
    props.put("mail.smtp.starttls.enable", "true");
    props.put("mail.smtp.starttls.required", "true");
    props.put("mail.smtp.ssl.trust", "*");
    var session = Session.getInstance(props);
    var message = new MimeMessage(session);
    message.setFrom(new InternetAddress(tanakaAddress(), "田中", "UTF-8"));
    message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(suzukiAddress()));
    message.setRecipients(
        Message.RecipientType.CC, InternetAddress.parse("partner@outside.example"));
    message.setRecipients(
        Message.RecipientType.BCC, InternetAddress.parse("hidden@outside.example"));
    message.setSubject("Angus 見積", "UTF-8");
    message.setText("お見積りをお送りします。", "UTF-8");
    Transport.send(message, tanaka.loginId(), Fixtures.PASSWORD);

    JsonNode got = message(suzuki.client(), "inbox", "Angus 見積");
    assertThat(got.get("from").get("address").asString()).isEqualTo(tanakaAddress());
    assertThat(got.get("text").asString()).contains("お見積りをお送りします。");
    assertThat(got.has("bcc") && got.get("bcc").size() > 0).isFalse();
    JsonNode sent = message(tanaka.client(), "sent", "Angus 見積");
    assertThat(sent.get("to").get(0).get("address").asString()).isEqualTo(suzukiAddress());

    List<Received> outside = deliveredOutside(2);
    assertThat(outside)
        .extracting(Received::to)
        .containsExactlyInAnyOrder("partner@outside.example", "hidden@outside.example");
    assertThat(outside).extracting(Received::from).containsOnly(tanakaAddress());
    assertThat(new String(outside.getFirst().data(), StandardCharsets.UTF_8))
        .doesNotContain("hidden@outside.example")
        .contains("DKIM-Signature:");
  }

  @Test
  void pythonSmtplibLogsInAfterStartTlsAndBccIsRemovedForRecipientsButKeptInSent()
      throws Exception {
    Path mail = dir.resolve("message.eml");
    Files.writeString(mail, rawMessage("Python 週報", true), StandardCharsets.UTF_8);
    Path script = dir.resolve("send.py");
    Files.writeString(
        script,
        """
        import smtplib, ssl, sys
        host, port, source, user, password, sender, path = sys.argv[1:8]
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with open(path, 'rb') as f:
            data = f.read()
        with smtplib.SMTP(host, int(port), source_address=(source, 0), timeout=30) as s:
            s.starttls(context=context)
            s.login(user, password)
            refused = s.sendmail(sender, sys.argv[8:], data)
            print('refused', refused)
        """);
    String out =
        run(
            dir,
            "python3",
            script.toString(),
            "127.0.0.1",
            String.valueOf(server.port()),
            nextAddress(),
            tanaka.loginId(),
            Fixtures.PASSWORD,
            tanakaAddress(),
            mail.toString(),
            suzukiAddress(),
            "partner@outside.example",
            "hidden@outside.example",
            "secret@outside.example");
    assertThat(out).contains("refused {}");

    JsonNode got = message(suzuki.client(), "inbox", "Python 週報");
    assertThat(got.has("bcc") && got.get("bcc").size() > 0).isFalse();
    assertThat(got.get("text").asString()).contains("Bcc: this line is body text and stays");
    JsonNode sent = message(tanaka.client(), "sent", "Python 週報");
    assertThat(sent.get("bcc"))
        .extracting(b -> b.get("address").asString())
        .containsExactlyInAnyOrder("hidden@outside.example", "secret@outside.example");

    List<Received> outside = deliveredOutside(3);
    assertThat(outside)
        .extracting(Received::to)
        .containsExactlyInAnyOrder(
            "partner@outside.example", "hidden@outside.example", "secret@outside.example");
    for (Received r : outside) {
      String text = new String(r.data(), StandardCharsets.UTF_8);
      assertThat(text).doesNotContainIgnoringCase("\nBcc: hidden").doesNotContain("secret@");
      assertThat(text).contains("Bcc: this line is body text and stays");
    }
  }

  @Test
  void pythonSmtplibSendsOnTheImplicitTlsPortWithAnAppPassword() throws Exception {
    String app = appPassword(tanaka.client(), List.of("read", "write"));
    Path mail = dir.resolve("message.eml");
    Files.writeString(mail, rawMessage("Implicit TLS", false), StandardCharsets.UTF_8);
    Path script = dir.resolve("send_ssl.py");
    Files.writeString(
        script,
        """
        import smtplib, ssl, sys
        host, port, source, user, password, sender, path, rcpt = sys.argv[1:9]
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with open(path, 'rb') as f:
            data = f.read()
        with smtplib.SMTP_SSL(host, int(port), source_address=(source, 0), context=context,
                              timeout=30) as s:
            s.login(user, password)
            print('refused', s.sendmail(sender, [rcpt], data))
        """);
    assertThat(server.tlsPort()).isPositive();
    String out =
        run(
            dir,
            "python3",
            script.toString(),
            "127.0.0.1",
            String.valueOf(server.tlsPort()),
            nextAddress(),
            tanaka.loginId(),
            app,
            tanakaAddress(),
            mail.toString(),
            suzukiAddress());
    assertThat(out).contains("refused {}");
    assertThat(
            message(suzuki.client(), "inbox", "Implicit TLS").get("from").get("address").asString())
        .isEqualTo(tanakaAddress());
  }

  @Test
  void pythonSmtplibMayLogInWithoutTlsOnLoopbackWhenTheOperatorAllowsIt() throws Exception {
    var plaintext =
        new SubmissionProperties(
            true, 0, null, "127.0.0.1", true, null, null, null, null, null, null, null, null);
    var loopback =
        new SubmissionServer(
            plaintext,
            new dev.musubi.mail.smtp.SmtpProperties(
                true,
                0,
                "127.0.0.1",
                "mx.musubi.test",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null),
            server.logins(),
            server.sending(),
            server.domains(),
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    loopback.start();
    try {
      Path mail = dir.resolve("message.eml");
      Files.writeString(mail, rawMessage("Loopback", false), StandardCharsets.UTF_8);
      Path script = dir.resolve("send_plain.py");
      Files.writeString(
          script,
          """
          import smtplib, sys
          host, port, user, password, sender, path, rcpt = sys.argv[1:8]
          with open(path, 'rb') as f:
              data = f.read()
          with smtplib.SMTP(host, int(port), timeout=30) as s:
              s.ehlo()
              print('tls offered', s.has_extn('starttls'))
              s.login(user, password)
              print('refused', s.sendmail(sender, [rcpt], data))
          """);
      String out =
          run(
              dir,
              "python3",
              script.toString(),
              "127.0.0.1",
              String.valueOf(loopback.port()),
              tanaka.loginId(),
              Fixtures.PASSWORD,
              tanakaAddress(),
              mail.toString(),
              suzukiAddress());
      assertThat(out).contains("tls offered False").contains("refused {}");
      assertThat(message(suzuki.client(), "inbox", "Loopback")).isNotNull();
    } finally {
      loopback.stop();
    }
  }

  @Test
  void curlUploadsAMessageWithUserAndMailFromAndRcpt() throws Exception {
    Path mail = dir.resolve("curl.eml");
    Files.writeString(mail, rawMessage("curl 連絡", false), StandardCharsets.UTF_8);
    String out =
        run(
            dir,
            "curl",
            "-sS",
            "--ssl-reqd",
            "--insecure",
            "--interface",
            nextAddress(),
            "--max-time",
            "60",
            "smtp://127.0.0.1:" + server.port(),
            "--user",
            tanaka.loginId() + ":" + Fixtures.PASSWORD,
            "--mail-from",
            tanakaAddress(),
            "--mail-rcpt",
            suzukiAddress(),
            "--mail-rcpt",
            "partner@outside.example",
            "--upload-file",
            mail.toString());
    assertThat(out).isEmpty();
    assertThat(message(suzuki.client(), "inbox", "curl 連絡").get("text").asString())
        .contains("よろしくお願いします。");
    assertThat(items(tanaka.client(), "sent")).hasSize(1);
    List<Received> outside = deliveredOutside(1);
    assertThat(outside).extracting(Received::to).containsExactly("partner@outside.example");
    // RFC 6409 §8.3: the client wrote no Date, so the server added one; its Message-ID is kept.
    String header = new String(outside.get(0).data(), StandardCharsets.UTF_8).split("\r\n\r\n")[0];
    assertThat(header)
        .containsPattern("(?m)^Date: \\w{3}, \\d{1,2} \\w{3} \\d{4} [0-9:]{8} \\+0000\r?$");
    assertThat(header.split("(?im)^Message-ID:", -1)).hasSize(2);
    assertThat(header).contains("@client.example>");
  }

  @Test
  void swaksSignsInWithAuthPlainAndAuthLogin() throws Exception {
    for (String mechanism : List.of("PLAIN", "LOGIN")) {
      Path mail = dir.resolve("swaks-" + mechanism + ".eml");
      Files.writeString(mail, rawMessage("swaks " + mechanism, false), StandardCharsets.UTF_8);
      String out =
          run(
              dir,
              "swaks",
              "--server",
              "127.0.0.1:" + server.port(),
              "--local-interface",
              nextAddress(),
              "--tls",
              "--auth",
              mechanism,
              "--auth-user",
              tanaka.loginId(),
              "--auth-password",
              Fixtures.PASSWORD,
              "--from",
              tanakaAddress(),
              "--to",
              suzukiAddress(),
              "--data",
              mail.toString(),
              "--timeout",
              "60");
      assertThat(out).contains("235 2.7.0").contains("250 2.0.0");
      assertThat(message(suzuki.client(), "inbox", "swaks " + mechanism)).isNotNull();
    }
    assertThat(items(tanaka.client(), "sent")).hasSize(2);
  }

  @Test
  void healthAndMetricsReportTheServer() throws Exception {
    try (var wire = secureWire(nextAddress())) {
      assertThat(authPlain(wire, tanaka.loginId(), Fixtures.PASSWORD)).startsWith("235");
      wire.line("MAIL FROM:<" + tanakaAddress() + ">");
      assertThat(wire.last()).startsWith("250");
      wire.line("RCPT TO:<" + suzukiAddress() + ">");
      assertThat(wire.last()).startsWith("250");
      wire.line("DATA");
      assertThat(wire.last()).startsWith("354");
      wire.send(rawMessage("metrics", false) + ".\r\n");
      assertThat(wire.last()).startsWith("250 2.0.0");
    }
    var health = submissionHealth.health();
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails())
        .containsEntry("port", server.port())
        .containsEntry("tlsPort", server.tlsPort())
        .containsEntry("starttls", true);
    assertThat(meters.get("musubi.submission.messages").tag("result", "sent").counter().count())
        .isPositive();
    assertThat(meters.get("musubi.submission.sessions").gauge().value()).isNotNegative();
    // In the readiness group, which stays UP with it.
    assertThat(fixtures.client().get("/readyz").body()).contains("\"UP\"");
  }

  @Test
  void myAccountNamesTheServerAndTheBoundPortsForMailApps() {
    JsonNode settings = tanaka.client().get("/api/v1/me/mail-client-settings").json();
    assertThat(settings.get("host").asString()).isEqualTo("mx.musubi.test");
    assertThat(settings.get("loginId").asString()).isEqualTo(tanaka.loginId());
    assertThat(settings.get("imapPort").asInt()).isEqualTo(imapServer.port());
    assertThat(settings.get("submissionPort").asInt()).isEqualTo(server.port());
    assertThat(settings.get("submissionTlsPort").asInt()).isEqualTo(server.tlsPort());
    assertThat(settings.get("startTls").asBoolean()).isTrue();
    assertThat(fixtures.client().get("/api/v1/me/mail-client-settings").status()).isEqualTo(401);
  }

  @Autowired SubmissionProperties properties;
  @Autowired dev.musubi.mail.smtp.SmtpProperties smtpProperties;
  @Autowired dev.musubi.identity.ProtocolLogins logins;
  @Autowired dev.musubi.mail.MailSending sending;
  @Autowired dev.musubi.mail.MailDomains domains;

  @Test
  void stoppingSendsTheMessageOnItsWayAndTellsIdleClientsToComeBack() throws Exception {
    // A server of its own, so that the suite's shared one keeps running.
    var own =
        new SubmissionServer(
            properties,
            smtpProperties,
            logins,
            sending,
            domains,
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    own.start();
    int port = own.port();
    String subject = "stopping " + UUID.randomUUID();
    try (var wire = secureWire(nextAddress(), port);
        var idle = secureWire(nextAddress(), port)) {
      assertThat(authPlain(wire, tanaka.loginId(), Fixtures.PASSWORD)).startsWith("235");
      for (String[] step :
          new String[][] {
            {"MAIL FROM:<" + tanakaAddress() + ">", "250"},
            {"RCPT TO:<" + suzukiAddress() + ">", "250"},
            {"DATA", "354"}
          }) {
        wire.line(step[0]);
        assertThat(wire.last()).as(step[0]).startsWith(step[1]);
      }
      String message = rawMessage(subject, false);
      int half = message.indexOf("\r\n\r\n");
      wire.send(message.substring(0, half));

      var stopping = java.util.concurrent.CompletableFuture.runAsync(own::stop);
      // The idle client hears 421 and the connection ends; nobody new gets in.
      assertThat(idle.last()).startsWith("421 4.3.2");
      assertThat(idle.readLine()).isNull();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                try (var probe = new java.net.Socket("127.0.0.1", port)) {
                  return false;
                } catch (java.net.ConnectException refused) {
                  return true;
                }
              });
      assertThat(stopping).isNotDone();

      // The message on its way is still sent and acknowledged; the next command gets 421.
      wire.send(message.substring(half) + ".\r\n");
      assertThat(wire.last()).startsWith("250");
      wire.line("NOOP");
      assertThat(wire.last()).startsWith("421 4.3.2");
      stopping.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertThat(own.isRunning()).isFalse();
    assertThat(message(suzuki.client(), "inbox", subject).get("subject").asString())
        .isEqualTo(subject);
  }

  @Test
  void aSuspendedMembersOpenConnectionIsClosed() throws Exception {
    try (var wire = secureWire(nextAddress())) {
      assertThat(authPlain(wire, tanaka.loginId(), Fixtures.PASSWORD)).startsWith("235 2.7.0");
      wire.line("NOOP");
      assertThat(wire.last()).startsWith("250");
      ApiClient.Response s =
          company.admin().post("/api/v1/admin/members/" + tanaka.id() + "/suspend", null);
      assertThat(s.status()).as(s.body()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(() -> assertThat(wire.readLine()).isNull());
    }
    try (var again = secureWire(nextAddress())) {
      assertThat(authPlain(again, tanaka.loginId(), Fixtures.PASSWORD)).startsWith("535 5.7.8");
    }
    assertThat(items(suzuki.client(), "inbox")).isEmpty();
  }
}
