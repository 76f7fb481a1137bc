package dev.musubi.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A client that retries a create with the same {@code Idempotency-Key} gets the first answer again
 * and one object, whether it creates a contact, an event or uploads a file.
 */
@MusubiIntegrationTest
class IdempotencyKeysIntegrationTests {

  @LocalServerPort int port;
  Fixtures fixtures;
  Fixtures.TestCompany company;
  ApiClient sato;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    sato = fixtures.member(company, "sato").client();
  }

  private static Map<String, Object> contact(String family) {
    return Map.of("familyName", family, "givenName", "一郎", "familyNameReading", "すずき");
  }

  private int contacts() {
    return sato.get("/api/v1/contacts?book=personal&size=100").json().get("total").asInt();
  }

  @Test
  void aRetriedContactCreateGivesTheSameAnswerAndOneContact() {
    String key = UUID.randomUUID().toString();
    ApiClient.Response first =
        sato.header("Idempotency-Key", key).post("/api/v1/contacts?book=personal", contact("鈴木"));
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(first.header("Idempotent-Replayed")).isNull();
    ApiClient.Response retry = sato.post("/api/v1/contacts?book=personal", contact("鈴木"));
    assertThat(retry.status()).isEqualTo(201);
    assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(retry.json().get("id")).isEqualTo(first.json().get("id"));
    assertThat(contacts()).isEqualTo(1);

    // The same key with another body is a client bug: refused, nothing created.
    ApiClient.Response reused = sato.post("/api/v1/contacts?book=personal", contact("佐々木"));
    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.problemType()).isEqualTo("idempotency-key-reused");
    assertThat(contacts()).isEqualTo(1);

    // A new key creates a new contact; no key at all behaves as always.
    sato.header("Idempotency-Key", UUID.randomUUID().toString());
    assertThat(sato.post("/api/v1/contacts?book=personal", contact("鈴木")).status()).isEqualTo(201);
    assertThat(contacts()).isEqualTo(2);
  }

  @Test
  void keysBelongToOneMemberAndBadKeysAreRefused() {
    String key = "shared-key-1";
    ApiClient suzuki = fixtures.member(company, "suzuki").client();
    assertThat(
            sato.header("Idempotency-Key", key)
                .post("/api/v1/contacts?book=personal", contact("鈴木"))
                .status())
        .isEqualTo(201);
    ApiClient.Response other =
        suzuki.header("Idempotency-Key", key).post("/api/v1/contacts?book=personal", contact("鈴木"));
    assertThat(other.status()).isEqualTo(201);
    assertThat(other.header("Idempotent-Replayed")).isNull();

    ApiClient.Response bad =
        sato.header("Idempotency-Key", "two words")
            .post("/api/v1/contacts?book=personal", contact("鈴木"));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.problemType()).isEqualTo("validation");
    assertThat(contacts()).isEqualTo(1);
  }

  @Test
  void aFailedRequestIsNotKeptSoTheRetryRunsForReal() {
    String key = UUID.randomUUID().toString();
    ApiClient.Response invalid =
        sato.header("Idempotency-Key", key)
            .post("/api/v1/contacts?book=personal", Map.of("familyName", ""));
    assertThat(invalid.status()).isEqualTo(422);
    // Same key, same (bad) body: it runs again and fails again, not a replay.
    ApiClient.Response again =
        sato.post("/api/v1/contacts?book=personal", Map.of("familyName", ""));
    assertThat(again.status()).isEqualTo(422);
    assertThat(again.header("Idempotent-Replayed")).isNull();
  }

  @Test
  void eventsAndUploadsAreCreatedOnceWhateverTheRetries() {
    String calendar = null;
    for (JsonNode cal : sato.get("/api/v1/calendars").json()) {
      if (cal.get("isDefault").asBoolean()) {
        calendar = cal.get("id").asString();
      }
    }
    Map<String, Object> event =
        Map.of(
            "title",
            "定例会",
            "start",
            "2026-12-08T10:00:00+09:00",
            "end",
            "2026-12-08T11:00:00+09:00");
    sato.header("Idempotency-Key", UUID.randomUUID().toString());
    String first =
        sato.post("/api/v1/calendars/" + calendar + "/events", event).json().get("id").asString();
    ApiClient.Response retry = sato.post("/api/v1/calendars/" + calendar + "/events", event);
    assertThat(retry.status()).isEqualTo(201);
    assertThat(retry.json().get("id").asString()).isEqualTo(first);
    JsonNode listed =
        sato.get(
                "/api/v1/calendars/"
                    + calendar
                    + "/events?from=2026-12-08T00:00:00%2B09:00&to=2026-12-09T00:00:00%2B09:00")
            .json();
    assertThat(listed.size()).as(listed.toString()).isEqualTo(1);

    // A multipart upload: its body streams to the store and is not buffered for the key.
    String root = sato.get("/api/v1/drive/drives").json().get(0).get("rootFolderId").asString();
    String boundary = "----musubi-idem";
    String body =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"memo.txt\"\r\n"
            + "Content-Type: text/plain\r\n\r\nメモ\r\n--"
            + boundary
            + "--\r\n";
    sato.header("Idempotency-Key", UUID.randomUUID().toString());
    ApiClient.Response up1 =
        sato.sendRaw(
            "POST",
            "/api/v1/drive/folders/" + root + "/files",
            body,
            "multipart/form-data; boundary=" + boundary,
            sato.csrf());
    assertThat(up1.status()).as(up1.body()).isEqualTo(201);
    ApiClient.Response up2 =
        sato.sendRaw(
            "POST",
            "/api/v1/drive/folders/" + root + "/files",
            body,
            "multipart/form-data; boundary=" + boundary,
            sato.csrf());
    assertThat(up2.status()).as(up2.body()).isEqualTo(201);
    assertThat(up2.json().get("id")).isEqualTo(up1.json().get("id"));
    assertThat(sato.get("/api/v1/drive/folders/" + root).json().get("items").size()).isEqualTo(1);
  }
}
