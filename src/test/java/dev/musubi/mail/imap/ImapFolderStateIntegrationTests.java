package dev.musubi.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.mail.Mailboxes;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A folder's UID list is kept between commands and extended by what arrived (not re-read) when no
 * message went; SELECT, NOOP and STATUS stay right across arrivals, flag changes and expunges, made
 * by IMAP sessions and by the store directly. FETCH of a part of a large (multi-segment) message
 * and batched FETCH of many messages give the message's own bytes.
 */
class ImapFolderStateIntegrationTests extends ImapIntegrationTestBase {

  @Autowired Mailboxes mailboxes;

  @Test
  void selectNoopAndStatusFollowArrivalsFlagChangesAndExpunges() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "state1");
    String address = "state1@" + company.domain();
    for (int i = 1; i <= 3; i++) {
      deliver(address, "first " + i, "body " + i);
    }
    try (var a = signedIn(member);
        var b = signedIn(member)) {
      assertThat(a.command("s", "SELECT INBOX")).contains("* 3 EXISTS");
      assertThat(b.command("s", "SELECT INBOX")).contains("* 3 EXISTS");

      // A flag change only: the other session hears FETCH, no EXISTS.
      b.command("f", "STORE 2 +FLAGS.SILENT (\\Seen)");
      List<String> noop = a.command("n1", "NOOP");
      assertThat(noop).contains("* 2 FETCH (UID 2 FLAGS (\\Seen))");
      assertThat(noop).noneMatch(l -> l.endsWith("EXISTS"));

      // Arrivals only.
      deliver(address, "second 4", "body 4");
      deliver(address, "second 5", "body 5");
      assertThat(a.command("n2", "NOOP")).contains("* 5 EXISTS");

      // An expunge and an arrival between two looks: as many changes as arrivals would be, were
      // the flag change not counted; the list must lose UID 1 and gain UID 6.
      b.command("n", "NOOP");
      b.command("d", "STORE 1 +FLAGS.SILENT (\\Deleted)");
      assertThat(b.command("e", "EXPUNGE")).contains("* 1 EXPUNGE");
      deliver(address, "third 6", "body 6");
      List<String> later = a.command("n3", "NOOP");
      assertThat(later).contains("* 1 EXPUNGE", "* 5 EXISTS");
      assertThat(a.command("u", "UID SEARCH ALL")).contains("* SEARCH 2 3 4 5 6");
      assertThat(a.command("g", "UID SEARCH SEEN")).contains("* SEARCH 2");
      assertThat(a.command("t", "STATUS INBOX (MESSAGES UNSEEN UIDNEXT)"))
          .contains("* STATUS \"INBOX\" (MESSAGES 5 UNSEEN 4 UIDNEXT 7)");
    }

    // Changes by the store itself, with no session refreshing the kept list in between.
    MemberPrincipal actor =
        new MemberPrincipal(
            company.id(),
            member.id(),
            member.loginId(),
            EnumSet.of(Role.MEMBER),
            null,
            null,
            Set.of());
    UUID inbox = mailboxes.folderId(company.id(), member.id(), "inbox");
    assertThat(mailboxes.imapUids(actor, inbox)).containsExactly(2, 3, 4, 5, 6);
    mailboxes.imapStore(actor, inbox, List.of(3L), Mailboxes.FlagChange.ADD, Set.of("seen"), null);
    assertThat(mailboxes.imapUids(actor, inbox)).containsExactly(2, 3, 4, 5, 6);
    deliver(address, "fourth 7", "body 7");
    assertThat(mailboxes.imapUids(actor, inbox)).containsExactly(2, 3, 4, 5, 6, 7);
    mailboxes.imapStore(
        actor, inbox, List.of(4L), Mailboxes.FlagChange.ADD, Set.of("deleted"), null);
    mailboxes.imapExpunge(actor, inbox, null);
    deliver(address, "fourth 8", "body 8");
    assertThat(mailboxes.imapUids(actor, inbox)).containsExactly(2, 3, 5, 6, 7, 8);
    UUID archive = mailboxes.folderId(company.id(), member.id(), "archive");
    mailboxes.imapCopy(actor, inbox, List.of(5L), archive, true);
    assertThat(mailboxes.imapUids(actor, inbox)).containsExactly(2, 3, 6, 7, 8);
    assertThat(mailboxes.imapUids(actor, archive)).hasSize(1);

    try (var c = signedIn(member)) {
      List<String> select = c.command("s", "SELECT INBOX");
      assertThat(select).contains("* 5 EXISTS");
      assertThat(c.command("u", "UID SEARCH ALL")).contains("* SEARCH 2 3 6 7 8");
      assertThat(c.command("g", "SEARCH UNSEEN")).contains("* SEARCH 3 4 5");
      assertThat(c.command("t", "STATUS INBOX (MESSAGES UNSEEN)"))
          .contains("* STATUS \"INBOX\" (MESSAGES 5 UNSEEN 3)");
      List<String> flags = c.command("f", "FETCH 1:* (UID FLAGS)");
      assertThat(flags)
          .contains(
              "* 1 FETCH (UID 2 FLAGS (\\Seen))",
              "* 2 FETCH (UID 3 FLAGS (\\Seen))",
              "* 5 FETCH (UID 8 FLAGS ())");
    }
  }

  @Test
  void partsOfALargeMessageAndBatchesOfSmallOnesAreTheMessagesOwnBytes() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "state2");
    // 2.3 MB: three encrypted segments of 1 MiB, so the blob is streamed, not read whole.
    var text = new StringBuilder("Subject: large\r\nFrom: a@outside.example\r\n\r\n");
    for (int line = 0; text.length() < 2_300_000; line++) {
      text.append(String.format("%06d ", line)).append("x".repeat(92)).append("\r\n");
    }
    String large = text.toString();
    byte[] raw = large.getBytes(StandardCharsets.US_ASCII);
    try (var wire = signedIn(member)) {
      wire.send("ap APPEND INBOX {" + raw.length + "+}\r\n");
      wire.send(large + "\r\n");
      assertThat(wire.until("ap").getLast()).startsWith("ap OK [APPENDUID ");
      for (int i = 1; i <= 5; i++) {
        String small = "Subject: small " + i + "\r\n\r\nbody " + i + "\r\n";
        wire.send("a" + i + " APPEND INBOX {" + small.length() + "+}\r\n" + small + "\r\n");
        assertThat(wire.until("a" + i).getLast()).startsWith("a" + i + " OK");
      }
      wire.command("s", "SELECT INBOX");

      assertThat(wire.command("z", "FETCH 1 (RFC822.SIZE)"))
          .contains("* 1 FETCH (RFC822.SIZE " + raw.length + ")");
      // Parts inside the first segment, across the first segment's end, inside the third, and
      // at the end.
      for (int origin : new int[] {300_013, 1_048_500, 2_200_007, raw.length - 40}) {
        List<String> part = wire.command("p", "FETCH 1 (BODY.PEEK[]<" + origin + ".60>)");
        int length = Math.min(60, raw.length - origin);
        String expected = large.substring(origin, origin + length);
        String joined = String.join("\r\n", part.subList(0, part.size() - 1));
        assertThat(joined)
            .startsWith("* 1 FETCH (BODY[]<" + origin + "> {" + length + "}")
            .contains(expected);
      }
      // Beyond the end: empty (RFC 3501 §6.4.5).
      assertThat(wire.command("q", "FETCH 1 (BODY.PEEK[]<" + (raw.length + 5) + ".10>)"))
          .contains("* 1 FETCH (BODY[]<" + (raw.length + 5) + "> {0}", ")");

      // The whole large message and the small ones in one batch, each followed by its own.
      List<String> all = wire.command("b", "FETCH 1:* (BODY.PEEK[])");
      String joined = String.join("\r\n", all);
      assertThat(joined).startsWith("* 1 FETCH (BODY[] {" + raw.length + "}\r\n" + large);
      for (int i = 1; i <= 5; i++) {
        String small = "Subject: small " + i + "\r\n\r\nbody " + i + "\r\n";
        assertThat(joined)
            .contains("* " + (i + 1) + " FETCH (BODY[] {" + small.length() + "}\r\n" + small + ")");
      }
      assertThat(all.getLast()).startsWith("b OK");
    }
  }
}
