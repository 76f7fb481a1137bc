package dev.musubi.mail.submission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.mail.smtp.SmtpWire;
import dev.musubi.mail.smtp.TestTls;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A running Musubi with submission on ephemeral loopback ports: STARTTLS and implicit TLS with a
 * fresh self-signed key, AUTH refused in the clear even on loopback (so that the TLS rule is
 * tested), two connections per member.
 */
@MusubiIntegrationTest
abstract class SubmissionIntegrationTestBase {

  static final Path KEY_STORE = TestTls.selfSignedKeyStore();
  private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(10);

  @DynamicPropertySource
  static void submissionProperties(DynamicPropertyRegistry registry) {
    registry.add("musubi.smtp.tls.key-store", KEY_STORE::toString);
    registry.add("musubi.smtp.tls.key-store-password", () -> TestTls.KEY_STORE_PASSWORD);
    registry.add("musubi.submission.tls-port", () -> "0");
    registry.add("musubi.submission.allow-plaintext-loopback", () -> "false");
    registry.add("musubi.submission.max-connections-per-member", () -> "2");
    registry.add("musubi.submission.command-timeout", () -> "20s");
  }

  @LocalServerPort int httpPort;
  @Autowired SubmissionServer server;

  /** A fresh 127.0.0.x source address, so that tests do not share per-address limits. */
  static String nextAddress() {
    return "127.0.1." + NEXT_ADDRESS.getAndIncrement();
  }

  /** A raw connection that has done EHLO and STARTTLS (and EHLO again). */
  SmtpWire secureWire(String source) throws Exception {
    return secureWire(source, server.port());
  }

  /** As {@link #secureWire(String)}, to the submission port {@code port}. */
  static SmtpWire secureWire(String source, int port) throws Exception {
    var wire = new SmtpWire(source, port);
    assertThat(wire.readLine()).startsWith("220 ");
    wire.line("EHLO client.example");
    assertThat(wire.reply()).anyMatch(line -> line.matches("250[- ]STARTTLS"));
    wire.line("STARTTLS");
    assertThat(wire.readLine()).startsWith("220 2.0.0");
    var secure =
        (SSLSocket)
            TestTls.trustAll()
                .getSocketFactory()
                .createSocket(wire.socket, "127.0.0.1", port, true);
    secure.startHandshake();
    wire.useSocket(secure);
    wire.line("EHLO client.example");
    assertThat(wire.reply()).anyMatch(line -> line.matches("250[- ]AUTH PLAIN LOGIN"));
    return wire;
  }

  /** Signs in with AUTH PLAIN and returns the reply's last line. */
  static String authPlain(SmtpWire wire, String loginId, String password) throws IOException {
    wire.line("AUTH PLAIN " + plain(loginId, password));
    return wire.last();
  }

  static String plain(String loginId, String password) {
    return Base64.getEncoder()
        .encodeToString(("\0" + loginId + "\0" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** An app password for mail (read and write) made in My account. */
  static String appPassword(ApiClient member, List<String> scopes) {
    ApiClient.Response token =
        member.post("/api/v1/me/tokens", Map.of("name", "Thunderbird", "scopes", scopes));
    assertThat(token.status()).as(token.body()).isEqualTo(201);
    return token.json().get("token").asString();
  }

  static String run(Path dir, String... command) throws Exception {
    var process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    int exit = process.waitFor();
    String text = new String(output, StandardCharsets.UTF_8);
    assertThat(exit).as(String.join(" ", command) + "\n" + text).isZero();
    return text;
  }
}
