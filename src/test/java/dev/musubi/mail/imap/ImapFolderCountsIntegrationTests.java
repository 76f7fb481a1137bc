package dev.musubi.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.mail.imap.codec.ModifiedUtf7;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * STATUS (MESSAGES UNSEEN), SELECT and EXAMINE answer from the folder's kept counts and UID list:
 * after deliveries, seen changes from webmail and from IMAP STORE, COPY, MOVE, EXPUNGE and webmail
 * deletes, every folder shows what its rows hold, over a raw socket and through Angus Mail.
 */
class ImapFolderCountsIntegrationTests extends ImapIntegrationTestBase {

  @Autowired JdbcClient jdbc;

  /** A folder as its rows make it: the IMAP name, how many messages and how many not seen. */
  record Rows(String imapName, long messages, long unseen) {}

  List<Rows> rows(Fixtures.TestCompany company, Fixtures.TestMember member) {
    return jdbc.sql(
            "SELECT f.name, f.role,"
                + " (SELECT COUNT(*) FROM mail_message m WHERE m.folder_id = f.id) AS all_rows,"
                + " (SELECT COUNT(*) FROM mail_message m WHERE m.folder_id = f.id"
                + " AND NOT m.seen) AS unseen_rows"
                + " FROM mail_folder f WHERE f.tenant_id = ? AND f.member_id = ? ORDER BY f.name")
        .params(company.id(), member.id())
        .query(
            (rs, n) ->
                new Rows(
                    "inbox".equals(rs.getString("role")) ? "INBOX" : rs.getString("name"),
                    rs.getLong("all_rows"),
                    rs.getLong("unseen_rows")))
        .list();
  }

  /**
   * Asks STATUS and EXAMINE of every folder of the member on {@code wire} (which this leaves with
   * the last folder examined) and checks them against the rows; returns the rows.
   */
  List<Rows> assertImapShowsTheRows(
      ImapWire wire, Fixtures.TestCompany company, Fixtures.TestMember member) throws Exception {
    List<Rows> all = rows(company, member);
    assertThat(all).isNotEmpty();
    for (Rows f : all) {
      String name = "\"" + ModifiedUtf7.encode(f.imapName()) + "\"";
      List<String> status = wire.command("st", "STATUS " + name + " (MESSAGES UNSEEN)");
      assertThat(status.getLast()).as(name).isEqualTo("st OK STATUS completed");
      assertThat(status)
          .as("STATUS %s", f.imapName())
          .anyMatch(
              l ->
                  l.matches(
                      "\\* STATUS \"?"
                          + Pattern.quote(ModifiedUtf7.encode(f.imapName()))
                          + "\"? \\(MESSAGES "
                          + f.messages()
                          + " UNSEEN "
                          + f.unseen()
                          + "\\)"));
      List<String> examine = wire.command("ex", "EXAMINE " + name);
      assertThat(examine.getLast()).startsWith("ex OK [READ-ONLY]");
      assertThat(examine).as("EXAMINE %s", f.imapName()).contains("* " + f.messages() + " EXISTS");
    }
    return all;
  }

  static Rows folder(List<Rows> all, String imapName) {
    return all.stream().filter(f -> f.imapName().equals(imapName)).findFirst().orElseThrow();
  }

  static String idOf(ApiClient me, String folderRole, String subject) {
    for (JsonNode m : ImapWebmailSyncIntegrationTests.messages(me, folderRole)) {
      if (m.get("subject").asString().equals(subject)) {
        return m.get("id").asString();
      }
    }
    throw new IllegalStateException(subject);
  }

  @Test
  void statusAndSelectShowWhatTheFoldersHoldAfterEveryKindOfChange() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "counts1");
    String address = "counts1@" + company.domain();
    ApiClient me = member.client();
    for (int i = 1; i <= 4; i++) {
      deliver(address, "件名 " + i, "本文 " + i);
    }
    try (var looker = signedIn(member);
        var changer = signedIn(member)) {
      assertThat(folder(assertImapShowsTheRows(looker, company, member), "INBOX"))
          .isEqualTo(new Rows("INBOX", 4, 4));
      assertThat(changer.command("s", "SELECT INBOX")).contains("* 4 EXISTS");

      // webmail: UID 1 seen twice (no change the second time), UID 2 seen and unseen again
      String first = idOf(me, "inbox", "件名 1");
      String second = idOf(me, "inbox", "件名 2");
      for (var change :
          List.of(
              Map.entry(first, true),
              Map.entry(first, true),
              Map.entry(second, true),
              Map.entry(second, false))) {
        assertThat(
                me.patch(
                        "/api/v1/mail/messages/" + change.getKey(),
                        Map.of("seen", change.getValue()))
                    .status())
            .isEqualTo(200);
      }
      assertThat(folder(assertImapShowsTheRows(looker, company, member), "INBOX"))
          .isEqualTo(new Rows("INBOX", 4, 3));

      // IMAP STORE: \Seen added to UIDs 2 to 4, removed from 2 again; \Answered counts nothing
      assertThat(changer.command("f1", "UID STORE 2:3 +FLAGS.SILENT (\\Seen)").getLast())
          .startsWith("f1 OK");
      assertThat(changer.command("f2", "UID STORE 4 FLAGS.SILENT (\\Seen \\Flagged)").getLast())
          .startsWith("f2 OK");
      assertThat(changer.command("f3", "UID STORE 2 -FLAGS.SILENT (\\Seen)").getLast())
          .startsWith("f3 OK");
      assertThat(changer.command("f4", "UID STORE 1 +FLAGS.SILENT (\\Answered)").getLast())
          .startsWith("f4 OK");
      assertThat(folder(assertImapShowsTheRows(looker, company, member), "INBOX"))
          .isEqualTo(new Rows("INBOX", 4, 1));

      // arrivals after flag changes: the UID list is extended, the counts follow
      deliver(address, "件名 5", "本文 5");
      deliver(address, "件名 6", "本文 6");
      assertThat(folder(assertImapShowsTheRows(looker, company, member), "INBOX"))
          .isEqualTo(new Rows("INBOX", 6, 3));

      // COPY of UIDs 3 to 5 (two seen) to a folder made over IMAP; MOVE of UIDs 1 and 2 (one seen)
      assertThat(changer.command("n1", "NOOP")).contains("* 6 EXISTS");
      String projects = "\"" + ModifiedUtf7.encode("Projects 案件") + "\"";
      assertThat(changer.command("c", "CREATE " + projects).getLast()).startsWith("c OK");
      assertThat(changer.command("cp", "UID COPY 3:5 " + projects).getLast())
          .startsWith("cp OK [COPYUID");
      assertThat(changer.command("mv", "UID MOVE 1:2 Archive")).contains("* 1 EXPUNGE");
      List<Rows> now = assertImapShowsTheRows(looker, company, member);
      assertThat(folder(now, "INBOX")).isEqualTo(new Rows("INBOX", 4, 2));
      assertThat(folder(now, "Archive")).isEqualTo(new Rows("Archive", 2, 1));
      assertThat(folder(now, "Projects 案件")).isEqualTo(new Rows("Projects 案件", 3, 1));

      // EXPUNGE of UID 3 (seen) and UID 5 (not seen)
      assertThat(changer.command("d", "UID STORE 3 +FLAGS.SILENT (\\Deleted)").getLast())
          .startsWith("d OK");
      assertThat(changer.command("d2", "UID STORE 5 +FLAGS.SILENT (\\Deleted)").getLast())
          .startsWith("d2 OK");
      assertThat(changer.command("e", "EXPUNGE").getLast()).startsWith("e OK");
      assertThat(folder(assertImapShowsTheRows(looker, company, member), "INBOX"))
          .isEqualTo(new Rows("INBOX", 2, 1));

      // webmail: UID 4 (seen) to the trash, then out of it for good; UID 6 (not seen) to Archive
      String fourth = idOf(me, "inbox", "件名 4");
      assertThat(me.delete("/api/v1/mail/messages/" + fourth).status()).isEqualTo(204);
      now = assertImapShowsTheRows(looker, company, member);
      assertThat(folder(now, "Trash")).isEqualTo(new Rows("Trash", 1, 0));
      assertThat(me.delete("/api/v1/mail/messages/" + fourth).status()).isEqualTo(204);
      String archive = ImapWebmailSyncIntegrationTests.folder(me, "archive").get("id").asString();
      assertThat(
              me.patch(
                      "/api/v1/mail/messages/" + idOf(me, "inbox", "件名 6"),
                      Map.of("folderId", archive))
                  .status())
          .isEqualTo(200);
      now = assertImapShowsTheRows(looker, company, member);
      assertThat(folder(now, "INBOX")).isEqualTo(new Rows("INBOX", 0, 0));
      assertThat(folder(now, "Trash")).isEqualTo(new Rows("Trash", 0, 0));
      assertThat(folder(now, "Archive")).isEqualTo(new Rows("Archive", 3, 2));

      // the selecting session, told of the changes, holds as many as the rows
      List<String> noop = changer.command("n", "NOOP");
      assertThat(noop.getLast()).startsWith("n OK");
      assertThat(changer.command("s2", "SELECT INBOX")).contains("* 0 EXISTS");
    }

    // Angus Mail asks STATUS for a closed folder's counts and SELECT's EXISTS for an open one
    try (Store store = angus(member)) {
      for (Rows f : rows(company, member)) {
        Folder folder = store.getFolder(f.imapName());
        assertThat(folder.getMessageCount()).as(f.imapName()).isEqualTo((int) f.messages());
        assertThat(folder.getUnreadMessageCount()).as(f.imapName()).isEqualTo((int) f.unseen());
        folder.open(Folder.READ_ONLY);
        assertThat(folder.getMessageCount()).as(f.imapName()).isEqualTo((int) f.messages());
        folder.close(false);
      }
    }
  }

  @Test
  void statusOfAnotherMembersFolderOrABadRequestAnswersNothingAboutMessages() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember owner = fixtures.member(company, "counts2");
    Fixtures.TestMember other = fixtures.member(company, "counts3");
    ApiClient theirs = owner.client();
    assertThat(theirs.post("/api/v1/mail/folders", Map.of("name", "Secret")).status())
        .isEqualTo(201);
    deliver("counts2@" + company.domain(), "private", "only for counts2");
    deliver("counts2@" + company.domain(), "private 2", "only for counts2");
    try (var wire = signedIn(other)) {
      assertThat(wire.command("a", "STATUS Secret (MESSAGES UNSEEN)"))
          .containsExactly("a NO [NONEXISTENT] No such mailbox");
      assertThat(wire.command("b", "EXAMINE Secret")).noneMatch(l -> l.endsWith("EXISTS"));
      assertThat(wire.command("c", "STATUS INBOX ()").getLast()).startsWith("c BAD");
      assertThat(wire.command("d", "STATUS INBOX (MESSAGES BOGUS)").getLast()).startsWith("d BAD");
      assertThat(wire.command("e", "STATUS INBOX MESSAGES").getLast()).startsWith("e BAD");
      // the other member's own folders are empty, whatever the owner's hold
      List<Rows> mine = assertImapShowsTheRows(wire, company, other);
      assertThat(mine).allMatch(f -> f.messages() == 0 && f.unseen() == 0);
    }
    try (var wire = signedIn(owner)) {
      assertThat(folder(assertImapShowsTheRows(wire, company, owner), "INBOX"))
          .isEqualTo(new Rows("INBOX", 2, 2));
    }
  }

  Store angus(Fixtures.TestMember member) throws Exception {
    var props = new Properties();
    props.put("mail.imap.ssl.trust", "*");
    props.put("mail.imap.ssl.checkserveridentity", "false");
    props.put("mail.imap.connectiontimeout", "10000");
    props.put("mail.imap.timeout", "30000");
    props.put("mail.imap.starttls.enable", "true");
    props.put("mail.imap.starttls.required", "true");
    Store store = Session.getInstance(props).getStore("imap");
    store.connect("127.0.0.1", port(), member.loginId(), Fixtures.PASSWORD);
    return store;
  }
}
