package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class TalkSettingsIntegrationTests {

  private static final String ADMIN = "/api/v1/admin/talk-settings";

  @LocalServerPort int port;
  @Autowired TestClock clock;
  @Autowired JdbcClient jdbc;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  @Test
  void membersReadTheDefaultsAndOnlySuperAdminsChangeThem() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember auditor = fixtures.member(c, "kansa", "auditor");
    JsonNode defaults = a.client().get("/api/v1/talk/settings").json();
    assertThat(defaults.get("editWindowHours").asInt()).isEqualTo(24);
    assertThat(defaults.get("recallWindowHours").asInt()).isEqualTo(24);
    assertThat(defaults.get("readByVisible").asBoolean()).isTrue();
    assertThat(defaults.get("attachmentMaxMb").asInt()).isEqualTo(20);

    assertThat(a.client().get(ADMIN).status()).isEqualTo(403);
    assertThat(a.client().put(ADMIN, Map.of("recallWindowHours", 1)).status()).isEqualTo(403);
    assertThat(auditor.client().get(ADMIN).status()).isEqualTo(200);
    assertThat(auditor.client().put(ADMIN, Map.of("recallWindowHours", 1)).status()).isEqualTo(403);

    ApiClient.Response bad =
        c.admin()
            .put(ADMIN, Map.of("editWindowHours", 2, "recallWindowHours", 0, "attachmentMaxMb", 0));
    assertThat(bad.status()).as(bad.body()).isEqualTo(422);
    assertThat(bad.body())
        .contains("editWindowHours", "recallWindowHours", "attachmentMaxMb")
        .contains("Must be 1 or 24");
    assertThat(c.admin().get(ADMIN).json()).isEqualTo(defaults);

    ApiClient.Response ok =
        c.admin().put(ADMIN, Map.of("recallWindowHours", 1, "readByVisible", false));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    JsonNode now = a.client().get("/api/v1/talk/settings").json();
    assertThat(now.get("recallWindowHours").asInt()).isEqualTo(1);
    assertThat(now.get("readByVisible").asBoolean()).isFalse();
    assertThat(now.get("editWindowHours").asInt()).isEqualTo(24);
    // Another company keeps its defaults.
    TestCompany other = fixtures.company();
    assertThat(other.admin().get(ADMIN).json()).isEqualTo(defaults);
    // The change is audited, with the values but nothing else.
    Long audited =
        jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE tenant_id = ? AND action_code = 3011")
            .param(c.id())
            .query(Long.class)
            .single();
    assertThat(audited).isEqualTo(1);
  }

  @Test
  void theRecallWindowFollowsTheCompanySetting() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    assertThat(c.admin().put(ADMIN, Map.of("recallWindowHours", 1)).status()).isEqualTo(200);
    String room = Talk.group(a.client(), "取消", b);
    String first = Talk.send(a.client(), room, "一つ目").get("id").asString();
    ApiClient token = token(a);
    clock.advance(Duration.ofMinutes(61));
    ApiClient.Response late =
        token.post("/api/v1/rooms/" + room + "/messages/" + first + "/recall", null);
    assertThat(late.status()).as(late.body()).isEqualTo(403);
    assertThat(late.problemType()).isEqualTo("window-closed");
    assertThat(late.body()).contains("1 hours");
    // Editing still has its 24 hours.
    ApiClient.Response edit =
        token.patch("/api/v1/rooms/" + room + "/messages/" + first, Map.of("text", "直した"));
    assertThat(edit.status()).as(edit.body()).isEqualTo(200);
    assertThat(Talk.page(token, room, "").get(0).get("recalled").asBoolean()).isFalse();
  }

  @Test
  void readersComeFromTheReadPointersAndFollowTheSetting() {
    TestCompany c = fixtures.company();
    TestMember a = fixtures.member(c, "aoki");
    TestMember b = fixtures.member(c, "baba");
    TestMember d = fixtures.member(c, "doi");
    TestMember outsider = fixtures.member(c, "soto");
    String room = Talk.group(a.client(), "既読", b, d);
    JsonNode m1 = Talk.send(a.client(), room, "一");
    JsonNode m2 = Talk.send(a.client(), room, "二");
    assertThat(b.client().post("/api/v1/rooms/" + room + "/read", Map.of("upTo", 1)).status())
        .isEqualTo(200);
    String path1 = "/api/v1/rooms/" + room + "/messages/" + m1.get("id").asString() + "/readers";
    String path2 = "/api/v1/rooms/" + room + "/messages/" + m2.get("id").asString() + "/readers";
    JsonNode r1 = d.client().get(path1).json();
    assertThat(ids(r1.get("read"))).containsExactly(b.id().toString());
    assertThat(ids(r1.get("unread"))).containsExactly(d.id().toString());
    JsonNode r2 = a.client().get(path2).json();
    assertThat(ids(r2.get("read"))).isEmpty();
    assertThat(ids(r2.get("unread")))
        .containsExactlyInAnyOrder(b.id().toString(), d.id().toString());
    assertThat(outsider.client().get(path1).status()).isEqualTo(404);
    assertThat(
            a.client()
                .get(
                    "/api/v1/rooms/"
                        + room
                        + "/messages/"
                        + java.util.UUID.randomUUID()
                        + "/readers")
                .status())
        .isEqualTo(404);

    assertThat(c.admin().put(ADMIN, Map.of("readByVisible", false)).status()).isEqualTo(200);
    ApiClient.Response hidden = a.client().get(path1);
    assertThat(hidden.status()).isEqualTo(403);
    assertThat(hidden.problemType()).isEqualTo("read-by-hidden");
    assertThat(hidden.body()).doesNotContain(b.id().toString());
    // Counts stay.
    assertThat(Talk.page(a.client(), room, "").get(0).get("unreadCount").asInt()).isEqualTo(1);
  }

  private static List<String> ids(JsonNode array) {
    return array.valueStream().map(JsonNode::asString).toList();
  }

  private ApiClient token(TestMember m) {
    ApiClient.Response t =
        m.client()
            .post(
                "/api/v1/me/tokens",
                Map.of("name", "talk", "scopes", List.of("read", "write"), "expiresInDays", 30));
    assertThat(t.status()).as(t.body()).isEqualTo(201);
    return fixtures.client().bearer(t.json().get("token").asString());
  }
}
