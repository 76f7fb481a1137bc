package dev.musubi.mail;

import static dev.musubi.mail.MailInboundIntegrationTests.folder;
import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Persistent IMAP UIDs and mod-sequences in the mailbox store, under concurrent deliveries. */
@MusubiIntegrationTest
class MailboxUidIntegrationTests {

  @LocalServerPort int port;
  @Autowired MailInbound inbound;
  @Autowired Mailboxes mailboxes;
  @Autowired JdbcClient jdbc;

  Fixtures.TestCompany company;
  Fixtures.TestMember tanaka;
  MemberPrincipal actor;

  @BeforeEach
  void company() {
    var fixtures = new Fixtures(port);
    company = fixtures.company();
    tanaka = fixtures.member(company, "tanaka");
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

  void deliver(String subject) throws Exception {
    new TestDeliveries(inbound)
        .deliver("tanaka@" + company.domain(), TestDeliveries.SENDER, subject, "", "body");
  }

  @Test
  void concurrentDeliveriesGetDistinctAscendingUids() throws Exception {
    int count = 24;
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    try (var pool = Executors.newFixedThreadPool(8)) {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        all.add(
            pool.submit(
                () -> {
                  try {
                    deliver("並行 " + n);
                  } catch (Exception e) {
                    failures.add(e);
                  }
                }));
      }
      for (Future<?> f : all) {
        f.get();
      }
    }
    assertThat(failures).isEmpty();
    UUID inbox = mailboxes.folderId(company.id(), tanaka.id(), "inbox");
    long[] uids = mailboxes.imapUids(actor, inbox);
    assertThat(uids).hasSize(count);
    for (int i = 0; i < count; i++) {
      assertThat(uids[i]).isEqualTo(i + 1);
    }
    var folder = mailboxes.imapFolder(actor, inbox).orElseThrow();
    assertThat(folder.uidNext()).isEqualTo(count + 1);
    assertThat(folder.highestModseq()).isGreaterThan(count);
    assertThat(folder.uidValidity()).isPositive();
  }

  @Test
  void webmailFlagsAndMovesBumpModseqAndAssignNewUids() throws Exception {
    deliver("一通目");
    deliver("二通目");
    var me = tanaka.client();
    UUID inbox = mailboxes.folderId(company.id(), tanaka.id(), "inbox");
    var first = mailboxes.imapMessages(actor, inbox, 1, 1, 10).getFirst();
    long before = mailboxes.imapFolder(actor, inbox).orElseThrow().highestModseq();
    assertThat(me.patch("/api/v1/mail/messages/" + first.id(), Map.of("flagged", true)).status())
        .isEqualTo(200);
    var flagged = mailboxes.imapMessages(actor, inbox, 1, 1, 10).getFirst();
    assertThat(flagged.flagged()).isTrue();
    assertThat(flagged.modseq()).isGreaterThan(before);

    String archive = folder(me, "archive").get("id").asString();
    assertThat(
            me.patch("/api/v1/mail/messages/" + first.id(), Map.of("folderId", archive)).status())
        .isEqualTo(200);
    assertThat(mailboxes.imapUids(actor, inbox)).containsExactly(2);
    UUID archiveId = UUID.fromString(archive);
    assertThat(mailboxes.imapUids(actor, archiveId)).containsExactly(1);
    // A UID is never reused in a folder: moving back gives the next one.
    assertThat(me.patch("/api/v1/mail/messages/" + first.id(), Map.of("folderId", inbox)).status())
        .isEqualTo(200);
    assertThat(mailboxes.imapUids(actor, inbox)).containsExactly(2, 3);
  }

  @Test
  void imapStoreCopyExpungeAndAppendKeepUidplusAnswers() throws Exception {
    deliver("a");
    deliver("b");
    UUID inbox = mailboxes.folderId(company.id(), tanaka.id(), "inbox");
    UUID trash = mailboxes.folderId(company.id(), tanaka.id(), "trash");
    var stored =
        mailboxes.imapStore(
            actor, inbox, List.of(1L, 2L, 99L), Mailboxes.FlagChange.ADD, Set.of("seen"), null);
    assertThat(stored.changed()).hasSize(2).allMatch(Mailboxes.ImapMessage::seen);
    long modseq = stored.changed().getFirst().modseq();
    var conditional =
        mailboxes.imapStore(
            actor, inbox, List.of(1L), Mailboxes.FlagChange.ADD, Set.of("flagged"), modseq - 1);
    assertThat(conditional.modified()).containsExactly(1L);

    var copy = mailboxes.imapCopy(actor, inbox, List.of(1L, 2L), trash, false);
    assertThat(copy.sourceUids()).containsExactly(1L, 2L);
    assertThat(copy.targetUids()).containsExactly(1L, 2L);
    assertThat(mailboxes.imapUids(actor, inbox)).containsExactly(1, 2);

    mailboxes.imapStore(
        actor, inbox, List.of(1L, 2L), Mailboxes.FlagChange.ADD, Set.of("deleted"), null);
    assertThat(mailboxes.imapExpunge(actor, inbox, List.of(2L))).containsExactly(2L);
    assertThat(mailboxes.imapExpunge(actor, inbox, null)).containsExactly(1L);
    assertThat(mailboxes.imapUids(actor, inbox)).isEmpty();

    byte[] raw = "Subject: 下書き\r\n\r\nhello\r\n".getBytes(StandardCharsets.UTF_8);
    var appended =
        mailboxes.imapAppend(
            actor, inbox, raw, Set.of("flagged", "seen"), Instant.parse("2020-01-02T03:04:05Z"));
    assertThat(appended.targetUids()).containsExactly(3L);
    var m = mailboxes.imapMessages(actor, inbox, 3, 3, 1).getFirst();
    assertThat(m.flagged()).isTrue();
    assertThat(m.seen()).isTrue();
    assertThat(m.internalDate()).isEqualTo(Instant.parse("2020-01-02T03:04:05Z"));
  }

  @Test
  void anotherMembersFolderIsNotFound() {
    var other = new Fixtures(port).member(company, "suzuki");
    UUID theirs = mailboxes.folderId(company.id(), other.id(), "inbox");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> mailboxes.imapExpunge(actor, theirs, null))
        .isInstanceOf(dev.musubi.platform.web.ProblemException.class);
    assertThat(mailboxes.imapFolder(actor, theirs)).isEmpty();
  }
}
