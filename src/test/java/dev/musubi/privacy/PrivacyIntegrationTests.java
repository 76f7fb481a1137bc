package dev.musubi.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.musubi.identity.MemberLifecycle;
import dev.musubi.platform.MusubiCommand;
import dev.musubi.platform.search.SearchIndex;
import dev.musubi.platform.search.SearchQuery;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Personal-data export, retention with legal holds, the erasure of purged members and the privacy
 * notice, all through the real API on a real database, blob store and search index.
 */
@MusubiIntegrationTest
class PrivacyIntegrationTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;
  @Autowired TestClock clock;
  @Autowired JdbcClient jdbc;
  @Autowired dev.musubi.mail.MailInbound inbound;
  @Autowired MemberLifecycle lifecycle;
  @Autowired SearchIndex index;
  @Autowired ApplicationContext context;
  @Autowired PersonalDataExports exports;
  @Autowired dev.musubi.platform.blob.internal.EncryptedBlobStore references;
  @Autowired dev.musubi.platform.MusubiProperties properties;
  java.nio.file.Path dataDir;

  @org.junit.jupiter.api.BeforeEach
  void dataDir() {
    dataDir = properties.dataDir();
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  // ---- export --------------------------------------------------------------------------------

  @Test
  void aMemberDownloadsOneArchiveWithProfileMessagesFilesCalendarsAndContacts() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember me = fixtures.member(company, "honnin");
    Fixtures.TestMember colleague = fixtures.member(company, "doryo");
    PrivacyHttp http = new PrivacyHttp(port, me.client());

    String room = group(me.client(), "export room", colleague);
    send(me.client(), room, "見積もりは来週送ります export-mine");
    send(colleague.client(), room, "同僚の発言 export-theirs");
    byte[] report = "報告書の中身\n".getBytes(StandardCharsets.UTF_8);
    http.uploaded(http.personalRoot(), "報告書.txt", report);
    String calendar = defaultCalendar(me.client());
    ApiClient.Response event =
        me.client()
            .post(
                "/api/v1/calendars/" + calendar + "/events",
                Map.of(
                    "title", "歯医者の予約",
                    "start", "2026-12-20T10:00",
                    "end", "2026-12-20T11:00"));
    assertThat(event.status()).as(event.body()).isEqualTo(201);
    ApiClient.Response contact =
        me.client()
            .post(
                "/api/v1/contacts?book=personal",
                Map.of(
                    "familyName", "鈴木",
                    "givenName", "一郎",
                    "familyNameReading", "すずき",
                    "givenNameReading", "いちろう",
                    "company", "みなと商事"));
    assertThat(contact.status()).as(contact.body()).isEqualTo(201);
    // Mail from outside, with a line that an mbox reader would take for a separator.
    byte[] mail =
        ("From: Partner <p@partner.example>\r\nTo: "
                + me.loginId()
                + "\r\nSubject: export-mail\r\nMessage-ID: <e1@partner.example>\r\n\r\n"
                + "From the start of a line.\r\nご確認ください。\r\n")
            .getBytes(StandardCharsets.UTF_8);
    inbound.deliver(
        new dev.musubi.mail.MailInbound.Envelope(
            "p@partner.example",
            java.util.List.of(me.loginId()),
            "192.0.2.1",
            "mx.partner.example",
            java.time.Instant.now(),
            dev.musubi.mail.MailInbound.AuthResults.none(),
            mail.length),
        new java.io.ByteArrayInputStream(mail));

    assertThat(me.client().get("/api/v1/me/export").status()).isEqualTo(404);
    assertThat(me.client().get("/api/v1/me/export/download").status()).isEqualTo(404);
    ApiClient.Response started = me.client().post("/api/v1/me/export", null);
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    await().until(() -> status(me.client().get("/api/v1/me/export")).equals("ready"));

    PrivacyHttp.Bytes zip = http.get("/api/v1/me/export/download");
    assertThat(zip.status()).isEqualTo(200);
    assertThat(zip.raw().headers().firstValue("Content-Type")).hasValue("application/zip");
    Map<String, byte[]> files = PrivacyHttp.unzip(zip.body());
    assertThat(files)
        .containsKeys(
            "profile/profile.json",
            "talk/messages.json",
            "drive/報告書.txt",
            "contacts/personal.vcf",
            "manifest.json");
    assertThat(text(files, "profile/profile.json")).contains(me.loginId()).doesNotContain("$argon");
    assertThat(text(files, "talk/messages.json"))
        .contains("export-mine")
        .doesNotContain("export-theirs");
    assertThat(files.get("drive/報告書.txt")).isEqualTo(report);
    String ics =
        files.entrySet().stream()
            .filter(e -> e.getKey().startsWith("calendar/") && e.getKey().endsWith(".ics"))
            .map(e -> new String(e.getValue(), StandardCharsets.UTF_8))
            .findFirst()
            .orElseThrow();
    assertThat(ics).contains("BEGIN:VCALENDAR").contains("SUMMARY:歯医者の予約");
    assertThat(text(files, "contacts/personal.vcf")).contains("BEGIN:VCARD").contains("鈴木");
    assertThat(text(files, "mail/Inbox.mbox"))
        .startsWith("From p@partner.example ")
        .contains("Subject: export-mail")
        .contains("\n>From the start of a line.\n")
        .contains("ご確認ください。");
    assertThat(text(files, "manifest.json")).contains("talk/messages.json");

    // Deleted after a complete download: a second one needs a new export.
    await().until(() -> status(me.client().get("/api/v1/me/export")).equals("downloaded"));
    ApiClient.Response again = me.client().get("/api/v1/me/export/download");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.problemType()).contains("export-not-ready");
    assertThat(actions(company.id(), me.id()))
        .contains("PERSONAL_DATA_EXPORT_REQUESTED", "PERSONAL_DATA_EXPORT_DOWNLOADED");

    // Another member cannot see or download it.
    assertThat(colleague.client().get("/api/v1/me/export").status()).isEqualTo(404);
  }

  @Test
  void anAdminExportsAMembersDataAndTheAccessIsAuditedWhileOthersCannotReachIt() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember subject = fixtures.member(company, "taisho");
    Fixtures.TestMember plain = fixtures.member(company, "ippan");
    Fixtures.TestCompany other = fixtures.company();
    PrivacyHttp admin = new PrivacyHttp(port, company.admin());
    String path = "/api/v1/admin/members/" + subject.id() + "/export";

    assertThat(plain.client().post(path, null).status()).isEqualTo(403);
    assertThat(other.admin().post(path, null).status()).isEqualTo(404);
    assertThat(company.admin().post("/api/v1/admin/members/not-an-id/export", null).status())
        .isEqualTo(404);
    assertThat(
            company
                .admin()
                .post("/api/v1/admin/members/" + UUID.randomUUID() + "/export", null)
                .status())
        .isEqualTo(404);

    ApiClient.Response started = admin.api.post(path, null);
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    await().until(() -> status(admin.api.get(path)).equals("ready"));
    assertThat(other.admin().get(path + "/download").status()).isEqualTo(404);
    assertThat(plain.client().get(path + "/download").status()).isEqualTo(403);
    // The member's own export is a different job.
    assertThat(subject.client().get("/api/v1/me/export").status()).isEqualTo(404);

    PrivacyHttp.Bytes zip = admin.get(path + "/download");
    assertThat(zip.status()).isEqualTo(200);
    assertThat(text(PrivacyHttp.unzip(zip.body()), "profile/profile.json"))
        .contains(subject.loginId());
    // The download is recorded once the last byte went out.
    await()
        .until(
            () ->
                actions(company.id(), subject.id())
                    .containsAll(
                        List.of(
                            "ADMIN_PERSONAL_DATA_EXPORT_REQUESTED",
                            "ADMIN_PERSONAL_DATA_EXPORT_DOWNLOADED")));
    assertThat(
            jdbc.sql(
                    "SELECT COUNT(*) FROM audit_event WHERE tenant_id = ? AND target_id = ?"
                        + " AND action = 'ADMIN_PERSONAL_DATA_EXPORT_DOWNLOADED' AND actor_id = ?")
                .params(company.id(), subject.id().toString(), company.adminId())
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void anArchiveNobodyDownloadsIsDeletedAfterADay() throws java.io.IOException {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember me = fixtures.member(company, "wasure");
    PrivacyHttp http = new PrivacyHttp(port, me.client());
    assertThat(http.api.post("/api/v1/me/export", null).status()).isEqualTo(202);
    await().until(() -> status(http.api.get("/api/v1/me/export")).equals("ready"));
    String id = http.api.get("/api/v1/me/export").json().get("id").asString();
    String sha =
        jdbc.sql("SELECT blob_sha256 FROM privacy_export WHERE id = ?")
            .param(UUID.fromString(id))
            .query(String.class)
            .single();
    assertThat(references.referenceCount(company.id(), sha)).isEqualTo(1);
    // Encrypted at rest: the member's login ID is in the archive, but no file under the data
    // directory contains it in plain text.
    byte[] marker = me.loginId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (var files = java.nio.file.Files.walk(dataDir)) {
      for (java.nio.file.Path f :
          files
              .filter(java.nio.file.Files::isRegularFile)
              .filter(f -> !f.toString().contains("lucene"))
              .toList()) {
        byte[] content = java.nio.file.Files.readAllBytes(f);
        assertThat(indexOf(content, marker)).as(f.toString()).isEqualTo(-1);
      }
    }

    clock.advance(Duration.ofHours(25));
    assertThat(exports.expire()).isGreaterThanOrEqualTo(1);
    assertThat(status(http.api.get("/api/v1/me/export"))).isEqualTo("expired");
    assertThat(http.get("/api/v1/me/export/download").status()).isEqualTo(409);
    assertThat(references.referenceCount(company.id(), sha)).isZero();
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  // ---- retention -----------------------------------------------------------------------------

  @Test
  void retentionDeletesEverythingOlderThanThePolicyButKeepsHeldData() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember a = fixtures.member(company, "hozon");
    Fixtures.TestMember held = fixtures.member(company, "horudo");
    PrivacyHttp admin = new PrivacyHttp(port, company.admin());
    PrivacyHttp httpA = new PrivacyHttp(port, a.client());
    PrivacyHttp httpHeld = new PrivacyHttp(port, held.client());

    String open = group(a.client(), "open room", held);
    String kept = group(a.client(), "held room", held);
    UUID oldOpen = send(a.client(), open, "古いメッセージ retention-old");
    UUID oldHeldRoom = send(a.client(), kept, "保全ルーム retention-heldroom");
    UUID oldHeldMember = send(held.client(), open, "保全メンバー retention-heldmember");
    // An old message that carries a file: its attachment goes with it.
    ApiClient.Response up =
        a.client()
            .sendRaw(
                "POST",
                "/api/v1/talk/rooms/" + open + "/attachments?name=memo.txt",
                "添付メモ",
                "text/plain",
                a.client().csrf());
    assertThat(up.status()).as(up.body()).isEqualTo(201);
    String attachment = up.json().get("id").asString();
    ApiClient.Response withFile =
        a.client()
            .post(
                "/api/v1/rooms/" + open + "/messages",
                Map.of("text", "", "attachments", java.util.List.of(attachment)));
    assertThat(withFile.status()).as(withFile.body()).isEqualTo(201);
    UUID oldWithFile = UUID.fromString(withFile.json().get("id").asString());
    await()
        .until(
            () ->
                index.search(query(company.id(), Set.of(open, kept), "retention")).hits().size()
                    == 3);

    String rootA = httpA.personalRoot();
    String trashedA = httpA.uploaded(rootA, "old.txt", "old".getBytes(StandardCharsets.UTF_8));
    String versioned = httpA.uploaded(rootA, "v.txt", "v1".getBytes(StandardCharsets.UTF_8));
    assertThat(httpA.uploadVersion(versioned, "v2".getBytes(StandardCharsets.UTF_8)).status())
        .isEqualTo(201);
    String trashedHeld =
        httpHeld.uploaded(httpHeld.personalRoot(), "h.txt", "h".getBytes(StandardCharsets.UTF_8));
    assertThat(httpA.api.delete("/api/v1/drive/items/" + trashedA).status()).isEqualTo(204);
    assertThat(httpHeld.api.delete("/api/v1/drive/items/" + trashedHeld).status()).isEqualTo(204);

    String pastEvent = event(a.client(), "去年の会議", "2025-01-10T10:00", "2025-01-10T11:00");
    String heldPastEvent = event(held.client(), "保全対象の会議", "2025-01-10T10:00", "2025-01-10T11:00");
    String futureEvent = event(a.client(), "来年の会議", "2027-06-10T10:00", "2027-06-10T11:00");

    // Bad policies are refused and change nothing.
    ApiClient.Response shortAudit =
        company.admin().put("/api/v1/admin/privacy/retention", Map.of("days", Map.of("audit", 90)));
    assertThat(shortAudit.status()).isEqualTo(422);
    assertThat(shortAudit.body()).contains("180");
    assertThat(
            company
                .admin()
                .put("/api/v1/admin/privacy/retention", Map.of("days", Map.of("planets", 30)))
                .status())
        .isEqualTo(422);
    assertThat(
            company
                .admin()
                .put("/api/v1/admin/privacy/retention", Map.of("days", Map.of("messages", 0)))
                .status())
        .isEqualTo(422);
    assertThat(a.client().get("/api/v1/admin/privacy/retention").status()).isEqualTo(403);
    assertThat(admin.api.get("/api/v1/admin/privacy/retention").json().get("days").size()).isZero();

    ApiClient.Response policy =
        company
            .admin()
            .put(
                "/api/v1/admin/privacy/retention",
                Map.of("days", Map.of("messages", 30, "files", 30, "calendar", 30, "audit", 180)));
    assertThat(policy.status()).as(policy.body()).isEqualTo(200);
    assertThat(hold(admin, "room", kept).status()).isEqualTo(201);
    assertThat(hold(admin, "member", held.id().toString()).status()).isEqualTo(201);
    assertThat(hold(admin, "member", held.id().toString()).status()).isEqualTo(409);
    Fixtures.TestCompany other = fixtures.company();
    assertThat(hold(new PrivacyHttp(port, other.admin()), "room", open).status()).isEqualTo(422);
    assertThat(hold(admin, "planet", open).status()).isEqualTo(422);

    clock.advance(Duration.ofDays(40));
    UUID fresh = send(httpA.api, open, "新しいメッセージ retention-fresh");

    ApiClient.Response run = admin.api.post("/api/v1/admin/privacy/retention/run", null);
    assertThat(run.status()).as(run.body()).isEqualTo(200);
    assertThat(run.json().get("deleted").get("messages").asInt()).isEqualTo(2);

    assertThat(messageExists(oldOpen)).isFalse();
    assertThat(messageExists(oldWithFile)).isFalse();
    assertThat(
            count("SELECT COUNT(*) FROM talk_attachment WHERE id = ?", UUID.fromString(attachment)))
        .isZero();
    assertThat(messageExists(oldHeldRoom)).isTrue();
    assertThat(messageExists(oldHeldMember)).isTrue();
    assertThat(messageExists(fresh)).isTrue();
    await()
        .until(
            () ->
                index.search(query(company.id(), Set.of(open), "retention-old")).hits().isEmpty());

    assertThat(nodeExists(trashedA)).isFalse();
    assertThat(nodeExists(trashedHeld)).isTrue();
    assertThat(nodeExists(versioned)).isTrue();
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM drive_version WHERE node_id = ?")
                .param(UUID.fromString(versioned))
                .query(Long.class)
                .single())
        .isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM cal_event WHERE id = ?", UUID.fromString(pastEvent)))
        .isZero();
    assertThat(count("SELECT COUNT(*) FROM cal_event WHERE id = ?", UUID.fromString(heldPastEvent)))
        .isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM cal_event WHERE id = ?", UUID.fromString(futureEvent)))
        .isEqualTo(1);
    assertThat(actions(company.id(), null)).contains("RETENTION_RUN", "LEGAL_HOLD_PLACED");

    // Releasing the hold lets the next run delete what it protected.
    String holdId =
        admin
            .api
            .get("/api/v1/admin/privacy/holds")
            .json()
            .valueStream()
            .filter(h -> h.get("scopeId").asString().equals(kept))
            .findFirst()
            .orElseThrow()
            .get("id")
            .asString();
    assertThat(httpA.api.delete("/api/v1/admin/privacy/holds/" + holdId).status()).isEqualTo(403);
    assertThat(admin.api.delete("/api/v1/admin/privacy/holds/" + holdId).status()).isEqualTo(204);
    assertThat(admin.api.delete("/api/v1/admin/privacy/holds/" + holdId).status()).isEqualTo(404);
    assertThat(admin.api.post("/api/v1/admin/privacy/retention/run", null).status()).isEqualTo(200);
    assertThat(messageExists(oldHeldRoom)).isFalse();
    assertThat(messageExists(oldHeldMember)).isTrue();
  }

  @Test
  void auditRetentionKeepsAnUnbrokenVerifiableChain() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    PrivacyHttp admin = new PrivacyHttp(port, company.admin());
    long before = auditCount(company.id());
    assertThat(before).isPositive();
    assertThat(
            company
                .admin()
                .put("/api/v1/admin/privacy/retention", Map.of("days", Map.of("audit", 180)))
                .status())
        .isEqualTo(200);

    clock.advance(Duration.ofDays(200));
    assertThat(admin.api.post("/api/v1/admin/privacy/retention/run", null).status()).isEqualTo(200);
    // Everything older than 180 days went; the run's own entry remains.
    assertThat(
            jdbc.sql(
                    "SELECT COUNT(*) FROM audit_event WHERE tenant_id = ? AND action <> 'RETENTION_RUN'"
                        + " AND occurred_at < ?")
                .params(company.id(), java.time.OffsetDateTime.now().plusDays(100))
                .query(Long.class)
                .single())
        .isZero();
    ApiClient.Response verify = admin.api.get("/api/v1/admin/audit/verify");
    assertThat(verify.status()).as(verify.body()).isEqualTo(200);
    assertThat(verify.json().get("valid").asBoolean()).as(verify.body()).isTrue();
  }

  // ---- erasure -------------------------------------------------------------------------------

  @Test
  void purgingADeletedMemberErasesTheirDataEverywhereAndEvidencesItInTheAuditTrail() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember gone = fixtures.member(company, "sakujo");
    Fixtures.TestMember stays = fixtures.member(company, "nokoru");
    PrivacyHttp http = new PrivacyHttp(port, gone.client());

    String room = group(gone.client(), "erasure room", stays);
    UUID mine = send(gone.client(), room, "個人的な話 erasure-mine");
    UUID theirs = send(stays.client(), room, "残る話 erasure-theirs");
    await()
        .until(() -> index.search(query(company.id(), Set.of(room), "erasure")).hits().size() == 2);
    String file = http.uploaded(http.personalRoot(), "私物.txt", "x".getBytes());
    assertThat(
            gone.client()
                .post(
                    "/api/v1/contacts?book=personal", Map.of("familyName", "田中", "givenName", "花子"))
                .status())
        .isEqualTo(201);
    defaultCalendar(gone.client());
    assertThat(
            gone.client()
                .post(
                    "/api/v1/mail/messages",
                    Map.of(
                        "to", java.util.List.of(stays.loginId()),
                        "subject", "erasure-mail",
                        "text", "私信"))
                .status())
        .isIn(200, 201, 202);
    assertThat(count("SELECT COUNT(*) FROM mail_message WHERE member_id = ?", gone.id()))
        .isPositive();

    assertThat(company.admin().delete("/api/v1/admin/members/" + gone.id()).status())
        .isEqualTo(204);
    clock.advance(Duration.ofDays(31));
    assertThat(lifecycle.purgeDue()).isGreaterThanOrEqualTo(1);

    await().until(() -> actions(company.id(), gone.id()).contains("MEMBER_DATA_ERASED"));
    assertThat(
            jdbc.sql("SELECT body FROM talk_message WHERE id = ?")
                .param(mine)
                .query(String.class)
                .optional())
        .isEmpty();
    assertThat(messageExists(mine)).isTrue();
    assertThat(messageExists(theirs)).isTrue();
    assertThat(index.search(query(company.id(), Set.of(room), "erasure-mine")).hits()).isEmpty();
    assertThat(index.search(query(company.id(), Set.of(room), "erasure-theirs")).hits()).hasSize(1);
    assertThat(nodeExists(file)).isFalse();
    assertThat(count("SELECT COUNT(*) FROM contact WHERE owner_id = ?", gone.id())).isZero();
    assertThat(count("SELECT COUNT(*) FROM cal_calendar WHERE owner_id = ?", gone.id())).isZero();
    assertThat(count("SELECT COUNT(*) FROM auth_session WHERE member_id = ?", gone.id())).isZero();
    // The mail the member kept is gone; the copy the colleague received stays theirs.
    assertThat(count("SELECT COUNT(*) FROM mail_message WHERE member_id = ?", gone.id())).isZero();
    assertThat(count("SELECT COUNT(*) FROM mail_folder WHERE member_id = ?", gone.id())).isZero();
    assertThat(count("SELECT COUNT(*) FROM mail_message WHERE member_id = ?", stays.id()))
        .isEqualTo(1);
    String detail =
        jdbc.sql(
                "SELECT detail FROM audit_event WHERE tenant_id = ? AND target_id = ?"
                    + " AND action = 'MEMBER_DATA_ERASED'")
            .params(company.id(), gone.id().toString())
            .query(String.class)
            .single();
    assertThat(detail)
        .contains("talk")
        .contains("drive")
        .contains("contacts")
        .contains("calendar")
        .contains("mail");
  }

  @Test
  void aMemberUnderLegalHoldIsNotErasedUntilTheHoldIsReleased() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember gone = fixtures.member(company, "sosho");
    Fixtures.TestMember stays = fixtures.member(company, "aite");
    PrivacyHttp admin = new PrivacyHttp(port, company.admin());
    String room = group(gone.client(), "hold room", stays);
    UUID mine = send(gone.client(), room, "証拠になる発言");
    assertThat(hold(admin, "member", gone.id().toString()).status()).isEqualTo(201);

    assertThat(company.admin().delete("/api/v1/admin/members/" + gone.id()).status())
        .isEqualTo(204);
    clock.advance(Duration.ofDays(31));
    assertThat(lifecycle.purgeDue()).isGreaterThanOrEqualTo(1);
    await().until(() -> actions(company.id(), gone.id()).contains("MEMBER_DATA_ERASURE_HELD"));
    assertThat(
            jdbc.sql("SELECT body FROM talk_message WHERE id = ?")
                .param(mine)
                .query(String.class)
                .single())
        .isEqualTo("証拠になる発言");

    // Once the hold is released, the operator's command (or the daily job) erases the member.
    String holdId = admin.api.get("/api/v1/admin/privacy/holds").json().get(0).get("id").asString();
    assertThat(admin.api.delete("/api/v1/admin/privacy/holds/" + holdId).status()).isEqualTo(204);
    MusubiCommand command = context.getBean("retention-run", MusubiCommand.class);
    assertThat(command.run(List.of("not-a-company"))).isEqualTo(2);
    assertThat(command.run(List.of(company.id().toString()))).isZero();
    assertThat(actions(company.id(), gone.id())).contains("MEMBER_DATA_ERASED");
    assertThat(
            jdbc.sql("SELECT body FROM talk_message WHERE id = ?")
                .param(mine)
                .query(String.class)
                .optional())
        .isEmpty();
  }

  // ---- notice --------------------------------------------------------------------------------

  @Test
  void theCompanyEditsItsPrivacyNoticeAndEveryMemberReadsIt() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember m = fixtures.member(company, "yomu");
    Fixtures.TestCompany other = fixtures.company();

    assertThat(m.client().get("/api/v1/privacy-notice").json().get("body").asString()).isEmpty();
    assertThat(fixtures.client().get("/api/v1/privacy-notice").status()).isEqualTo(401);
    assertThat(m.client().put("/api/v1/admin/privacy/notice", Map.of("body", "乗っ取り")).status())
        .isEqualTo(403);
    assertThat(
            company
                .admin()
                .put("/api/v1/admin/privacy/notice", Map.of("body", "x".repeat(50_001)))
                .status())
        .isEqualTo(422);
    assertThat(
            company
                .admin()
                .put("/api/v1/admin/privacy/notice", Map.of("body", "a\u0000b"))
                .status())
        .isEqualTo(422);
    ApiClient.Response saved =
        company
            .admin()
            .put("/api/v1/admin/privacy/notice", Map.of("body", "個人情報の取扱いについて\n利用目的: 業務連絡"));
    assertThat(saved.status()).as(saved.body()).isEqualTo(200);

    assertThat(m.client().get("/api/v1/privacy-notice").json().get("body").asString())
        .isEqualTo("個人情報の取扱いについて\n利用目的: 業務連絡");
    assertThat(other.admin().get("/api/v1/privacy-notice").json().get("body").asString()).isEmpty();
    assertThat(actions(company.id(), null)).contains("PRIVACY_NOTICE_CHANGED");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static String status(ApiClient.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("status").asString();
  }

  private static String text(Map<String, byte[]> files, String name) {
    assertThat(files).containsKey(name);
    return new String(files.get(name), StandardCharsets.UTF_8);
  }

  private static String group(ApiClient owner, String name, Fixtures.TestMember... members) {
    ApiClient.Response r =
        owner.post(
            "/api/v1/rooms",
            Map.of(
                "type",
                "group",
                "name",
                name,
                "members",
                java.util.Arrays.stream(members).map(x -> x.id().toString()).toList()));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  private static UUID send(ApiClient client, String room, String text) {
    ApiClient.Response r = client.post("/api/v1/rooms/" + room + "/messages", Map.of("text", text));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return UUID.fromString(r.json().get("id").asString());
  }

  private static String defaultCalendar(ApiClient c) {
    ApiClient.Response r = c.get("/api/v1/calendars");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    for (JsonNode cal : r.json()) {
      if (cal.get("isDefault").asBoolean()) {
        return cal.get("id").asString();
      }
    }
    throw new AssertionError("no default calendar: " + r.body());
  }

  private static String event(ApiClient c, String title, String start, String end) {
    ApiClient.Response r =
        c.post(
            "/api/v1/calendars/" + defaultCalendar(c) + "/events",
            Map.of("title", title, "start", start, "end", end));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  private static ApiClient.Response hold(PrivacyHttp admin, String type, String id) {
    return admin.api.post(
        "/api/v1/admin/privacy/holds",
        Map.of("scopeType", type, "scopeId", id, "reason", "訴訟対応 2026-001"));
  }

  private static SearchQuery query(UUID tenant, Set<String> rooms, String text) {
    return new SearchQuery(tenant, "message", text, rooms, null, null, null, 50);
  }

  private boolean messageExists(UUID id) {
    return count("SELECT COUNT(*) FROM talk_message WHERE id = ?", id) == 1;
  }

  private boolean nodeExists(String id) {
    return count("SELECT COUNT(*) FROM drive_node WHERE id = ?", UUID.fromString(id)) == 1;
  }

  private long count(String sql, UUID id) {
    return jdbc.sql(sql).param(id).query(Long.class).single();
  }

  private long auditCount(UUID tenant) {
    return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE tenant_id = ?")
        .param(tenant)
        .query(Long.class)
        .single();
  }

  private List<String> actions(UUID tenant, @org.jspecify.annotations.Nullable UUID target) {
    return target == null
        ? jdbc.sql("SELECT action FROM audit_event WHERE tenant_id = ?")
            .param(tenant)
            .query(String.class)
            .list()
        : jdbc.sql("SELECT action FROM audit_event WHERE tenant_id = ? AND target_id = ?")
            .params(tenant, target.toString())
            .query(String.class)
            .list();
  }
}
