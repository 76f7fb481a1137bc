package dev.musubi.mail.smtp;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code smtp}: up while listening, with the port and open
 * connections; unknown when the server was not meant to start (disabled, or no mailbox store),
 * which leaves the overall status alone; down when it should listen but does not.
 */
@Component("smtpHealthIndicator")
class SmtpHealthIndicator implements HealthIndicator {

  private final SmtpServer server;

  SmtpHealthIndicator(SmtpServer server) {
    this.server = server;
  }

  @Override
  public Health health() {
    if (server.isRunning()) {
      return Health.up()
          .withDetail("listening", true)
          .withDetail("port", server.port())
          .withDetail("sessions", server.openSessions())
          .build();
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
