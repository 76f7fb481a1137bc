package dev.musubi.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.identity.MemberLifecycle;
import dev.musubi.identity.MemberPurged;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import dev.musubi.testing.TotpCodes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Suspension, deletion with a grace period, purge, reset links and two-step reset. */
@MusubiIntegrationTest
class MemberLifecycleIntegrationTests {

  /**
   * {@link MemberPurged} events as another module would receive them, collected by a listener that
   * is added to the shared context for each test (a listener bean of its own would need a Spring
   * context of its own).
   */
  final List<UUID> purged = new CopyOnWriteArrayList<>();

  private final ApplicationListener<ApplicationEvent> purgedListener =
      event -> {
        if (event instanceof PayloadApplicationEvent<?> p
            && p.getPayload() instanceof MemberPurged e) {
          purged.add(e.memberId());
        }
      };

  @LocalServerPort int port;
  @Autowired TestClock clock;
  @Autowired MemberLifecycle lifecycle;
  @Autowired JdbcClient jdbc;
  @Autowired ConfigurableApplicationContext context;

  @BeforeEach
  void listenForPurges() {
    context.addApplicationListener(purgedListener);
  }

  @AfterEach
  void resetClock() {
    context.removeApplicationListener(purgedListener);
    clock.reset();
  }

  @Test
  void suspendingEndsEverySessionAndTokenAtOnce() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember m = fixtures.member(company, "teishi");
    ApiClient second = fixtures.client();
    assertThat(second.login(m.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    ApiClient.Response token =
        m.client().post("/api/v1/me/tokens", Map.of("name", "cli", "scopes", List.of("read")));
    assertThat(token.status()).isEqualTo(201);
    ApiClient bearer = fixtures.client().bearer(token.json().get("token").asString());
    assertThat(bearer.get("/api/v1/me").status()).isEqualTo(200);

    assertThat(company.admin().post("/api/v1/admin/members/" + m.id() + "/suspend", null).status())
        .isEqualTo(200);
    assertThat(m.client().get("/api/v1/me").status()).isEqualTo(401);
    assertThat(second.get("/api/v1/me").status()).isEqualTo(401);
    assertThat(bearer.get("/api/v1/me").status()).isEqualTo(401);
    assertThat(fixtures.client().login(m.loginId(), Fixtures.PASSWORD).status()).isNotEqualTo(200);
  }

  @Test
  void aDeletedMemberIsRestorableUntilTheGracePeriodEndsThenPurged() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    Fixtures.TestMember back = fixtures.member(company, "modoru");
    Fixtures.TestMember gone = fixtures.member(company, "kieru");

    for (Fixtures.TestMember m : List.of(back, gone)) {
      assertThat(admin.delete("/api/v1/admin/members/" + m.id()).status()).isEqualTo(204);
      assertThat(m.client().get("/api/v1/me").status()).isEqualTo(401);
      assertThat(admin.get("/api/v1/admin/members/" + m.id()).status()).isEqualTo(404);
    }
    JsonNode deleted = admin.get("/api/v1/admin/members/deleted").json();
    assertThat(deleted.findValuesAsString("loginId")).contains(back.loginId(), gone.loginId());
    assertThat(fixtures.client().login(back.loginId(), Fixtures.PASSWORD).status()).isEqualTo(401);

    ApiClient.Response restored =
        admin.post("/api/v1/admin/members/" + back.id() + "/restore", null);
    assertThat(restored.status()).as(restored.body()).isEqualTo(200);
    assertThat(admin.get("/api/v1/admin/members/" + back.id()).json().get("status").asString())
        .isEqualTo("suspended");
    assertThat(admin.post("/api/v1/admin/members/" + back.id() + "/resume", null).status())
        .isEqualTo(200);
    assertThat(fixtures.client().login(back.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    assertThat(admin.post("/api/v1/admin/members/" + back.id() + "/restore", null).status())
        .isEqualTo(404);

    // The login ID stays reserved during the grace period.
    ApiClient.Response reuse =
        admin.post(
            "/api/v1/admin/members",
            Map.of("loginId", "kieru", "password", Fixtures.PASSWORD, "displayName", "新 消える"));
    assertThat(reuse.status()).isIn(409, 422);

    clock.advance(Duration.ofDays(31));
    assertThat(lifecycle.purgeDue()).isGreaterThanOrEqualTo(1);
    assertThat(purged).contains(gone.id()).doesNotContain(back.id());
    String name =
        jdbc.sql("SELECT display_name FROM member WHERE id = ?")
            .param(gone.id())
            .query(String.class)
            .single();
    assertThat(name).isEmpty();
    clock.reset();

    ApiClient admin2 = fixtures.client();
    assertThat(admin2.login(company.adminLoginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    assertThat(admin2.post("/api/v1/admin/members/" + gone.id() + "/restore", null).status())
        .isEqualTo(404);
    assertThat(admin2.get("/api/v1/admin/members/deleted").body()).doesNotContain(gone.loginId());
    assertThat(
            admin2
                .post(
                    "/api/v1/admin/members",
                    Map.of(
                        "loginId", "kieru", "password", Fixtures.PASSWORD, "displayName", "新 消える"))
                .status())
        .isEqualTo(201);
    JsonNode purgedEntries =
        admin2.get("/api/v1/admin/audit?action=MEMBER_PURGED&targetId=" + gone.id()).json();
    assertThat(purgedEntries.get("total").asLong()).isEqualTo(1);
  }

  @Test
  void aResetLinkWorksOnceWithinItsLifetimeAndIsStoredHashed() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember m = fixtures.member(company, "wasureta");
    ApiClient.Response link =
        company.admin().post("/api/v1/admin/members/" + m.id() + "/password-reset-link", null);
    assertThat(link.status()).as(link.body()).isEqualTo(201);
    assertThat(link.header("Cache-Control")).contains("no-store");
    String token = link.json().get("token").asString();
    assertThat(link.json().get("path").asString()).isEqualTo("/#/reset?token=" + token);
    List<String> stored =
        jdbc.sql("SELECT token_hash FROM password_reset_link WHERE member_id = ?")
            .param(m.id())
            .query(String.class)
            .list();
    assertThat(stored).hasSize(1).doesNotContain(token);

    ApiClient anon = fixtures.client();
    ApiClient.Response weak =
        anon.post("/api/v1/auth/password-reset", Map.of("token", token, "password", "short"));
    assertThat(weak.status()).isEqualTo(422);
    assertThat(weak.body()).contains("password");
    ApiClient.Response ok =
        anon.post(
            "/api/v1/auth/password-reset",
            Map.of("token", token, "password", "Atarashii-Kagi-2026"));
    assertThat(ok.status()).as(ok.body()).isEqualTo(204);
    assertThat(m.client().get("/api/v1/me").status()).as("old sessions end").isEqualTo(401);
    assertThat(fixtures.client().login(m.loginId(), "Atarashii-Kagi-2026").status()).isEqualTo(200);
    ApiClient.Response again =
        anon.post(
            "/api/v1/auth/password-reset", Map.of("token", token, "password", "Mou-Ichido-2026x"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.problemType()).isEqualTo("reset-link-invalid");
    assertThat(
            anon.post("/api/v1/auth/password-reset", Map.of("token", "nope", "password", "x"))
                .status())
        .isEqualTo(409);

    // A newer link replaces the older; an expired link is refused.
    String first =
        company
            .admin()
            .post("/api/v1/admin/members/" + m.id() + "/password-reset-link", null)
            .json()
            .get("token")
            .asString();
    String second =
        company
            .admin()
            .post("/api/v1/admin/members/" + m.id() + "/password-reset-link", null)
            .json()
            .get("token")
            .asString();
    assertThat(
            anon.post(
                    "/api/v1/auth/password-reset",
                    Map.of("token", first, "password", "Sorezore-Betsu-77"))
                .status())
        .isEqualTo(409);
    clock.advance(Duration.ofHours(25));
    assertThat(
            anon.post(
                    "/api/v1/auth/password-reset",
                    Map.of("token", second, "password", "Sorezore-Betsu-77"))
                .status())
        .isEqualTo(409);
    clock.reset();

    // Only a super admin may create a link for a super admin; the action is audited.
    Fixtures.TestMember jinji = fixtures.member(company, "jinji", "member_admin");
    assertThat(
            jinji
                .client()
                .post("/api/v1/admin/members/" + company.adminId() + "/password-reset-link", null)
                .status())
        .isEqualTo(403);
    JsonNode audit =
        company.admin().get("/api/v1/admin/audit?action=PASSWORD_RESET_LINK_CREATED").json();
    assertThat(audit.get("total").asLong()).isEqualTo(3);
    assertThat(audit.toString()).doesNotContain(token, first, second);
  }

  @Test
  void anAdminResetsTwoStepVerification() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember m = fixtures.member(company, "nidan");
    String secret =
        m.client().post("/api/v1/me/mfa/totp/setup", null).json().get("secret").asString();
    assertThat(
            m.client()
                .post(
                    "/api/v1/me/mfa/totp/activate",
                    Map.of("code", TotpCodes.at(secret, clock.instant())))
                .status())
        .isEqualTo(200);
    assertThat(
            company
                .admin()
                .get("/api/v1/admin/members/" + m.id())
                .json()
                .get("mfaEnabled")
                .asBoolean())
        .isTrue();

    Fixtures.TestMember auditor = fixtures.member(company, "kansa", "auditor");
    assertThat(
            auditor.client().post("/api/v1/admin/members/" + m.id() + "/mfa-reset", null).status())
        .isEqualTo(403);
    assertThat(
            company.admin().post("/api/v1/admin/members/" + m.id() + "/mfa-reset", null).status())
        .isEqualTo(204);
    assertThat(
            company
                .admin()
                .get("/api/v1/admin/members/" + m.id())
                .json()
                .get("mfaEnabled")
                .asBoolean())
        .isFalse();
    assertThat(m.client().get("/api/v1/me").status()).isEqualTo(401);
    ApiClient again = fixtures.client();
    ApiClient.Response login = again.login(m.loginId(), Fixtures.PASSWORD);
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.json().get("status").asString()).isEqualTo("ok");
    assertThat(
            company
                .admin()
                .get("/api/v1/admin/audit?action=MFA_RESET_BY_ADMIN&targetId=" + m.id())
                .json()
                .get("total")
                .asLong())
        .isEqualTo(1);
  }

  @Test
  void deletingWithAHandOverGivesTheColleagueDriveCalendarsAndRooms() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestCompany other = fixtures.company();
    Fixtures.TestMember leaving = fixtures.member(company, "taisha");
    Fixtures.TestMember heir = fixtures.member(company, "koukei");
    Fixtures.TestMember stranger = fixtures.member(other, "yoso");

    dev.musubi.drive.DriveClient drive = new dev.musubi.drive.DriveClient(port, leaving.client());
    drive.uploaded(drive.root(), "引き継ぎ資料.txt", "中身".getBytes(StandardCharsets.UTF_8));
    ApiClient.Response calendars = leaving.client().get("/api/v1/calendars");
    assertThat(calendars.status()).as(calendars.body()).isEqualTo(200);
    ApiClient.Response room =
        leaving
            .client()
            .post("/api/v1/rooms", Map.of("type", "group", "name", "営業チーム", "members", List.of()));
    assertThat(room.status()).as(room.body()).isEqualTo(201);
    String roomId = room.json().get("id").asString();

    // A colleague who cannot take over is refused, and nothing happens.
    for (String bad :
        List.of(
            leaving.id().toString(),
            stranger.id().toString(),
            "not-an-id",
            UUID.randomUUID().toString())) {
      ApiClient.Response r =
          company.admin().delete("/api/v1/admin/members/" + leaving.id() + "?handTo=" + bad);
      assertThat(r.status()).as(bad).isEqualTo(422);
      assertThat(r.body()).contains("handTo");
    }
    assertThat(leaving.client().get("/api/v1/rooms").status()).isEqualTo(200);

    ApiClient.Response deleted =
        company.admin().delete("/api/v1/admin/members/" + leaving.id() + "?handTo=" + heir.id());
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);

    // The drive is now a shared drive the colleague manages, with the file in it.
    JsonNode drives = heir.client().get("/api/v1/drive/drives").json();
    JsonNode handed =
        drives
            .valueStream()
            .filter(d -> d.get("kind").asString().equals("shared"))
            .findFirst()
            .orElseThrow();
    assertThat(handed.get("name").asString()).contains("引き継ぎ");
    assertThat(handed.get("role").asString()).isEqualTo("manager");
    assertThat(
            heir.client()
                .get("/api/v1/drive/folders/" + handed.get("rootFolderId").asString())
                .body())
        .contains("引き継ぎ資料.txt");
    // The calendar is an extra calendar of theirs; their own default stays.
    List<String> names =
        heir.client()
            .get("/api/v1/calendars")
            .json()
            .valueStream()
            .map(c -> c.path("name").asString())
            .toList();
    long personal =
        calendars
            .json()
            .valueStream()
            .filter(c -> "personal".equals(c.path("kind").asString()))
            .count();
    assertThat(personal).isPositive();
    assertThat(names.stream().filter(n -> n.contains("（")).count()).isEqualTo(personal);
    // The room is theirs to own.
    JsonNode r = heir.client().get("/api/v1/rooms/" + roomId).json();
    assertThat(r.get("owners").toString()).contains(heir.id().toString());
    assertThat(
            company
                .admin()
                .get("/api/v1/admin/audit?action=MEMBER_HANDED_OVER")
                .json()
                .get("total")
                .asLong())
        .isEqualTo(1);

    // After the grace period the member is purged; what was handed over stays.
    clock.advance(java.time.Duration.ofDays(31));
    lifecycle.purgeDue();
    ApiClient again = fixtures.client();
    assertThat(again.login(heir.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    assertThat(again.get("/api/v1/drive/folders/" + handed.get("rootFolderId").asString()).body())
        .contains("引き継ぎ資料.txt");
  }

  @Test
  void aDeletedMembersDriveCanBeHandedOverLaterWithinTheGracePeriod() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestCompany other = fixtures.company();
    Fixtures.TestMember leaving = fixtures.member(company, "atode");
    Fixtures.TestMember heir = fixtures.member(company, "uketori");
    Fixtures.TestMember stranger = fixtures.member(other, "tasha");
    dev.musubi.drive.DriveClient drive = new dev.musubi.drive.DriveClient(port, leaving.client());
    drive.uploaded(drive.root(), "後から引き継ぐ.txt", "中身".getBytes(StandardCharsets.UTF_8));
    assertThat(company.admin().delete("/api/v1/admin/members/" + leaving.id()).status())
        .isEqualTo(204);
    String path = "/api/v1/admin/members/" + leaving.id() + "/hand-over";

    // Wrong colleagues, another company's admin and plain members are refused; nothing moves.
    for (Object bad : List.of(leaving.id(), stranger.id(), UUID.randomUUID())) {
      ApiClient.Response r = company.admin().post(path, Map.of("handTo", bad));
      assertThat(r.status()).as(r.body()).isEqualTo(422);
    }
    assertThat(company.admin().post(path, Map.of()).status()).isEqualTo(422);
    assertThat(other.admin().post(path, Map.of("handTo", heir.id())).status()).isEqualTo(404);
    assertThat(heir.client().post(path, Map.of("handTo", heir.id())).status()).isEqualTo(403);
    assertThat(
            company
                .admin()
                .post(
                    "/api/v1/admin/members/" + heir.id() + "/hand-over",
                    Map.of("handTo", heir.id()))
                .status())
        .as("an active member is not handed over")
        .isEqualTo(404);
    assertThat(heir.client().get("/api/v1/drive/drives").body()).doesNotContain("引き継ぎ");

    ApiClient.Response ok = company.admin().post(path, Map.of("handTo", heir.id()));
    assertThat(ok.status()).as(ok.body()).isEqualTo(204);
    JsonNode handed =
        heir.client()
            .get("/api/v1/drive/drives")
            .json()
            .valueStream()
            .filter(d -> d.get("kind").asString().equals("shared"))
            .findFirst()
            .orElseThrow();
    assertThat(handed.get("role").asString()).isEqualTo("manager");
    assertThat(
            heir.client()
                .get("/api/v1/drive/folders/" + handed.get("rootFolderId").asString())
                .body())
        .contains("後から引き継ぐ.txt");
    assertThat(
            company
                .admin()
                .get("/api/v1/admin/audit?action=MEMBER_HANDED_OVER")
                .json()
                .get("total")
                .asLong())
        .isEqualTo(1);

    // After the grace period there is nothing left to hand over.
    clock.advance(java.time.Duration.ofDays(31));
    lifecycle.purgeDue();
    ApiClient admin = fixtures.client();
    assertThat(admin.login(company.adminLoginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    assertThat(admin.post(path, Map.of("handTo", heir.id())).status()).isIn(404, 409);
  }
}
