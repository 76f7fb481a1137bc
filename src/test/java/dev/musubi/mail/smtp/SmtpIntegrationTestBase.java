package dev.musubi.mail.smtp;

import dev.musubi.testing.MusubiIntegrationTest;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A running Musubi with the SMTP server on an ephemeral loopback port, tight limits so that tests
 * reach them quickly, STARTTLS with a fresh self-signed key, the store double and test DNS.
 */
@MusubiIntegrationTest
@Import(SmtpTestConfiguration.class)
abstract class SmtpIntegrationTestBase {

  static final String KEY_STORE_PASSWORD = TestTls.KEY_STORE_PASSWORD;
  static final Path KEY_STORE = TestTls.selfSignedKeyStore();

  @DynamicPropertySource
  static void smtpProperties(DynamicPropertyRegistry registry) {
    registry.add("musubi.smtp.tls.key-store", KEY_STORE::toString);
    registry.add("musubi.smtp.tls.key-store-password", () -> KEY_STORE_PASSWORD);
    registry.add("musubi.smtp.max-message-size", () -> "64KB");
    registry.add("musubi.smtp.max-recipients", () -> "5");
    registry.add("musubi.smtp.max-commands-without-mail", () -> "10");
    registry.add("musubi.smtp.max-connections-per-address", () -> "4");
    registry.add("musubi.smtp.command-timeout", () -> "3s");
    registry.add("musubi.smtp.unknown-recipient-limit", () -> "3");
  }

  @Autowired SmtpServer server;
  @Autowired RecordingMailInbound inbound;
  @Autowired MapDnsService dns;

  int port() {
    return server.port();
  }
}
