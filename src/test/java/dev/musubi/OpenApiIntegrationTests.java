package dev.musubi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.MusubiIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@MusubiIntegrationTest
class OpenApiIntegrationTests {

  @LocalServerPort int port;

  @Test
  void theApiIsDescribedByOpenApiAtTheDocumentedPath() {
    ApiClient.Response doc = new ApiClient(port).get("/api/openapi.json");
    assertThat(doc.status()).isEqualTo(200);
    assertThat(doc.json().get("info").get("title").asString()).isEqualTo("Musubi API");
    assertThat(doc.json().get("paths").has("/api/v1/admin/members")).isTrue();
    assertThat(doc.json().get("paths").has("/api/v1/auth/login")).isTrue();
    assertThat(doc.json().get("paths").has("/api/v1/me/export")).isTrue();
    assertThat(doc.json().get("components").get("securitySchemes").has("token")).isTrue();
  }
}
