package dev.musubi.mail;

import static dev.musubi.mail.MailInboundIntegrationTests.folder;
import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A folder's message and unseen counts are kept on the folder row (not counted per request): every
 * way a message arrives, moves, leaves or changes its seen flag keeps them equal to the folder's
 * rows; and the newest-first list reads its page through the index made for it.
 */
@MusubiIntegrationTest
class MailFolderCountsIntegrationTests {

  @LocalServerPort int port;
  @Autowired MailInbound inbound;
  @Autowired Mailboxes mailboxes;
  @Autowired JdbcClient jdbc;
  @Autowired DataSource dataSource;
  @Autowired PlatformTransactionManager transactions;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  Fixtures.TestMember tanaka;
  MemberPrincipal actor;
  ApiClient me;

  @BeforeEach
  void company() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    tanaka = fixtures.member(company, "tanaka");
    me = tanaka.client();
    actor =
        new MemberPrincipal(
            company.id(),
            tanaka.id(),
            tanaka.loginId(),
            EnumSet.of(Role.MEMBER),
            null,
            null,
            Set.of());
  }

  void deliver(String subject, String date) throws Exception {
    new TestDeliveries(inbound)
        .deliver(
            "tanaka@" + company.domain(),
            TestDeliveries.SENDER,
            subject,
            "Date: " + date + "\r\n",
            "body");
  }

  /** Every folder of tanaka's: the kept counts equal what the rows say, and the API shows them. */
  void assertCountsMatchTheRows() {
    List<Map<String, Object>> folders =
        jdbc.sql(
                "SELECT f.id, f.message_count, f.unseen_count,"
                    + " (SELECT COUNT(*) FROM mail_message m WHERE m.folder_id = f.id) AS rows_all,"
                    + " (SELECT COUNT(*) FROM mail_message m WHERE m.folder_id = f.id"
                    + " AND NOT m.seen) AS rows_unseen"
                    + " FROM mail_folder f WHERE f.tenant_id = ? AND f.member_id = ?")
            .params(company.id(), tanaka.id())
            .query()
            .listOfRows();
    assertThat(folders).isNotEmpty();
    for (Map<String, Object> f : folders) {
      assertThat(((Number) f.get("message_count")).longValue())
          .as("messages in %s", f.get("id"))
          .isEqualTo(((Number) f.get("rows_all")).longValue());
      assertThat(((Number) f.get("unseen_count")).longValue())
          .as("unseen in %s", f.get("id"))
          .isEqualTo(((Number) f.get("rows_unseen")).longValue());
    }
    for (JsonNode f : me.get("/api/v1/mail/folders").json()) {
      Map<String, Object> row =
          folders.stream()
              .filter(r -> r.get("id").toString().equals(f.get("id").asString()))
              .findFirst()
              .orElseThrow();
      assertThat(f.get("total").asLong()).isEqualTo(((Number) row.get("rows_all")).longValue());
      assertThat(f.get("unread").asLong()).isEqualTo(((Number) row.get("rows_unseen")).longValue());
    }
  }

  @Test
  void everyChangeOfAMessageKeepsItsFolderCountsEqualToTheRows() throws Exception {
    for (int i = 0; i < 6; i++) {
      deliver("件名 " + i, "Mon, 7 Dec 2026 09:0" + i + ":00 +0900");
    }
    String inbox = folder(me, "inbox").get("id").asString();
    UUID inboxId = UUID.fromString(inbox);
    assertThat(folder(me, "inbox").get("total").asLong()).isEqualTo(6);
    assertThat(folder(me, "inbox").get("unread").asLong()).isEqualTo(6);
    assertCountsMatchTheRows();

    JsonNode items = me.get("/api/v1/mail/folders/" + inbox + "/messages?size=50").json();
    assertThat(items.get("total").asLong()).isEqualTo(6);
    List<String> ids = new ArrayList<>();
    items.get("items").forEach(m -> ids.add(m.get("id").asString()));

    // web: seen, seen again (no change), unseen; flagged only
    me.patch("/api/v1/mail/messages/" + ids.get(0), Map.of("seen", true));
    me.patch("/api/v1/mail/messages/" + ids.get(0), Map.of("seen", true));
    me.patch("/api/v1/mail/messages/" + ids.get(1), Map.of("seen", true));
    me.patch("/api/v1/mail/messages/" + ids.get(1), Map.of("seen", false));
    me.patch("/api/v1/mail/messages/" + ids.get(2), Map.of("flagged", true));
    assertThat(folder(me, "inbox").get("unread").asLong()).isEqualTo(5);
    assertCountsMatchTheRows();

    // web: move a seen and an unseen message, then trash one and purge it from the trash
    String custom =
        me.post("/api/v1/mail/folders", Map.of("name", "保管")).json().get("id").asString();
    me.patch("/api/v1/mail/messages/" + ids.get(0), Map.of("folderId", custom));
    me.patch("/api/v1/mail/messages/" + ids.get(3), Map.of("folderId", custom));
    assertCountsMatchTheRows();
    assertThat(me.delete("/api/v1/mail/messages/" + ids.get(4)).status()).isEqualTo(204);
    assertCountsMatchTheRows();
    assertThat(me.delete("/api/v1/mail/messages/" + ids.get(4)).status()).isEqualTo(204);
    assertCountsMatchTheRows();

    // IMAP: STORE \Seen (added, replaced, removed), COPY, MOVE, APPEND, EXPUNGE
    long[] uids = mailboxes.imapUids(actor, inboxId);
    List<Long> all = new ArrayList<>();
    for (long uid : uids) {
      all.add(uid);
    }
    mailboxes.imapStore(actor, inboxId, all, Mailboxes.FlagChange.ADD, Set.of("seen"), null);
    assertCountsMatchTheRows();
    mailboxes.imapStore(
        actor, inboxId, all.subList(0, 1), Mailboxes.FlagChange.REPLACE, Set.of("flagged"), null);
    mailboxes.imapStore(
        actor, inboxId, all.subList(1, 2), Mailboxes.FlagChange.REMOVE, Set.of("seen"), null);
    assertCountsMatchTheRows();
    UUID customId = UUID.fromString(custom);
    mailboxes.imapCopy(actor, inboxId, all, customId, false);
    assertCountsMatchTheRows();
    mailboxes.imapCopy(
        actor, customId, List.of(mailboxes.imapUids(actor, customId)[0]), inboxId, true);
    assertCountsMatchTheRows();
    byte[] appended =
        "From: a@outside.example\r\nSubject: appended\r\n\r\nbody\r\n"
            .getBytes(StandardCharsets.UTF_8);
    mailboxes.imapAppend(actor, inboxId, appended, Set.of(), null);
    mailboxes.imapAppend(actor, inboxId, appended, Set.of("seen"), null);
    assertCountsMatchTheRows();
    mailboxes.imapStore(
        actor,
        customId,
        List.of(mailboxes.imapUids(actor, customId)[0]),
        Mailboxes.FlagChange.ADD,
        Set.of("deleted"),
        null);
    mailboxes.imapExpunge(actor, customId, null);
    assertCountsMatchTheRows();

    // emptying the trash
    String trash = folder(me, "trash").get("id").asString();
    JsonNode inInbox = me.get("/api/v1/mail/folders/" + inbox + "/messages?size=2").json();
    for (JsonNode m : inInbox.get("items")) {
      me.delete("/api/v1/mail/messages/" + m.get("id").asString());
    }
    assertCountsMatchTheRows();
    assertThat(me.post("/api/v1/mail/folders/" + trash + "/empty", null).status()).isEqualTo(200);
    assertCountsMatchTheRows();
    assertThat(folder(me, "trash").get("total").asLong()).isZero();
  }

  @Test
  void concurrentDeliveriesAndSeenChangesAddUp() throws Exception {
    for (int i = 0; i < 4; i++) {
      deliver("先 " + i, "Mon, 7 Dec 2026 08:0" + i + ":00 +0900");
    }
    String inbox = folder(me, "inbox").get("id").asString();
    List<String> first = new ArrayList<>();
    me.get("/api/v1/mail/folders/" + inbox + "/messages?size=50")
        .json()
        .get("items")
        .forEach(m -> first.add(m.get("id").asString()));
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    try (var pool = Executors.newFixedThreadPool(6)) {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        int n = i;
        all.add(
            pool.submit(
                () -> {
                  try {
                    if (n < 8) {
                      deliver("並行 " + n, "Mon, 7 Dec 2026 10:0" + (n % 10) + ":00 +0900");
                    } else {
                      // two writers toggle the same message: the count follows the row
                      String id = first.get(n % 2);
                      assertThat(
                              me.patch("/api/v1/mail/messages/" + id, Map.of("seen", true))
                                  .status())
                          .isEqualTo(200);
                      assertThat(
                              me.patch("/api/v1/mail/messages/" + id, Map.of("seen", n > 9))
                                  .status())
                          .isEqualTo(200);
                    }
                  } catch (Exception | AssertionError e) {
                    failures.add(e);
                  }
                }));
      }
      for (Future<?> f : all) {
        f.get();
      }
    }
    assertThat(failures).isEmpty();
    assertThat(folder(me, "inbox").get("total").asLong()).isEqualTo(12);
    assertCountsMatchTheRows();
  }

  @Test
  void theNewestPageAndTheKeysetPagesReadOnlyTheirRowsInOrder() throws Exception {
    for (int i = 0; i < 7; i++) {
      deliver("順 " + i, "Mon, 7 Dec 2026 11:0" + i + ":00 +0900");
    }
    String inbox = folder(me, "inbox").get("id").asString();
    List<String> subjects = new ArrayList<>();
    String after = null;
    for (int page = 0; page < 4; page++) {
      JsonNode body =
          me.get(
                  "/api/v1/mail/folders/"
                      + inbox
                      + "/messages?size=2"
                      + (after == null ? "" : "&after=" + after))
              .json();
      assertThat(body.get("total").asLong()).isEqualTo(7);
      for (JsonNode m : body.get("items")) {
        subjects.add(m.get("subject").asString());
        after = m.get("id").asString();
      }
    }
    assertThat(subjects).containsExactly("順 6", "順 5", "順 4", "順 3", "順 2", "順 1", "順 0");

    // The plan of the list's statement (as Mailboxes builds it) names the newest-first index, or
    // (PostgreSQL) the oldest-first one read backwards.
    assertThat(listPlan(inbox, "sent_at DESC, id DESC"))
        .containsAnyOf("mail_message_newest_idx", "Backward using mail_message_oldest_idx");
  }

  @Test
  void everyOrderOfTheWebClientPagesInOrderFromItsOwnIndex() throws Exception {
    // sender, subject, date, body length: no two messages tie on any order but subject
    String[][] messages = {
      {"ueda@example.org", "Re: Budget", "Mon, 7 Dec 2026 09:00:00 +0900", "x".repeat(300)},
      {"abe@example.org", "Minutes", "Mon, 7 Dec 2026 09:05:00 +0900", "x".repeat(10)},
      {"kato@example.org", "Budget", "Mon, 7 Dec 2026 08:00:00 +0900", "x".repeat(900)},
      {"ito@example.org", "Agenda", "Mon, 7 Dec 2026 10:00:00 +0900", "x".repeat(600)},
      {"sato@example.org", "Fwd: Minutes", "Mon, 7 Dec 2026 07:00:00 +0900", "x".repeat(50)},
    };
    for (String[] m : messages) {
      new TestDeliveries(inbound)
          .deliver("tanaka@" + company.domain(), m[0], m[1], "Date: " + m[2] + "\r\n", m[3]);
    }
    String inbox = folder(me, "inbox").get("id").asString();
    Map<String, List<String>> expected =
        Map.of(
            "date", List.of("Fwd: Minutes", "Budget", "Re: Budget", "Minutes", "Agenda"),
            "from", List.of("Minutes", "Agenda", "Budget", "Fwd: Minutes", "Re: Budget"),
            // by the subject without Re:/Fwd: (ASCII: the same order under any collation), newest
            // first within one subject
            "subject", List.of("Agenda", "Re: Budget", "Budget", "Minutes", "Fwd: Minutes"),
            "-size", List.of("Budget", "Agenda", "Re: Budget", "Fwd: Minutes", "Minutes"));
    for (var order : expected.entrySet()) {
      // page by page, and by keyset after the last message of each page
      List<String> paged = new ArrayList<>();
      List<String> keyset = new ArrayList<>();
      String after = null;
      for (int page = 0; page < 3; page++) {
        String base = "/api/v1/mail/folders/" + inbox + "/messages?size=2&sort=" + order.getKey();
        me.get(base + "&page=" + page)
            .json()
            .get("items")
            .forEach(m -> paged.add(m.get("subject").asString()));
        for (JsonNode m :
            me.get(base + (after == null ? "" : "&after=" + after)).json().get("items")) {
          keyset.add(m.get("subject").asString());
          after = m.get("id").asString();
        }
      }
      assertThat(paged).as(order.getKey()).isEqualTo(order.getValue());
      assertThat(keyset).as(order.getKey()).isEqualTo(order.getValue());
    }

    // The plans of the list's statements (as Mailboxes builds them) name their indexes.
    // PostgreSQL may read the newest-first index backwards for oldest first.
    Map<String, List<String>> indexes =
        Map.of(
            "sent_at ASC, id ASC",
            List.of("mail_message_oldest_idx", "Backward using mail_message_newest_idx"),
            "from_address ASC, sent_at DESC, id DESC",
            List.of("mail_message_sender_idx"),
            "thread_subject ASC, sent_at DESC, id DESC",
            List.of("mail_message_subject_idx"),
            "size DESC, id DESC",
            List.of("mail_message_largest_idx"));
    for (var index : indexes.entrySet()) {
      assertThat(listPlan(inbox, index.getKey()))
          .as(index.getKey())
          .containsAnyOf(index.getValue().toArray(String[]::new));
    }
  }

  /**
   * The plan of the list's statement for a page of {@code folder} in {@code order}, as Mailboxes
   * builds it.
   */
  private String listPlan(String folder, String order) throws java.sql.SQLException {
    return plan(
        "SELECT id FROM mail_message WHERE tenant_id = ? AND member_id = ?"
            + " AND folder_id = ? ORDER BY tenant_id, member_id, folder_id, "
            + order
            + " LIMIT 50 OFFSET 0",
        company.id(),
        tanaka.id(),
        UUID.fromString(folder));
  }

  /**
   * The plan of {@code sql} with {@code params}. On PostgreSQL the planner scans a few rows rather
   * than use an index unless told not to.
   */
  private String plan(String sql, Object... params) throws java.sql.SQLException {
    return new TransactionTemplate(transactions)
        .execute(
            s -> {
              if (postgres()) {
                jdbc.sql("SET LOCAL enable_seqscan = off").update();
                jdbc.sql("SET LOCAL enable_sort = off").update();
              }
              return String.join(
                  "\n", jdbc.sql("EXPLAIN " + sql).params(params).query(String.class).list());
            });
  }

  private boolean postgres() {
    try (var c = dataSource.getConnection()) {
      return c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aRepliedToMessageIsLookedUpByItsMessageIdIndexBeforeAnyAnalysis() throws Exception {
    // The threading lookup of a delivery (Mailboxes.thread), on a table H2 has not analysed: it
    // rated a (tenant_id, member_id) index as cheap as the Message-ID index and walked the mailbox.
    // PostgreSQL plans from its own statistics, which a test's nearly empty table does not give.
    org.junit.jupiter.api.Assumptions.assumeFalse(postgres());
    String plan =
        plan(
            "SELECT thread_id FROM mail_message WHERE tenant_id = ? AND member_id = ?"
                + " AND message_id = ? ORDER BY sent_at LIMIT 1",
            company.id(),
            tanaka.id(),
            "m1@example.org");
    assertThat(plan).containsIgnoringCase("mail_message_msgid_idx");
  }
}
