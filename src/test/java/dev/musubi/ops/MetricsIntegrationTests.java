package dev.musubi.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Health probes for the orchestrator; metrics only for the operator (no network configured). */
@MusubiIntegrationTest
class MetricsIntegrationTests {

  @LocalServerPort int port;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @Test
  void livenessAndReadinessAreOpenAndSayUp() {
    ApiClient anonymous = fixtures.client();
    for (String path :
        new String[] {
          "/actuator/health",
          "/actuator/health/liveness",
          "/actuator/health/readiness",
          "/livez",
          "/readyz"
        }) {
      ApiClient.Response r = anonymous.get(path);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).contains("\"UP\"");
      // No details (database, disk) for anonymous callers.
      assertThat(r.body()).as(path).doesNotContain("diskSpace").doesNotContain("H2");
    }
  }

  @Test
  void prometheusMetricsAreForTheOperatorOnly() {
    ApiClient anonymous = fixtures.client();
    assertThat(anonymous.get("/actuator/prometheus").status()).isEqualTo(401);
    Fixtures.TestCompany company = fixtures.company();
    assertThat(company.admin().get("/actuator/prometheus").status()).isEqualTo(403);

    ApiClient operator = fixtures.operator();
    ApiClient.Response r = operator.header("Accept", "text/plain").get("/actuator/prometheus");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body())
        .contains("http_server_requests_seconds_bucket")
        .contains("jvm_memory_used_bytes")
        .contains("hikaricp_connections_active")
        .contains("musubi_websocket_connections")
        .contains("musubi_mail_queue_length")
        .contains("musubi_mail_queue_oldest_age_seconds")
        .contains("musubi_blob_errors_total{operation=\"read\"}")
        .contains("musubi_smtp_sessions");
  }

  @Test
  void everyScheduledJobRunIsCounted() {
    ApiClient operator = fixtures.operator();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(
                        operator.header("Accept", "text/plain").get("/actuator/prometheus").body())
                    .contains("tasks_scheduled_execution_seconds_count"));
  }
}
