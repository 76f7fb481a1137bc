package dev.musubi.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

class ProblemHandlerTests {

  private final ProblemHandler handler = new ProblemHandler();

  @Test
  void aPoolThatStayedBusyIsA503WithRetryAfterNotA500() {
    var timedOut =
        new SQLTransientConnectionException("HikariPool-1 - Connection is not available");
    for (Exception e :
        new Exception[] {
          new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection", timedOut),
          new CannotCreateTransactionException("Could not open JDBC Connection", timedOut)
        }) {
      var response = handler.busy(e);
      assertThat(response.getStatusCode().value()).isEqualTo(503);
      assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("5");
      assertThat(response.getBody().getType().toString()).endsWith("busy");
      assertThat(response.getBody().getDetail()).doesNotContain("Hikari", "JDBC");
    }
  }
}
