package dev.musubi.mail.imap;

import dev.musubi.mail.MailInbound;
import dev.musubi.mail.TestDeliveries;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A running Musubi with the IMAP server on ephemeral loopback ports (plain with STARTTLS, and
 * implicit TLS) using a fresh self-signed key, and tight limits so that tests reach them quickly.
 */
@MusubiIntegrationTest
abstract class ImapIntegrationTestBase {

  static final String KEY_STORE_PASSWORD = "imap-test-store";
  static final Path KEY_STORE =
      dev.musubi.mail.smtp.TestTls.selfSignedKeyStore("imap.musubi.test", KEY_STORE_PASSWORD);
  private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(10);

  @DynamicPropertySource
  static void imapProperties(DynamicPropertyRegistry registry) {
    registry.add("musubi.imap.tls.key-store", KEY_STORE::toString);
    registry.add("musubi.imap.tls.key-store-password", () -> KEY_STORE_PASSWORD);
    registry.add("musubi.imap.max-bad-commands", () -> "5");
    registry.add("musubi.imap.max-connections-per-member", () -> "4");
    registry.add("musubi.imap.max-connections-per-address", () -> "6");
    registry.add("musubi.imap.max-line-length", () -> "8192");
    registry.add("musubi.imap.login-timeout", () -> "10s");
  }

  @LocalServerPort int httpPort;
  @Autowired ImapServer server;
  @Autowired MailInbound inbound;

  int port() {
    return server.port();
  }

  /** A fresh 127.x source address, so per-IP limits of one test do not touch another. */
  static String nextSource() {
    int n = NEXT_ADDRESS.getAndIncrement();
    return "127.0." + (n / 250) + "." + (2 + n % 250);
  }

  Fixtures fixtures() {
    return new Fixtures(httpPort);
  }

  ImapWire signedIn(Fixtures.TestMember member) throws IOException {
    var wire = new ImapWire(nextSource(), port());
    wire.readLine();
    List<String> reply =
        wire.command("L1", "LOGIN \"" + member.loginId() + "\" \"" + Fixtures.PASSWORD + "\"");
    if (!reply.getLast().startsWith("L1 OK")) {
      throw new IllegalStateException("LOGIN failed: " + reply);
    }
    return wire;
  }

  void deliver(String to, String subject, String body) throws Exception {
    deliverRaw(
        to,
        ("From: 送信者 <sender@outside.example>\r\nTo: "
                + to
                + "\r\nSubject: "
                + subject
                + "\r\nDate: Mon, 2 Mar 2026 10:00:00 +0900\r\nMessage-ID: <"
                + System.nanoTime()
                + "@outside.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain;"
                + " charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + body
                + "\r\n")
            .getBytes(StandardCharsets.UTF_8));
  }

  void deliverRaw(String to, byte[] raw) throws Exception {
    new TestDeliveries(inbound).deliverRaw("sender@outside.example", to, raw);
  }
}
