package dev.musubi.contacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Outside mail correspondents become personal contacts, when the member and company agree. */
@MusubiIntegrationTest
class ContactsFromMailIntegrationTests {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  Fixtures.TestMember tanaka;
  Fixtures.TestMember suzuki;

  @BeforeEach
  void company() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    tanaka = fixtures.member(company, "tanaka");
    suzuki = fixtures.member(company, "suzuki");
  }

  @Test
  void collectingIsOffUntilTheMemberTurnsItOn() {
    JsonNode settings = tanaka.client().get("/api/v1/contacts/settings").json();
    assertThat(settings.get("collectFromMail").asBoolean()).isFalse();
    assertThat(settings.get("membersMayCollectFromMail").asBoolean()).isTrue();

    send(tanaka, List.of("取引先 一郎 <ichiro@outside.example>"));
    awaitListenersDone();
    assertThat(personal(tanaka)).isEmpty();
  }

  @Test
  void outsideRecipientsBecomeTaggedPersonalContactsOnceEach() {
    turnOn(tanaka);
    ApiClient.Response known =
        tanaka
            .client()
            .post(
                "/api/v1/contacts?book=personal",
                Map.of(
                    "displayName",
                    "既知 太郎",
                    "emails",
                    List.of(Map.of("type", "work", "value", "Known@Outside.example"))));
    assertThat(known.status()).as(known.body()).isEqualTo(201);
    company
        .admin()
        .post(
            "/api/v1/contacts?book=shared",
            Map.of(
                "displayName",
                "共有 先生",
                "emails",
                List.of(Map.of("type", "work", "value", "shared@outside.example"))));

    send(
        tanaka,
        List.of(
            Map.of("name", "取引先 花子", "address", "hanako@partner.example"),
            "known@outside.example",
            "suzuki@" + company.domain()),
        List.of("shared@outside.example", "bare@outside.example"));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(personal(tanaka)).hasSize(3));
    List<JsonNode> contacts = personal(tanaka);
    JsonNode hanako = byEmail(contacts, "hanako@partner.example");
    assertThat(hanako.get("displayName").asString()).isEqualTo("取引先 花子");
    assertThat(hanako.get("tags").toString()).contains("collected");
    assertThat(byEmail(contacts, "bare@outside.example").get("displayName").asString())
        .isEqualTo("bare@outside.example");
    assertThat(byEmail(contacts, "known@outside.example").get("displayName").asString())
        .isEqualTo("既知 太郎");
    assertThat(contacts.toString()).doesNotContain("suzuki@").doesNotContain("shared@");
    assertThat(personal(suzuki)).isEmpty();

    send(tanaka, List.of("Hanako <HANAKO@partner.example>"));
    awaitListenersDone();
    assertThat(personal(tanaka)).hasSize(3);
    assertThat(
            jdbc.sql(
                    "SELECT COUNT(*) FROM audit_event WHERE tenant_id = ?"
                        + " AND action = 'CONTACTS_COLLECTED'")
                .param(company.id())
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void aCompanyThatForbidsItStopsCollecting() {
    turnOn(tanaka);
    ApiClient admin = company.admin();
    assertThat(
            admin
                .put("/api/v1/contacts/settings", Map.of("membersMayCollectFromMail", false))
                .status())
        .isEqualTo(200);
    assertThat(
            tanaka
                .client()
                .get("/api/v1/contacts/settings")
                .json()
                .get("membersMayEditShared")
                .asBoolean())
        .isFalse();

    send(tanaka, List.of("forbidden@outside.example"));
    awaitListenersDone();
    assertThat(personal(tanaka)).isEmpty();

    ApiClient.Response refused =
        suzuki.client().put("/api/v1/contacts/settings/me", Map.of("collectFromMail", true));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("collect-forbidden");
    assertThat(
            suzuki
                .client()
                .get("/api/v1/contacts/settings")
                .json()
                .get("collectFromMail")
                .asBoolean())
        .isFalse();
    assertThat(
            tanaka
                .client()
                .put("/api/v1/contacts/settings", Map.of("membersMayCollectFromMail", true))
                .status())
        .isEqualTo(403);
    ApiClient.Response missing = tanaka.client().put("/api/v1/contacts/settings/me", Map.of());
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.body()).contains("collectFromMail");
  }

  // ------------------------------------------------------------------------------------------

  private void turnOn(Fixtures.TestMember m) {
    ApiClient.Response on =
        m.client().put("/api/v1/contacts/settings/me", Map.of("collectFromMail", true));
    assertThat(on.status()).as(on.body()).isEqualTo(200);
    assertThat(on.json().get("collectFromMail").asBoolean()).isTrue();
  }

  private void send(Fixtures.TestMember m, List<Object> to) {
    send(m, to, List.of());
  }

  private void send(Fixtures.TestMember m, List<Object> to, List<Object> cc) {
    ApiClient.Response sent =
        m.client()
            .post(
                "/api/v1/mail/messages",
                Map.of("to", to, "cc", cc, "subject", "ご挨拶", "text", "よろしくお願いします。"));
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
  }

  /** Waits until every mail-sent event has reached the contacts listener. */
  private void awaitListenersDone() {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                jdbc.sql(
                            "SELECT COUNT(*) FROM event_publication WHERE completion_date IS NULL"
                                + " AND listener_id LIKE '%MailCorrespondents%'")
                        .query(Long.class)
                        .single()
                    == 0);
  }

  private List<JsonNode> personal(Fixtures.TestMember m) {
    List<JsonNode> out = new ArrayList<>();
    m.client().get("/api/v1/contacts?book=personal&size=100").json().get("items").forEach(out::add);
    return out;
  }

  private static JsonNode byEmail(List<JsonNode> contacts, String email) {
    return contacts.stream()
        .filter(c -> c.get("emails").toString().toLowerCase().contains(email))
        .findFirst()
        .orElseThrow(() -> new AssertionError(email + " in " + contacts));
  }
}
