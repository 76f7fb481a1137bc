package dev.musubi.mail.smtp;

import dev.musubi.testing.MusubiIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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

  static final String KEY_STORE_PASSWORD = "smtp-test-store";
  static final Path KEY_STORE = selfSignedKeyStore();

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

  /** A PKCS12 key store with a self-signed certificate for mx.musubi.test, made by keytool. */
  private static Path selfSignedKeyStore() {
    try {
      Path dir = Files.createTempDirectory("musubi-smtp-tls");
      Path store = dir.resolve("smtp.p12");
      var keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      var process =
          new ProcessBuilder(
                  keytool,
                  "-genkeypair",
                  "-alias",
                  "smtp",
                  "-keyalg",
                  "EC",
                  "-groupname",
                  "secp256r1",
                  "-dname",
                  "CN=mx.musubi.test",
                  "-validity",
                  "2",
                  "-ext",
                  "SAN=dns:mx.musubi.test,ip:127.0.0.1",
                  "-storetype",
                  "PKCS12",
                  "-keystore",
                  store.toString(),
                  "-storepass",
                  KEY_STORE_PASSWORD,
                  "-keypass",
                  KEY_STORE_PASSWORD)
              .redirectErrorStream(true)
              .start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + new String(output));
      }
      return store;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
