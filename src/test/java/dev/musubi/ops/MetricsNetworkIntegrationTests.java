package dev.musubi.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.TestClockConfiguration;
import dev.musubi.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/** A monitoring server on a configured network reads the metrics without signing in. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "musubi.metrics-networks=127.0.0.0/8")
@ActiveProfiles("test")
@ContextConfiguration(initializers = TestDatabase.class)
@Import(TestClockConfiguration.class)
class MetricsNetworkIntegrationTests {

  @LocalServerPort int port;

  @Test
  void aListedNetworkReadsMetricsButNothingElseOfTheActuator() {
    ApiClient monitor = new ApiClient(port);
    ApiClient.Response r = monitor.header("Accept", "text/plain").get("/actuator/prometheus");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("jvm_memory_used_bytes");
    assertThat(monitor.get("/actuator/env").status()).isIn(401, 403, 404);
  }
}
