package dev.musubi.mail.imap;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code imap}: up while listening, with the ports and open
 * connections; unknown when disabled; down when it should listen but does not.
 */
@Component("imapHealthIndicator")
class ImapHealthIndicator implements HealthIndicator {

  private final ImapServer server;

  ImapHealthIndicator(ImapServer server) {
    this.server = server;
  }

  @Override
  public Health health() {
    if (server.isRunning()) {
      var up =
          Health.up()
              .withDetail("listening", true)
              .withDetail("port", server.port())
              .withDetail("sessions", server.openSessions());
      if (server.tlsPort() >= 0) {
        up.withDetail("tlsPort", server.tlsPort());
      }
      return up.build();
    }
    String reason = server.notStartedReason();
    if (reason != null && !reason.startsWith("cannot listen")) {
      return Health.unknown().withDetail("listening", false).withDetail("reason", reason).build();
    }
    return Health.down()
        .withDetail("listening", false)
        .withDetail("reason", reason == null ? "stopped" : reason)
        .build();
  }
}
