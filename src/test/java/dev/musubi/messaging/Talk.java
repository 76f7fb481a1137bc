package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures.TestMember;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Small helpers for talk tests, all through the real API. */
final class Talk {

  private Talk() {}

  static String group(ApiClient owner, String name, TestMember... members) {
    ApiClient.Response r =
        owner.post(
            "/api/v1/rooms",
            Map.of(
                "type",
                "group",
                "name",
                name,
                "members",
                Arrays.stream(members).map(m -> m.id().toString()).toList()));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  static JsonNode send(ApiClient client, String roomId, String text) {
    ApiClient.Response r =
        client.post("/api/v1/rooms/" + roomId + "/messages", Map.of("text", text));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  static ApiClient.Response send(ApiClient client, String roomId, Map<String, Object> body) {
    return client.post("/api/v1/rooms/" + roomId + "/messages", body);
  }

  static JsonNode page(ApiClient client, String roomId, String query) {
    ApiClient.Response r = client.get("/api/v1/rooms/" + roomId + "/messages" + query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  static Map<String, Object> body(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static List<Long> seqs(JsonNode page) {
    return page.valueStream().map(n -> n.get("seq").asLong()).toList();
  }
}
