package dev.musubi.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.musubi.drive.DriveClient;
import dev.musubi.identity.MemberLifecycle;
import dev.musubi.identity.MemberPurged;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Crypto-shredding end to end: a member's mailbox and personal drive are under keys of their own,
 * which the erasure after the deletion grace period destroys; what a colleague was handed or sent
 * stays readable.
 */
@MusubiIntegrationTest
class CryptoShreddingIntegrationTests {

  @LocalServerPort int port;
  @Autowired TestClock clock;
  @Autowired JdbcClient jdbc;
  @Autowired MemberLifecycle lifecycle;
  @Autowired ApplicationEventPublisher events;
  @Autowired TransactionTemplate tx;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  /** Whose key the blob is under; empty for the company's key. */
  Optional<UUID> keyOwner(UUID tenant, String sha) {
    return jdbc.sql(
            "SELECT k.member_id FROM blob b JOIN blob_data_key k ON k.id = b.data_key_id"
                + " WHERE b.tenant_id = ? AND b.sha256 = ?")
        .params(tenant, sha)
        .query((rs, n) -> Optional.ofNullable(rs.getObject(1, UUID.class)))
        .single();
  }

  String mailBlob(UUID member) {
    return jdbc.sql("SELECT blob_sha256 FROM mail_message WHERE member_id = ?")
        .param(member)
        .query(String.class)
        .single();
  }

  long count(String sql, Object... params) {
    return jdbc.sql(sql).params(params).query(Long.class).single();
  }

  @Test
  void erasingAMemberDestroysTheirKeysWhileWhatTheyHandedOverOrSentStaysReadable() {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember gone = fixtures.member(company, "shred");
    Fixtures.TestMember heir = fixtures.member(company, "uketsugu");
    Fixtures.TestMember colleague = fixtures.member(company, "douryou");

    DriveClient drive = new DriveClient(port, gone.client());
    JsonNode file =
        drive.uploaded(drive.root(), "引き継ぎ資料.txt", "引き継ぐ中身".getBytes(StandardCharsets.UTF_8));
    String fileSha =
        jdbc.sql("SELECT sha256 FROM drive_version WHERE node_id = ?")
            .param(UUID.fromString(file.get("id").asString()))
            .query(String.class)
            .single();
    ApiClient.Response sent =
        gone.client()
            .post(
                "/api/v1/mail/messages",
                Map.of(
                    "to", List.of(colleague.loginId()),
                    "subject", "shred-mail",
                    "text", "私信 shredding"));
    assertThat(sent.status()).as(sent.body()).isIn(200, 201, 202);

    // Each copy is its member's: the sent copy, the colleague's copy and the personal file each
    // under the key of the member it belongs to.
    String sentSha = mailBlob(gone.id());
    String receivedSha = mailBlob(colleague.id());
    assertThat(sentSha).isNotEqualTo(receivedSha);
    assertThat(keyOwner(company.id(), sentSha)).contains(gone.id());
    assertThat(keyOwner(company.id(), receivedSha)).contains(colleague.id());
    assertThat(keyOwner(company.id(), fileSha)).contains(gone.id());

    assertThat(
            company
                .admin()
                .delete("/api/v1/admin/members/" + gone.id() + "?handTo=" + heir.id())
                .status())
        .isEqualTo(204);
    clock.advance(Duration.ofDays(31));
    assertThat(lifecycle.purgeDue()).isGreaterThanOrEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                count(
                        "SELECT COUNT(*) FROM audit_event WHERE tenant_id = ? AND target_id = ?"
                            + " AND action = 'MEMBER_DATA_ERASED'",
                        company.id(),
                        gone.id().toString())
                    == 1);

    // The member's keys exist no more (their rows remain, emptied, as evidence) ...
    assertThat(
            count(
                "SELECT COUNT(*) FROM blob_data_key WHERE member_id = ? AND destroyed_at IS NULL",
                gone.id()))
        .isZero();
    assertThat(
            count(
                "SELECT COUNT(*) FROM blob_data_key WHERE member_id = ? AND wrapped_keyset = ''",
                gone.id()))
        .isEqualTo(1);
    // ... their own mail is gone with its ciphertext ...
    assertThat(count("SELECT COUNT(*) FROM blob WHERE sha256 = ?", sentSha)).isZero();
    // ... while the handed-over file moved to the company's key and the colleague's mail is theirs.
    assertThat(keyOwner(company.id(), fileSha)).isEmpty();
    assertThat(keyOwner(company.id(), receivedSha)).contains(colleague.id());
    ApiClient heirAgain = fixtures.client();
    assertThat(heirAgain.login(heir.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    DriveClient.Bytes download =
        new DriveClient(port, heirAgain).download(file.get("id").asString());
    assertThat(download.status()).isEqualTo(200);
    assertThat(new String(download.body(), StandardCharsets.UTF_8)).isEqualTo("引き継ぐ中身");
    ApiClient colleagueAgain = fixtures.client();
    assertThat(colleagueAgain.login(colleague.loginId(), Fixtures.PASSWORD).status())
        .isEqualTo(200);
    UUID received =
        jdbc.sql("SELECT id FROM mail_message WHERE member_id = ?")
            .param(colleague.id())
            .query(UUID.class)
            .single();
    ApiClient.Response read = colleagueAgain.get("/api/v1/mail/messages/" + received);
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    assertThat(read.body()).contains("私信 shredding");

    String detail =
        jdbc.sql(
                "SELECT detail FROM audit_event WHERE tenant_id = ? AND target_id = ?"
                    + " AND action = 'MEMBER_DATA_ERASED'")
            .params(company.id(), gone.id().toString())
            .query(String.class)
            .single();
    assertThat(detail)
        .contains("\"keysDestroyed\":\"1\"")
        .contains("\"blobsShredded\":\"1\"")
        .contains("\"blobsKeptForOthers\":\"1\"");

    // The purge delivered again, as the event publication registry does after a crash: the
    // erasure is done already, so nothing is erased or audited twice, and no row stays.
    tx.executeWithoutResult(s -> events.publishEvent(new MemberPurged(company.id(), gone.id())));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                count(
                        "SELECT COUNT(*) FROM event_publication WHERE listener_id LIKE ?"
                            + " AND serialized_event LIKE ?",
                        "%MemberErasure%",
                        "%" + gone.id() + "%")
                    == 0);
    assertThat(
            count(
                "SELECT COUNT(*) FROM audit_event WHERE tenant_id = ? AND target_id = ?"
                    + " AND action LIKE 'MEMBER_DATA_ERASURE%'",
                company.id(), gone.id().toString()))
        .isZero();
    assertThat(
            count(
                "SELECT COUNT(*) FROM audit_event WHERE tenant_id = ? AND target_id = ?"
                    + " AND action = 'MEMBER_DATA_ERASED'",
                company.id(),
                gone.id().toString()))
        .isEqualTo(1);
    assertThat(
            jdbc.sql("SELECT status FROM privacy_erasure WHERE member_id = ?")
                .param(gone.id())
                .query(String.class)
                .single())
        .isEqualTo("done");
  }
}
