package dev.musubi.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.admin.internal.AlertRules;
import dev.musubi.identity.MemberSignedIn;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Security settings (re-authentication, validation, no self lock-out), alerts (failed sign-ins,
 * admin from a new network, broken audit chain), access review and incident reports.
 */
@MusubiIntegrationTest
class SecurityMonitoringIntegrationTests {

  @LocalServerPort int port;
  @Autowired TestClock clock;
  @Autowired JdbcClient jdbc;
  @Autowired AlertRules rules;
  @Autowired dev.musubi.admin.internal.AlertMail alertMail;
  @Autowired ApplicationEventPublisher events;
  @Autowired TransactionTemplate tx;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  static Map<String, Object> policy(ApiClient admin, Map<String, Object> changes) {
    Map<String, Object> p = new LinkedHashMap<>();
    admin
        .get("/api/v1/admin/security-settings")
        .json()
        .properties()
        .forEach(e -> p.put(e.getKey(), e.getValue()));
    p.putAll(changes);
    return p;
  }

  static List<JsonNode> alerts(ApiClient admin, String kind) {
    return admin
        .get("/api/v1/admin/alerts?size=200")
        .json()
        .get("items")
        .valueStream()
        .filter(a -> a.get("kind").asString().equals(kind))
        .toList();
  }

  @Test
  void aSecurityChangeNeedsRecentAuthenticationAndValidValues() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    assertThat(
            admin
                .put(
                    "/api/v1/admin/security-settings", policy(admin, Map.of("lockoutThreshold", 7)))
                .status())
        .as("just signed in")
        .isEqualTo(200);

    clock.advance(Duration.ofMinutes(16));
    ApiClient.Response stale =
        admin.put("/api/v1/admin/security-settings", policy(admin, Map.of("lockoutThreshold", 9)));
    assertThat(stale.status()).isEqualTo(403);
    assertThat(stale.problemType()).isEqualTo("reauthentication-required");
    assertThat(admin.get("/api/v1/admin/security-settings").json().get("lockoutThreshold").asInt())
        .isEqualTo(7);
    ApiClient.Response wrong =
        admin.post("/api/v1/me/reauthenticate", Map.of("password", "Not-the-password-1"));
    assertThat(wrong.status()).isEqualTo(422);
    assertThat(
            admin.post("/api/v1/me/reauthenticate", Map.of("password", Fixtures.PASSWORD)).status())
        .isEqualTo(204);
    assertThat(
            admin
                .put(
                    "/api/v1/admin/security-settings", policy(admin, Map.of("lockoutThreshold", 9)))
                .status())
        .isEqualTo(200);
    JsonNode changed =
        admin.get("/api/v1/admin/audit?action=POLICY_CHANGED").json().get("items").get(0);
    assertThat(changed.get("detail").get("changed").asString())
        .isEqualTo("lockoutThreshold: 7 -> 9");
    assertThat(
            admin
                .get("/api/v1/admin/audit?action=REAUTHENTICATION_FAILED")
                .json()
                .get("total")
                .asLong())
        .isEqualTo(1);

    ApiClient.Response invalid =
        admin.put(
            "/api/v1/admin/security-settings",
            policy(
                admin,
                Map.of(
                    "passwordMinLength",
                    4,
                    "sessionIdleMinutes",
                    0,
                    "mfaRequirement",
                    "sometimes")));
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.json().get("errors").findValuesAsString("field"))
        .contains("passwordMinLength", "sessionIdleMinutes", "mfaRequirement");
    assertThat(admin.get("/api/v1/admin/security-settings").json().get("passwordMinLength").asInt())
        .isEqualTo(10);

    ApiClient.Response lockout =
        admin.put(
            "/api/v1/admin/security-settings",
            policy(admin, Map.of("ipAllowlist", List.of("10.0.0.0/8"))));
    assertThat(lockout.status()).isEqualTo(422);
    assertThat(lockout.body()).contains("excludes_you").contains("127.0.0.1");
    assertThat(
            admin
                .put(
                    "/api/v1/admin/security-settings",
                    policy(admin, Map.of("ipAllowlist", List.of("10.0.0.0/8", "127.0.0.0/8"))))
                .status())
        .isEqualTo(200);
    assertThat(admin.get("/api/v1/me").status()).isEqualTo(200);
  }

  /** The policies that live in other modules but sit on the security settings page. */
  static final Map<String, Map<String, Object>> MODULE_POLICIES =
      Map.of(
          "/api/v1/admin/drive-policy", Map.of("blockedExtensions", List.of("exe")),
          "/api/v1/admin/talk-settings", Map.of("editWindowHours", 1, "readByVisible", false),
          "/api/v1/admin/privacy/retention", Map.of("days", Map.of("messages", 400)));

  static JsonNode lastAudit(ApiClient admin, String action) {
    return admin.get("/api/v1/admin/audit?action=" + action).json().get("items").get(0);
  }

  @Test
  void everyPolicyOnThePageNeedsRecentAuthenticationValidValuesAndIsAuditedBeforeAndAfter() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestCompany other = fixtures.company();
    ApiClient admin = company.admin();
    ApiClient auditor = fixtures.member(company, "kansa", "auditor").client();
    ApiClient member = fixtures.member(company, "ippan").client();
    String driveBefore = admin.get("/api/v1/admin/drive-policy").body();

    // Without a recent sign-in or re-authentication nothing changes, with a clear problem.
    clock.advance(Duration.ofMinutes(16));
    for (var e : MODULE_POLICIES.entrySet()) {
      ApiClient.Response stale = admin.put(e.getKey(), e.getValue());
      assertThat(stale.status()).as(e.getKey()).isEqualTo(403);
      assertThat(stale.problemType()).as(e.getKey()).isEqualTo("reauthentication-required");
    }
    assertThat(admin.get("/api/v1/admin/drive-policy").body()).isEqualTo(driveBefore);
    assertThat(
            admin.post("/api/v1/me/reauthenticate", Map.of("password", Fixtures.PASSWORD)).status())
        .isEqualTo(204);

    // Out-of-range values: 422 with the field named, nothing stored.
    Map<String, Map<String, Object>> invalid =
        Map.of(
            "/api/v1/admin/drive-policy|versionsKept", Map.of("versionsKept", 0),
            "/api/v1/admin/talk-settings|editWindowHours", Map.of("editWindowHours", 5),
            "/api/v1/admin/privacy/retention|days.messages", Map.of("days", Map.of("messages", 0)),
            "/api/v1/admin/security-settings|mfaMethods",
                policy(admin, Map.of("mfaMethods", List.of("sms"))));
    for (var e : invalid.entrySet()) {
      String[] pathAndField = e.getKey().split("\\|");
      ApiClient.Response r = admin.put(pathAndField[0], e.getValue());
      assertThat(r.status()).as(e.getKey()).isEqualTo(422);
      assertThat(r.json().get("errors").findValuesAsString("field"))
          .as(e.getKey())
          .contains(pathAndField[1]);
    }
    ApiClient.Response noMethod =
        admin.put(
            "/api/v1/admin/security-settings",
            policy(admin, Map.of("mfaRequirement", "all", "mfaMethods", List.of())));
    assertThat(noMethod.status()).isEqualTo(422);
    assertThat(noMethod.body()).contains("mfaMethods").contains("none_allowed");

    // The auditor reads but cannot change; a plain member cannot do either.
    assertThat(auditor.get("/api/v1/admin/drive-policy").status()).isEqualTo(200);
    for (var e : MODULE_POLICIES.entrySet()) {
      assertThat(auditor.put(e.getKey(), e.getValue()).status()).as(e.getKey()).isEqualTo(403);
      assertThat(member.put(e.getKey(), e.getValue()).status()).as(e.getKey()).isEqualTo(403);
    }
    assertThat(
            auditor
                .put(
                    "/api/v1/admin/security-settings", policy(admin, Map.of("lockoutThreshold", 9)))
                .status())
        .isEqualTo(403);

    // Accepted changes are audited with the values before and after.
    for (var e : MODULE_POLICIES.entrySet()) {
      ApiClient.Response ok = admin.put(e.getKey(), e.getValue());
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }
    assertThat(
            admin
                .put(
                    "/api/v1/admin/security-settings",
                    policy(admin, Map.of("mfaMethods", List.of("passkey"))))
                .status())
        .isEqualTo(200);
    JsonNode drive = lastAudit(admin, "DRIVE_POLICY_CHANGED").get("detail");
    assertThat(drive.get("before").asString()).contains("blockedExtensions=[]");
    assertThat(drive.get("after").asString()).contains("blockedExtensions=[exe]");
    JsonNode talk = lastAudit(admin, "TALK_SETTINGS_CHANGED").get("detail");
    assertThat(talk.get("before").asString())
        .contains("editWindowHours=24")
        .contains("readByVisible=true");
    assertThat(talk.get("after").asString())
        .contains("editWindowHours=1")
        .contains("readByVisible=false");
    JsonNode retention = lastAudit(admin, "RETENTION_POLICY_CHANGED").get("detail");
    assertThat(retention.get("before").toString()).doesNotContain("messages");
    assertThat(retention.get("after").toString()).contains("messages").contains("400");
    assertThat(lastAudit(admin, "POLICY_CHANGED").get("detail").get("changed").asString())
        .isEqualTo("mfaMethods: [totp, passkey] -> [passkey]");

    // Another company's admin changes only their own company's policies.
    ApiClient otherAdmin = other.admin();
    assertThat(
            otherAdmin
                .post("/api/v1/me/reauthenticate", Map.of("password", Fixtures.PASSWORD))
                .status())
        .isEqualTo(204);
    assertThat(otherAdmin.get("/api/v1/admin/drive-policy").json().get("blockedExtensions"))
        .isEmpty();
    assertThat(
            otherAdmin
                .put("/api/v1/admin/drive-policy", Map.of("blockedExtensions", List.of("bat")))
                .status())
        .isEqualTo(200);
    assertThat(admin.get("/api/v1/admin/drive-policy").json().get("blockedExtensions").toString())
        .isEqualTo("[\"exe\"]");
    assertThat(otherAdmin.get("/api/v1/admin/talk-settings").json().get("editWindowHours").asInt())
        .isEqualTo(24);
    assertThat(otherAdmin.get("/api/v1/admin/audit?action=DRIVE_POLICY_CHANGED").body())
        .doesNotContain("[exe]");
  }

  @Test
  void repeatedFailedSignInsAndANewAdminNetworkRaiseAlerts() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    Fixtures.TestMember m = fixtures.member(company, "nerawareta");
    ApiClient.Response bad =
        admin.put(
            "/api/v1/admin/alert-settings",
            Map.of("failedSignInThreshold", 1, "failedSignInWindowMinutes", 60, "dormantDays", 90));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(
            admin
                .put(
                    "/api/v1/admin/alert-settings",
                    Map.of(
                        "failedSignInThreshold",
                        3,
                        "failedSignInWindowMinutes",
                        60,
                        "dormantDays",
                        90))
                .status())
        .isEqualTo(200);
    for (int i = 0; i < 2; i++) {
      fixtures.client().login(m.loginId(), "wrong-password-" + i);
    }
    assertThat(alerts(admin, AlertRules.FAILED_SIGNINS)).isEmpty();
    fixtures.client().login(m.loginId(), "wrong-password-x");
    List<JsonNode> failed = alerts(admin, AlertRules.FAILED_SIGNINS);
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).get("subjectLogin").asString()).isEqualTo(m.loginId());
    assertThat(failed.get(0).toString()).doesNotContain("wrong-password");

    tx.executeWithoutResult(
        s ->
            events.publishEvent(
                new MemberSignedIn(company.id(), company.adminId(), "198.51.100.7")));
    tx.executeWithoutResult(
        s ->
            events.publishEvent(
                new MemberSignedIn(company.id(), company.adminId(), "198.51.100.99")));
    assertThat(alerts(admin, AlertRules.ADMIN_NEW_NETWORK)).hasSize(1);
    tx.executeWithoutResult(
        s ->
            events.publishEvent(
                new MemberSignedIn(company.id(), company.adminId(), "203.0.113.5")));
    List<JsonNode> fresh = alerts(admin, AlertRules.ADMIN_NEW_NETWORK);
    assertThat(fresh).hasSize(2);
    assertThat(fresh.get(0).get("detail").asString()).contains("203.0.113.0/24");
    // A plain member's sign-ins are not watched.
    tx.executeWithoutResult(
        s -> events.publishEvent(new MemberSignedIn(company.id(), m.id(), "192.0.2.1")));
    tx.executeWithoutResult(
        s -> events.publishEvent(new MemberSignedIn(company.id(), m.id(), "192.0.3.1")));
    assertThat(alerts(admin, AlertRules.ADMIN_NEW_NETWORK)).hasSize(2);
  }

  @Test
  void aBrokenAuditChainRaisesAnAlert() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    assertThat(rules.checkAuditChain(company.id())).isTrue();
    jdbc.sql("UPDATE audit_event SET actor_login = 'mallory' WHERE tenant_id = ? AND seq = 1")
        .param(company.id())
        .update();
    assertThat(rules.checkAuditChain(company.id())).isFalse();
    assertThat(alerts(company.admin(), AlertRules.AUDIT_CHAIN_BROKEN)).hasSize(1);
  }

  @Test
  void anAccessReviewSignsOffOrRevokesPerMemberAndIsAudited() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    Fixtures.TestMember jinji = fixtures.member(company, "jinji", "member_admin");
    Fixtures.TestMember kansa = fixtures.member(company, "kansa", "auditor");
    Fixtures.TestMember plain = fixtures.member(company, "ippan");
    ApiClient.Response token =
        jinji.client().post("/api/v1/me/tokens", Map.of("name", "cli", "scopes", List.of("read")));
    assertThat(token.status()).isEqualTo(201);

    JsonNode report = admin.get("/api/v1/admin/access-review?size=500").json();
    assertThat(report.get("total").asLong()).isEqualTo(4);
    JsonNode j =
        report
            .get("items")
            .valueStream()
            .filter(e -> e.get("loginId").asString().equals(jinji.loginId()))
            .findFirst()
            .orElseThrow();
    assertThat(j.get("roles").toString()).contains("member_admin");
    assertThat(j.get("activeTokens").asLong()).isEqualTo(1);
    assertThat(j.get("dormant").asBoolean()).isFalse();
    assertThat(j.get("mfaEnabled").asBoolean()).isFalse();
    assertThat(j.get("lastLoginAt").isNull()).isFalse();
    // The auditor reads the report but decides nothing.
    assertThat(kansa.client().get("/api/v1/admin/access-review").status()).isEqualTo(200);
    assertThat(
            kansa.client().post("/api/v1/admin/access-review/cycles", Map.of("name", "x")).status())
        .isEqualTo(403);
    assertThat(plain.client().get("/api/v1/admin/access-review").status()).isEqualTo(403);

    ApiClient.Response started =
        admin.post("/api/v1/admin/access-review/cycles", Map.of("name", "2026年 第4四半期"));
    assertThat(started.status()).isEqualTo(201);
    String cycle = started.json().get("id").asString();
    String decisions = "/api/v1/admin/access-review/cycles/" + cycle + "/decisions";
    assertThat(admin.post(decisions, Map.of("memberId", kansa.id(), "decision", "keep")).status())
        .isEqualTo(200);
    ApiClient.Response revoke =
        admin.post(decisions, Map.of("memberId", jinji.id(), "decision", "revoke", "note", "異動"));
    assertThat(revoke.status()).isEqualTo(200);
    assertThat(revoke.json().get("revoked").asLong()).isEqualTo(1);
    assertThat(
            admin
                .post(decisions, Map.of("memberId", company.adminId(), "decision", "keep"))
                .status())
        .as("no self review")
        .isEqualTo(409);
    assertThat(admin.post(decisions, Map.of("memberId", plain.id(), "decision", "maybe")).status())
        .isEqualTo(422);

    assertThat(jinji.client().get("/api/v1/me").status()).as("sessions end").isEqualTo(401);
    assertThat(admin.get("/api/v1/admin/members/" + jinji.id()).json().get("roles").toString())
        .doesNotContain("member_admin");
    JsonNode withDecisions =
        admin.get("/api/v1/admin/access-review?size=500&cycleId=" + cycle).json();
    assertThat(
            withDecisions
                .get("items")
                .valueStream()
                .filter(e -> e.get("memberId").asString().equals(jinji.id().toString()))
                .findFirst()
                .orElseThrow()
                .get("decision")
                .asString())
        .isEqualTo("revoke");
    assertThat(
            admin
                .get("/api/v1/admin/audit?action=ACCESS_REVIEW_REVOKED")
                .json()
                .get("total")
                .asLong())
        .isEqualTo(1);
    assertThat(
            admin
                .get("/api/v1/admin/audit?action=ACCESS_REVIEW_SIGNED_OFF")
                .json()
                .get("total")
                .asLong())
        .isEqualTo(1);
    assertThat(admin.post("/api/v1/admin/access-review/cycles/" + cycle + "/close", null).status())
        .isEqualTo(200);
    assertThat(admin.post(decisions, Map.of("memberId", plain.id(), "decision", "keep")).status())
        .isEqualTo(409);

    clock.advance(Duration.ofDays(91));
    Fixtures.TestCompany other = fixtures.company();
    assertThat(other.admin().get("/api/v1/admin/access-review/cycles/" + cycle).status())
        .isEqualTo(404);
    JsonNode dormant = other.admin().get("/api/v1/admin/access-review?dormant=true").json();
    assertThat(dormant.get("total").asLong()).as("the new admin signed in just now").isZero();
  }

  /** The message of the first error on {@code field}. */
  static String message(ApiClient.Response r, String field) {
    return r.json()
        .get("errors")
        .valueStream()
        .filter(e -> e.get("field").asString().equals(field))
        .findFirst()
        .orElseThrow()
        .get("message")
        .asString();
  }

  @Test
  void fieldMessagesFollowAcceptLanguageWhileCodesStay() {
    ApiClient admin = new Fixtures(port).company().admin();
    Map<String, Object> outOfRange = policy(admin, Map.of("lockoutThreshold", 0));
    Map<String, Object> tooLong = Map.of("summary", "x".repeat(401));

    ApiClient.Response english = admin.put("/api/v1/admin/security-settings", outOfRange);
    ApiClient.Response englishBean = admin.post("/api/v1/incidents", tooLong);
    ApiClient.Response japanese =
        admin
            .header("Accept-Language", "ja-JP,ja;q=0.9,en;q=0.8")
            .put("/api/v1/admin/security-settings", outOfRange);
    ApiClient.Response japaneseBean = admin.post("/api/v1/incidents", tooLong);
    ApiClient.Response other =
        admin.header("Accept-Language", "fr").put("/api/v1/admin/security-settings", outOfRange);
    admin.withoutHeader("Accept-Language");

    assertThat(List.of(english, englishBean, japanese, japaneseBean, other))
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(422));
    assertThat(message(english, "lockoutThreshold")).isEqualTo("Must be between 3 and 100.");
    assertThat(message(japanese, "lockoutThreshold")).isEqualTo("3から100までの値にしてください。");
    assertThat(message(other, "lockoutThreshold")).isEqualTo("Must be between 3 and 100.");
    assertThat(message(englishBean, "summary")).isEqualTo("size must be between 0 and 400");
    assertThat(message(japaneseBean, "summary")).isEqualTo("0 から 400 の間のサイズにしてください");
    assertThat(japanese.json().get("errors").findValuesAsString("code"))
        .isEqualTo(english.json().get("errors").findValuesAsString("code"))
        .contains("range");
    assertThat(japaneseBean.json().get("errors").findValuesAsString("code"))
        .containsExactlyInAnyOrderElementsOf(
            englishBean.json().get("errors").findValuesAsString("code"));
  }

  @Test
  void anIncidentReportReachesSecurityAdminsAndTheOperator() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember m = fixtures.member(company, "hokoku");
    Fixtures.TestMember security = fixtures.member(company, "anzen", "security_admin");
    ApiClient.Response bad =
        m.client().post("/api/v1/incidents", Map.of("category", "ufo", "summary", ""));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().get("errors").findValuesAsString("field"))
        .contains("category", "summary");
    ApiClient.Response ok =
        m.client()
            .post(
                "/api/v1/incidents",
                Map.of(
                    "category", "phishing",
                    "summary", "不審なメール",
                    "details", "パスワード入力を求めるメールが届きました"));
    assertThat(ok.status()).isEqualTo(201);
    assertThat(m.client().get("/api/v1/incidents").status()).isEqualTo(403);
    JsonNode list = security.client().get("/api/v1/incidents").json();
    assertThat(list.get("items").get(0).get("summary").asString()).isEqualTo("不審なメール");
    assertThat(alerts(security.client(), "incident_reported")).hasSize(1);
    JsonNode audit = company.admin().get("/api/v1/admin/audit?action=INCIDENT_REPORTED").json();
    assertThat(audit.get("total").asLong()).isEqualTo(1);
    assertThat(audit.toString()).doesNotContain("パスワード入力");
    ApiClient.Response op = fixtures.operator().get("/api/v1/operator/incidents");
    assertThat(op.status()).isEqualTo(200);
    assertThat(op.body()).contains(company.id().toString()).doesNotContain("不審なメール");
    assertThat(fixtures.company().admin().get("/api/v1/incidents").json().get("total").asLong())
        .isZero();
  }

  @Test
  void massDownloadsAndDeletionsRaiseOneAlertPerWindow() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    Fixtures.TestMember m = fixtures.member(company, "tairyou");
    ApiClient.Response bad =
        admin.put(
            "/api/v1/admin/alert-settings",
            Map.of(
                "failedSignInThreshold", 10,
                "failedSignInWindowMinutes", 60,
                "dormantDays", 90,
                "massDownloadThreshold", 9,
                "massWindowMinutes", 100_000));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body()).contains("massDownloadThreshold", "massWindowMinutes");
    ApiClient.Response ok =
        admin.put(
            "/api/v1/admin/alert-settings",
            Map.of(
                "failedSignInThreshold", 10,
                "failedSignInWindowMinutes", 60,
                "dormantDays", 90,
                "massDownloadThreshold", 10,
                "massDeletionThreshold", 10,
                "massWindowMinutes", 30));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().get("massDownloadThreshold").asInt()).isEqualTo(10);
    // A client that sends only the older fields keeps the mass-action settings.
    assertThat(
            admin
                .put(
                    "/api/v1/admin/alert-settings",
                    Map.of(
                        "failedSignInThreshold", 10,
                        "failedSignInWindowMinutes", 60,
                        "dormantDays", 90))
                .json()
                .get("massWindowMinutes")
                .asInt())
        .isEqualTo(30);

    dev.musubi.drive.DriveClient drive = new dev.musubi.drive.DriveClient(port, m.client());
    String root = drive.root();
    List<String> files = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      files.add(
          drive.uploaded(root, "資料" + i + ".txt", new byte[] {(byte) i}).get("id").asString());
    }
    for (int i = 0; i < 9; i++) {
      assertThat(drive.download(files.get(i)).status()).isEqualTo(200);
    }
    assertThat(rules.checkMassActions(company.id())).isZero();
    assertThat(drive.download(files.get(9)).status()).isEqualTo(200);
    assertThat(rules.checkMassActions(company.id())).isEqualTo(1);
    List<JsonNode> downloads = alerts(admin, AlertRules.MASS_DOWNLOAD);
    assertThat(downloads).hasSize(1);
    assertThat(downloads.get(0).get("subjectLogin").asString()).isEqualTo(m.loginId());
    assertThat(downloads.get(0).get("detail").asString())
        .isEqualTo("10 downloads within 30 minutes");
    // More downloads in the same window: no second alert.
    assertThat(drive.download(files.get(0)).status()).isEqualTo(200);
    assertThat(rules.checkMassActions(company.id())).isZero();

    for (String f : files) {
      assertThat(m.client().delete("/api/v1/drive/items/" + f).status()).isIn(200, 204);
    }
    assertThat(rules.checkMassActions(company.id())).isEqualTo(1);
    assertThat(alerts(admin, AlertRules.MASS_DELETION)).hasSize(1);

    // After the window, the counts start over.
    clock.advance(java.time.Duration.ofMinutes(31));
    assertThat(rules.checkMassActions(company.id())).isZero();

    // The alerts reach the admin's inbox as notices; the member who did it gets none.
    alertMail.deliverPending();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .until(() -> inbox(admin).contains("大量ダウンロード"));
    String mails = inbox(admin);
    assertThat(mails).contains("大量削除", "postmaster@" + company.domain());
    assertThat(inbox(m.client())).doesNotContain("セキュリティアラート");
    alertMail.deliverPending();
    String body = inbox(admin);
    assertThat(body.split("Security alert: 大量ダウンロード", -1)).hasSize(2);
  }

  static String inbox(ApiClient client) {
    JsonNode folders = client.get("/api/v1/mail/folders").json();
    String inbox =
        folders
            .valueStream()
            .filter(f -> "inbox".equals(f.path("role").asString()))
            .findFirst()
            .orElseThrow()
            .get("id")
            .asString();
    return client.get("/api/v1/mail/folders/" + inbox + "/messages").body();
  }
}
