package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Message content export for an investigation: super admins only, with a reason, audited before any
 * row is written; a room's messages or one member's, recalled ones marked, CSV safe in Excel.
 */
@MusubiIntegrationTest
class TalkExportIntegrationTests {

  @LocalServerPort int port;

  private static Map<String, Object> request(String key, String id, String reason) {
    Map<String, Object> body = new HashMap<>();
    body.put(key, id);
    body.put("from", Instant.now().minus(1, ChronoUnit.DAYS).toString());
    body.put("to", Instant.now().plus(1, ChronoUnit.DAYS).toString());
    if (reason != null) {
      body.put("reason", reason);
    }
    return body;
  }

  @Test
  void aSuperAdminExportsARoomOrAMemberWithAReasonAndItIsAudited() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember a = fixtures.member(company, "yamada");
    Fixtures.TestMember b = fixtures.member(company, "kawai");
    String room = Talk.group(a.client(), "経理チーム", b);
    Talk.send(a.client(), room, "請求書を確認しました");
    Talk.send(b.client(), room, "=HYPERLINK(\"http://evil.example\")");
    String recalled = Talk.send(b.client(), room, "間違えて送りました").get("id").asString();
    assertThat(
            b.client()
                .post("/api/v1/rooms/" + room + "/messages/" + recalled + "/recall", null)
                .status())
        .isEqualTo(200);
    String other = Talk.group(b.client(), "雑談", a);
    Talk.send(b.client(), other, "ランチ行きましょう");

    ApiClient admin = company.admin();
    ApiClient.Response byRoom =
        admin.post("/api/v1/admin/talk/export", request("room", room, "内部通報 2026-031 の調査のため"));
    assertThat(byRoom.status()).as(byRoom.body()).isEqualTo(200);
    assertThat(byRoom.header("Content-Type")).startsWith("text/csv");
    assertThat(byRoom.header("Content-Disposition")).startsWith("attachment");
    String csv = byRoom.body();
    assertThat(csv).startsWith("\uFEFF\"room\",\"seq\"");
    assertThat(csv).contains("\"経理チーム\"", "請求書を確認しました", "\"yamada@");
    // A formula cannot run in Excel; a recalled message is listed, marked, without its text.
    assertThat(csv).contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\"");
    assertThat(csv).doesNotContain("間違えて送りました");
    assertThat(csv.lines().filter(l -> l.contains("\"3\",")).findFirst().orElseThrow())
        .matches(".*\"\",\"20\\d\\d-[^\"]+Z\"$");
    assertThat(csv).doesNotContain("ランチ");

    String byMember =
        admin
            .post(
                "/api/v1/admin/talk/export",
                request("member", b.id().toString(), "ハラスメント申告の事実確認のため"))
            .body();
    assertThat(byMember).contains("ランチ行きましょう", "HYPERLINK").doesNotContain("請求書");

    JsonNode audit =
        admin.get("/api/v1/admin/audit?size=50&action=TALK_MESSAGES_EXPORTED").json().get("items");
    assertThat(audit.size()).isEqualTo(2);
    assertThat(audit.toString()).contains("内部通報 2026-031 の調査のため");
    // Not the content itself.
    assertThat(audit.toString()).doesNotContain("請求書を確認しました");
  }

  @Test
  void othersAreRefusedAndBadRequestsExportNothing() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember a = fixtures.member(company, "yamada");
    Fixtures.TestMember memberAdmin = fixtures.member(company, "kanrisha", "member_admin");
    String room = Talk.group(a.client(), "営業", memberAdmin);
    String reason = "監査法人からの依頼による確認";

    assertThat(a.client().post("/api/v1/admin/talk/export", request("room", room, reason)).status())
        .isEqualTo(403);
    assertThat(
            memberAdmin
                .client()
                .post("/api/v1/admin/talk/export", request("room", room, reason))
                .status())
        .isEqualTo(403);
    ApiClient admin = company.admin();
    ApiClient.Response noReason =
        admin.post("/api/v1/admin/talk/export", request("room", room, null));
    assertThat(noReason.status()).isEqualTo(422);
    assertThat(noReason.body()).contains("reason");
    Map<String, Object> both = request("room", room, reason);
    both.put("member", a.id().toString());
    assertThat(admin.post("/api/v1/admin/talk/export", both).status()).isEqualTo(422);
    Map<String, Object> tooLong = request("room", room, reason);
    tooLong.put("from", "2024-01-01T00:00:00Z");
    assertThat(admin.post("/api/v1/admin/talk/export", tooLong).status()).isEqualTo(422);
    Map<String, Object> badDate = request("room", room, reason);
    badDate.put("to", "yesterday");
    assertThat(admin.post("/api/v1/admin/talk/export", badDate).status()).isEqualTo(422);

    // Another company's super admin: 404 for the room and the member.
    ApiClient stranger = fixtures.company().admin();
    assertThat(stranger.post("/api/v1/admin/talk/export", request("room", room, reason)).status())
        .isEqualTo(404);
    assertThat(
            stranger
                .post("/api/v1/admin/talk/export", request("member", a.id().toString(), reason))
                .status())
        .isEqualTo(404);
    assertThat(
            admin
                .get("/api/v1/admin/audit?size=50&action=TALK_MESSAGES_EXPORTED")
                .json()
                .get("items")
                .size())
        .isZero();
  }
}
