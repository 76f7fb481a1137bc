package dev.musubi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Changes a company's security policy through the admin API. */
public final class Policies {

  private Policies() {}

  /** Reads the policy, applies the changes and writes it back; asserts that it was accepted. */
  public static JsonNode update(ApiClient admin, Map<String, Object> changes) {
    JsonNode current = admin.get("/api/v1/admin/security-settings").json();
    Map<String, Object> policy = new LinkedHashMap<>();
    current.properties().forEach(e -> policy.put(e.getKey(), e.getValue()));
    policy.putAll(changes);
    ApiClient.Response r = admin.put("/api/v1/admin/security-settings", policy);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }
}
