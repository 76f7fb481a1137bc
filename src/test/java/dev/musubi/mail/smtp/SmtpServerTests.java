package dev.musubi.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.mail.MailInbound;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.health.contributor.Status;

class SmtpServerTests {

  private static SmtpProperties properties(Boolean enabled) {
    return new SmtpProperties(
        enabled,
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
        null);
  }

  @Test
  void withoutAMailboxStoreTheServerDoesNotListenAndHealthIsUnknown() {
    var server =
        new SmtpServer(
            properties(true),
            new StaticListableBeanFactory().getBeanProvider(MailInbound.class),
            new MapDnsService(),
            Clock.systemUTC(),
            new SimpleMeterRegistry());

    server.start();

    assertThat(server.isRunning()).isFalse();
    assertThat(server.port()).isEqualTo(-1);
    assertThat(server.notStartedReason()).contains("MailInbound");
    assertThat(new SmtpHealthIndicator(server).health().getStatus()).isEqualTo(Status.UNKNOWN);
  }

  @Test
  void disabledServerDoesNotListenEvenWithAStore() {
    var beans = new StaticListableBeanFactory();
    beans.addBean("inbound", new RecordingMailInbound());
    var server =
        new SmtpServer(
            properties(false),
            beans.getBeanProvider(MailInbound.class),
            new MapDnsService(),
            Clock.systemUTC(),
            new SimpleMeterRegistry());

    server.start();

    assertThat(server.isRunning()).isFalse();
    assertThat(server.notStartedReason()).contains("disabled");
  }

  @Test
  void storeRefusalsKeepTheirEnhancedCodeAndClass() {
    assertThat(
            SmtpSession.rejection(
                    new MailInbound.MailRejectedException(true, "5.2.2", "Mailbox full"))
                .toString())
        .isEqualTo("552 5.2.2 Mailbox full");
    assertThat(
            SmtpSession.rejection(
                    new MailInbound.MailRejectedException(false, "4.7.0", "Try later"))
                .toString())
        .isEqualTo("451 4.7.0 Try later");
    // A code of the wrong class or shape is replaced, and the text cannot break the reply.
    assertThat(
            SmtpSession.rejection(
                    new MailInbound.MailRejectedException(false, "5.7.1", "bad\r\n250 OK"))
                .toString())
        .isEqualTo("451 4.7.1 bad  250 OK");
  }
}
