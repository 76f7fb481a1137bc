package dev.musubi.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.mail.MailInbound;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A graceful stop of the SMTP server: idle connections are told 421 and closed at once, a message
 * whose data is on its way is still received, stored and acknowledged, and nothing new connects.
 */
class SmtpShutdownIntegrationTests extends SmtpIntegrationTestBase {

  @Autowired SmtpProperties properties;
  @Autowired ObjectProvider<MailInbound> store;

  static String last(BufferedReader in) throws Exception {
    String line = in.readLine();
    while (line != null && line.length() > 3 && line.charAt(3) == '-') {
      line = in.readLine();
    }
    return line == null ? "" : line;
  }

  static void send(OutputStream out, String text) throws Exception {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Test
  void stoppingFinishesTheMessageInFlightAndTellsIdleClientsToComeBack() throws Exception {
    // A server of its own, so that the suite's shared one keeps running.
    SmtpServer own =
        new SmtpServer(properties, store, dns, Clock.systemUTC(), new SimpleMeterRegistry());
    own.start();
    int port = own.port();
    String token = "t" + UUID.randomUUID().toString().replace("-", "");

    try (Socket sending = new Socket("127.0.0.1", port, InetAddress.getByName("127.0.0.61"), 0);
        Socket idle = new Socket("127.0.0.1", port, InetAddress.getByName("127.0.0.62"), 0)) {
      sending.setSoTimeout(30_000);
      idle.setSoTimeout(30_000);
      var in =
          new BufferedReader(
              new InputStreamReader(sending.getInputStream(), StandardCharsets.US_ASCII));
      var out = sending.getOutputStream();
      var idleIn =
          new BufferedReader(
              new InputStreamReader(idle.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(last(in)).startsWith("220");
      assertThat(last(idleIn)).startsWith("220");
      send(idle.getOutputStream(), "EHLO idle.example\r\n");
      assertThat(last(idleIn)).startsWith("250");
      for (String[] step :
          new String[][] {
            {"EHLO partner.example", "250"},
            {"MAIL FROM:<news@sender.example>", "250"},
            {"RCPT TO:<alice@musubi.test>", "250"},
            {"DATA", "354"}
          }) {
        send(out, step[0] + "\r\n");
        assertThat(last(in)).as(step[0]).startsWith(step[1]);
      }
      send(
          out,
          "From: <news@sender.example>\r\nTo: <alice@musubi.test>\r\nSubject: "
              + token
              + "\r\n\r\nfirst half\r\n");

      CompletableFuture<Void> stopping = CompletableFuture.runAsync(own::stop);
      // The idle client hears 421 and the connection ends; nobody new gets in.
      assertThat(last(idleIn)).startsWith("421 4.3.2");
      assertThat(idleIn.readLine()).isNull();
      // (the listening socket's close may complete a moment after the stop began)
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(
              () -> {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                  return false;
                } catch (ConnectException refused) {
                  return true;
                }
              });
      assertThat(stopping).isNotDone();

      // The message on its way is still taken in and acknowledged, then the session is closed.
      send(out, "second half " + token + "\r\n.\r\n");
      assertThat(last(in)).startsWith("250");
      send(out, "NOOP\r\n");
      assertThat(last(in)).startsWith("421 4.3.2");
      stopping.get(30, TimeUnit.SECONDS);
    }
    assertThat(own.isRunning()).isFalse();
    assertThat(inbound.stored.stream().filter(s -> s.text().contains(token)).count()).isEqualTo(1);
  }
}
