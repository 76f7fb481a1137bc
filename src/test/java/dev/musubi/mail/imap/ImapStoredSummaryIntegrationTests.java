package dev.musubi.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.mail.Mailboxes;
import dev.musubi.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * FETCH of ENVELOPE, BODY and BODYSTRUCTURE is answered from what the store keeps with each message
 * (at delivery, APPEND and COPY), and gives the same answer as reading the message; messages stored
 * before that was kept get it on their first FETCH. SEARCH SUBJECT asks the database, also for
 * subjects stored before they were kept folded; threading finds later arrivals by their references.
 */
class ImapStoredSummaryIntegrationTests extends ImapIntegrationTestBase {

  @Autowired JdbcClient jdbc;
  @Autowired Mailboxes mailboxes;

  private static final String MULTIPART =
      "From: =?UTF-8?B?5bGx55Sw?= <yamada@outside.example>\r\n"
          + "Sender: secretary@outside.example\r\n"
          + "Reply-To: replies@outside.example\r\n"
          + "To: \"Tanaka, Taro\" <TO>, other@outside.example\r\n"
          + "Cc: cc@outside.example\r\n"
          + "Subject: =?UTF-8?B?6KaL56mN5pu444Gu6YCB5LuY?=\r\n"
          + "Date: Tue, 3 Mar 2026 09:30:00 +0900\r\n"
          + "Message-ID: <summary-1@outside.example>\r\n"
          + "In-Reply-To: <earlier@outside.example>\r\n"
          + "MIME-Version: 1.0\r\n"
          + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
          + "\r\n"
          + "--outer\r\n"
          + "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
          + "\r\n"
          + "--inner\r\n"
          + "Content-Type: text/plain; charset=UTF-8\r\n"
          + "Content-Transfer-Encoding: 8bit\r\n"
          + "\r\n"
          + "見積書をお送りします。\r\n"
          + "--inner\r\n"
          + "Content-Type: text/html; charset=UTF-8\r\n"
          + "Content-Transfer-Encoding: quoted-printable\r\n"
          + "\r\n"
          + "<p>=E8=A6=8B=E7=A9=8D=E6=9B=B8</p>\r\n"
          + "--inner--\r\n"
          + "--outer\r\n"
          + "Content-Type: application/pdf; name=\"q.pdf\"\r\n"
          + "Content-Disposition: attachment; filename=\"q.pdf\"\r\n"
          + "Content-Transfer-Encoding: base64\r\n"
          + "\r\n"
          + "JVBERi0xLjQK\r\n"
          + "--outer--\r\n";

  @Test
  void fetchGivesTheSameStructureFromTheKeptSummaryAsFromTheMessageAndBackfillsMissingOnes()
      throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "summary1");
    String address = "summary1@" + company.domain();
    byte[] raw = MULTIPART.replace("TO", address).getBytes(StandardCharsets.UTF_8);
    deliverRaw(address, raw);
    try (var wire = signedIn(member)) {
      wire.send("ap APPEND INBOX {" + raw.length + "+}\r\n");
      wire.send(new String(raw, StandardCharsets.UTF_8) + "\r\n");
      assertThat(wire.until("ap").getLast()).startsWith("ap OK [APPENDUID ");
      assertThat(kept(member.id())).isEqualTo(2); // at delivery and at APPEND

      wire.command("s", "SELECT INBOX");
      List<String> fromSummary =
          wire.command("f", "FETCH 1:2 (ENVELOPE BODY BODYSTRUCTURE RFC822.SIZE)");
      assertThat(fromSummary.getLast()).startsWith("f OK");
      String joined = String.join("\n", fromSummary);
      assertThat(joined)
          .contains("\"ALTERNATIVE\" (\"BOUNDARY\" \"inner\")")
          .contains("(\"APPLICATION\" \"PDF\" (\"NAME\" \"q.pdf\")")
          .contains("\"MIXED\" (\"BOUNDARY\" \"outer\")")
          .contains("<summary-1@outside.example>")
          .contains("\"<earlier@outside.example>\"")
          .contains("(NIL NIL \"secretary\" \"outside.example\")");
      // Delivered and appended copies of one message give one answer.
      assertThat(withoutSequence(fetchOf(fromSummary, 1)))
          .isEqualTo(withoutSequence(fetchOf(fromSummary, 2)));

      // Rows stored before the summary was kept: FETCH reads the message, answers the same, and
      // keeps the summary for the next time.
      forget(member.id());
      assertThat(kept(member.id())).isZero();
      List<String> fromMessage =
          wire.command("g", "FETCH 1:2 (ENVELOPE BODY BODYSTRUCTURE RFC822.SIZE)");
      assertThat(fromMessage.subList(0, fromMessage.size() - 1))
          .isEqualTo(fromSummary.subList(0, fromSummary.size() - 1));
      assertThat(kept(member.id())).isEqualTo(2);

      // COPY keeps it too, and the copy answers alike.
      assertThat(wire.command("c", "COPY 1 Archive").getLast()).startsWith("c OK");
      assertThat(kept(member.id())).isEqualTo(3);
      wire.command("s2", "SELECT Archive");
      List<String> copied = wire.command("h", "FETCH 1 (ENVELOPE BODY BODYSTRUCTURE RFC822.SIZE)");
      assertThat(withoutSequence(fetchOf(copied, 1)))
          .isEqualTo(withoutSequence(fetchOf(fromSummary, 1)));
    }
  }

  @Test
  void searchAsksTheDatabaseForSubjectsAndFlagsAndFoldsOldSubjectsOnTheWay() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "summary2");
    String address = "summary2@" + company.domain();
    deliver(address, "=?UTF-8?B?" + b64("ＰＤＦの見積書 ２０２６") + "?=", "one");
    deliver(address, "=?UTF-8?B?" + b64("議事録") + "?=", "two");
    deliver(address, "=?UTF-8?B?" + b64("pdfの見積書 (再送)") + "?=", "three");
    deliver(address, "100% done_ok", "four");
    // The first message as stored before subjects were kept folded.
    jdbc.sql(
            "UPDATE mail_message SET subject_folded = NULL WHERE member_id = ? AND uid = 1"
                + " AND folder_id = (SELECT id FROM mail_folder WHERE member_id = ?"
                + " AND role = 'inbox')")
        .params(member.id(), member.id())
        .update();
    try (var wire = signedIn(member)) {
      wire.command("s", "SELECT INBOX");
      assertThat(search(wire, "a", "UID SEARCH CHARSET UTF-8 SUBJECT", "PDFの見積書"))
          .isEqualTo("* SEARCH 1 3");
      assertThat(
              jdbc.sql(
                      "SELECT COUNT(*) FROM mail_message WHERE member_id = ?"
                          + " AND subject_folded IS NULL")
                  .param(member.id())
                  .query(Long.class)
                  .single())
          .isZero();
      wire.command("st", "UID STORE 3 +FLAGS (\\Seen)");
      assertThat(search(wire, "b", "UID SEARCH CHARSET UTF-8 UNSEEN SUBJECT", "見積書"))
          .isEqualTo("* SEARCH 1");
      assertThat(search(wire, "c", "UID SEARCH CHARSET UTF-8 SEEN SUBJECT", "見積書"))
          .isEqualTo("* SEARCH 3");
      // LIKE wildcards in the text are plain characters.
      assertThat(wire.command("d", "UID SEARCH SUBJECT \"0% done_\"")).contains("* SEARCH 4");
      assertThat(wire.command("e", "UID SEARCH SUBJECT \"_\"")).contains("* SEARCH 4");
      assertThat(wire.command("f", "UID SEARCH OR SUBJECT 議事録 SUBJECT \"100%\""))
          .contains("* SEARCH 2 4");
      assertThat(wire.command("g", "UID SEARCH NOT SUBJECT \"見積書\" UNSEEN"))
          .contains("* SEARCH 2 4");

      // A subject too long for the search index (V76) is not kept folded; SEARCH checks that
      // message itself and still finds it.
      String longSubject = "長い件名の会議資料です".repeat(60) + " ＰＤＦの見積書";
      // RFC 2047 §6.2: adjacent encoded words on folded lines join without the white space.
      var encoded = new StringBuilder();
      for (int i = 0; i < longSubject.length(); i += 11) {
        String part = longSubject.substring(i, Math.min(longSubject.length(), i + 11));
        encoded.append(i == 0 ? "" : "\r\n ").append("=?UTF-8?B?").append(b64(part)).append("?=");
      }
      deliver(address, encoded.toString(), "five");
      wire.command("n", "NOOP");
      assertThat(search(wire, "h", "UID SEARCH CHARSET UTF-8 SUBJECT", "pdfの見積書"))
          .isEqualTo("* SEARCH 1 3 5");
      assertThat(
              jdbc.sql(
                      "SELECT COUNT(*) FROM mail_message WHERE member_id = ? AND uid = 5"
                          + " AND subject_folded IS NULL")
                  .param(member.id())
                  .query(Long.class)
                  .single())
          .isOne();
      // UIDs out of order and repeated (looked up by a join with the list) answer once each.
      List<String> listed = wire.command("i", "UID FETCH 5,1,3,1 (FLAGS)");
      assertThat(listed.stream().filter(l -> l.contains(" FETCH (")).toList())
          .hasSize(3)
          .anyMatch(l -> l.contains("UID 5"))
          .anyMatch(l -> l.contains("UID 1"))
          .anyMatch(l -> l.contains("UID 3"));
    }
  }

  @Test
  void anOriginalArrivingAfterItsReplyJoinsTheReplysThreadAndUsageFollowsCopiesAndExpunges()
      throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "summary3");
    String address = "summary3@" + company.domain();
    deliverRaw(
        address,
        ("From: a@outside.example\r\nTo: "
                + address
                + "\r\nSubject: Re: 日程\r\nMessage-ID: <r2@x>\r\nIn-Reply-To: <r1@x>\r\n"
                + "References: <r0@x> <r1@x>\r\n\r\nreply\r\n")
            .getBytes(StandardCharsets.UTF_8));
    deliverRaw(
        address,
        ("From: a@outside.example\r\nTo: "
                + address
                + "\r\nSubject: 日程\r\nMessage-ID: <r0@x>\r\n\r\nroot\r\n")
            .getBytes(StandardCharsets.UTF_8));
    deliverRaw(
        address,
        ("From: a@outside.example\r\nTo: "
                + address
                + "\r\nSubject: other\r\nMessage-ID: <r0@x.other>\r\n\r\nother\r\n")
            .getBytes(StandardCharsets.UTF_8));
    List<UUID> threads =
        jdbc.sql("SELECT thread_id FROM mail_message WHERE member_id = ? ORDER BY uid")
            .param(member.id())
            .query(UUID.class)
            .list();
    assertThat(threads.get(1)).isEqualTo(threads.get(0));
    assertThat(threads.get(2)).isNotEqualTo(threads.get(0));

    assertThat(mailboxes.used(company.id(), member.id())).isEqualTo(sum(member.id()));
    try (var wire = signedIn(member)) {
      wire.command("s", "SELECT INBOX");
      assertThat(wire.command("c", "COPY 1:2 Archive").getLast()).startsWith("c OK");
      assertThat(mailboxes.used(company.id(), member.id())).isEqualTo(sum(member.id()));
      wire.command("d", "STORE 1 +FLAGS.SILENT (\\Deleted)");
      assertThat(wire.command("e", "EXPUNGE")).contains("* 1 EXPUNGE");
    }
    assertThat(mailboxes.used(company.id(), member.id())).isEqualTo(sum(member.id()));
    assertThat(sum(member.id())).isPositive();
  }

  @Test
  void sessionsSelectingAnUnchangedFolderShareItsUidListAndSeeEveryChange() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "summary4");
    String address = "summary4@" + company.domain();
    deliver(address, "one", "1");
    deliver(address, "two", "2");
    try (var first = signedIn(member);
        var second = signedIn(member)) {
      assertThat(first.command("a", "SELECT INBOX")).contains("* 2 EXISTS");
      assertThat(second.command("a", "SELECT INBOX")).contains("* 2 EXISTS");
      deliver(address, "three", "3");
      assertThat(second.command("b", "SELECT INBOX")).contains("* 3 EXISTS");
      assertThat(first.command("b", "NOOP")).contains("* 3 EXISTS");
      first.command("c", "UID STORE 1 +FLAGS.SILENT (\\Deleted)");
      assertThat(first.command("d", "EXPUNGE")).contains("* 1 EXPUNGE");
      assertThat(second.command("c", "NOOP")).contains("* 1 EXPUNGE");
      assertThat(second.command("d", "UID SEARCH ALL")).contains("* SEARCH 2 3");
      assertThat(first.command("e", "EXAMINE INBOX")).contains("* 2 EXISTS");
    }
  }

  @Test
  void sentCopiesLocalDeliveriesAndDraftsKeepTheirSummaryFromTheStart() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember sender = fixtures.member(company, "summary5");
    Fixtures.TestMember receiver = fixtures.member(company, "summary6");
    var sent =
        sender
            .client()
            .post(
                "/api/v1/mail/messages",
                java.util.Map.of(
                    "to",
                    List.of("summary6@" + company.domain()),
                    "subject",
                    "見積書の件",
                    "text",
                    "よろしくお願いします。"));
    assertThat(sent.status()).isEqualTo(202);
    var draft =
        sender
            .client()
            .post(
                "/api/v1/mail/drafts",
                java.util.Map.of("to", List.of("x@outside.example"), "subject", "下書き"));
    assertThat(draft.status()).isLessThan(300);
    assertThat(kept(sender.id())).isEqualTo(2); // Sent and Drafts
    assertThat(kept(receiver.id())).isEqualTo(1);
    try (var wire = signedIn(receiver)) {
      wire.command("s", "SELECT INBOX");
      List<String> kept = wire.command("f", "FETCH 1 (ENVELOPE BODYSTRUCTURE)");
      forget(receiver.id());
      assertThat(wire.command("g", "FETCH 1 (ENVELOPE BODYSTRUCTURE)").subList(0, kept.size() - 1))
          .isEqualTo(kept.subList(0, kept.size() - 1))
          .anyMatch(l -> l.contains("\"summary5\" \"" + company.domain() + "\""));
    }
  }

  private long sum(UUID memberId) {
    return jdbc.sql("SELECT COALESCE(SUM(size), 0) FROM mail_message WHERE member_id = ?")
        .param(memberId)
        .query(Long.class)
        .single();
  }

  private long kept(UUID memberId) {
    return jdbc.sql(
            "SELECT COUNT(*) FROM mail_message WHERE member_id = ? AND imap_envelope IS NOT NULL"
                + " AND imap_body IS NOT NULL AND imap_bodystructure IS NOT NULL")
        .param(memberId)
        .query(Long.class)
        .single();
  }

  private void forget(UUID memberId) {
    jdbc.sql(
            "UPDATE mail_message SET imap_envelope = NULL, imap_body = NULL,"
                + " imap_bodystructure = NULL WHERE member_id = ?")
        .param(memberId)
        .update();
  }

  /** The lines of the FETCH response for one sequence number (literals span lines). */
  private static List<String> fetchOf(List<String> lines, int seq) {
    int from = -1;
    int to = lines.size() - 1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("* " + seq + " FETCH ")) {
        from = i;
      } else if (from >= 0 && lines.get(i).matches("\\* [0-9]+ FETCH .*")) {
        to = i;
        break;
      }
    }
    assertThat(from).as("FETCH %d in %s", seq, lines).isNotNegative();
    return lines.subList(from, to);
  }

  private static List<String> withoutSequence(List<String> lines) {
    List<String> out = new java.util.ArrayList<>(lines);
    out.set(0, out.getFirst().replaceFirst("^\\* [0-9]+ FETCH ", "* FETCH "));
    return out;
  }

  private static String search(ImapWire wire, String tag, String command, String text)
      throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    wire.send(tag + " " + command + " {" + bytes.length + "+}\r\n" + text + "\r\n");
    List<String> lines = wire.until(tag);
    assertThat(lines.getLast()).startsWith(tag + " OK");
    return lines.stream().filter(l -> l.startsWith("* SEARCH")).findFirst().orElseThrow();
  }

  private static String b64(String s) {
    return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
