package dev.musubi.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Webmail and IMAP share one store: a change through the webmail REST API reaches an IDLE-ing IMAP
 * session at once (FETCH FLAGS, EXISTS, EXPUNGE), and a change through IMAP shows in webmail.
 */
class ImapWebmailSyncIntegrationTests extends ImapIntegrationTestBase {

  static JsonNode folder(ApiClient me, String role) {
    for (JsonNode f : me.get("/api/v1/mail/folders").json()) {
      if (role.equals(f.get("role").asString())) {
        return f;
      }
    }
    throw new IllegalStateException(role);
  }

  static JsonNode messages(ApiClient me, String role) {
    return me.get(
            "/api/v1/mail/folders/" + folder(me, role).get("id").asString() + "/messages?sort=date")
        .json()
        .get("items");
  }

  @Test
  void webmailChangesReachAnIdlingSessionAtOnce() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "sync1");
    String address = "sync1@" + company.domain();
    deliver(address, "first", "one");
    ApiClient me = member.client();
    String id = messages(me, "inbox").get(0).get("id").asString();
    try (var wire = signedIn(member)) {
      assertThat(wire.command("s", "SELECT INBOX")).contains("* 1 EXISTS");
      wire.line("i IDLE");
      assertThat(wire.readLine()).startsWith("+ ");

      assertThat(
              me.patch("/api/v1/mail/messages/" + id, Map.of("seen", true, "flagged", true))
                  .status())
          .isEqualTo(200);
      assertThat(wire.readLine()).isEqualTo("* 1 FETCH (UID 1 FLAGS (\\Flagged \\Seen))");

      deliver(address, "second", "two");
      assertThat(wire.readLine()).isEqualTo("* 2 EXISTS");

      assertThat(me.delete("/api/v1/mail/messages/" + id).status()).isEqualTo(204);
      assertThat(wire.readLine()).isEqualTo("* 1 EXPUNGE");
      assertThat(wire.readLine()).isEqualTo("* 1 EXISTS");

      wire.line("DONE");
      assertThat(wire.until("i").getLast()).isEqualTo("i OK IDLE terminated");
    }
  }

  @Test
  void imapChangesShowInWebmail() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "sync2");
    String address = "sync2@" + company.domain();
    deliver(address, "a", "one");
    deliver(address, "b", "two");
    ApiClient me = member.client();
    try (var wire = signedIn(member)) {
      wire.command("s", "SELECT INBOX");
      assertThat(wire.command("f", "UID STORE 1 +FLAGS (\\Seen \\Flagged)").getLast())
          .startsWith("f OK");
      JsonNode first = messages(me, "inbox").get(0);
      assertThat(first.get("seen").asBoolean()).isTrue();
      assertThat(first.get("flagged").asBoolean()).isTrue();

      var moved = wire.command("m", "UID MOVE 2 Archive");
      assertThat(moved).anyMatch(l -> l.matches("\\* OK \\[COPYUID [0-9]+ 2 1\\] Moved"));
      assertThat(moved).contains("* 2 EXPUNGE");
      assertThat(messages(me, "archive")).hasSize(1);

      wire.command("d", "UID STORE 1 +FLAGS.SILENT (\\Deleted)");
      assertThat(wire.command("e", "EXPUNGE")).contains("* 1 EXPUNGE");
      assertThat(messages(me, "inbox")).isEmpty();
    }
  }

  @Test
  void aChangeInOneImapSessionReachesAnotherThatIsIdling() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "sync4");
    deliver("sync4@" + company.domain(), "shared", "one");
    try (var idler = signedIn(member);
        var other = signedIn(member)) {
      idler.command("s", "SELECT INBOX");
      idler.line("i IDLE");
      assertThat(idler.readLine()).startsWith("+ ");
      other.command("s", "SELECT INBOX");
      assertThat(other.command("f", "STORE 1 +FLAGS (\\Answered)").getLast()).startsWith("f OK");
      assertThat(idler.readLine()).isEqualTo("* 1 FETCH (UID 1 FLAGS (\\Answered))");
      assertThat(other.command("c", "COPY 1 INBOX").getLast()).startsWith("c OK [COPYUID");
      assertThat(idler.readLine()).isEqualTo("* 2 EXISTS");
      idler.line("DONE");
      assertThat(idler.until("i").getLast()).isEqualTo("i OK IDLE terminated");
    }
  }

  @Test
  void appendBeyondTheCompanyLimitOrQuotaIsRefusedAndNothingIsStored() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "sync5");
    assertThat(
            company
                .admin()
                .put("/api/v1/admin/mail/policy", Map.of("maxMessageBytes", 2048))
                .status())
        .isEqualTo(200);
    try (var wire = signedIn(member)) {
      assertThat(wire.command("a", "APPEND INBOX {4096}").getLast())
          .isEqualTo("a NO [TOOBIG] Literal too large");
      String small = "Subject: ok\r\n\r\nfits\r\n";
      wire.line("b APPEND INBOX {" + small.length() + "+}");
      wire.send(small + "\r\n");
      assertThat(wire.until("b").getLast()).startsWith("b OK [APPENDUID");
      // A non-synchronising literal over the limit cannot be refused before it arrives: BYE.
      wire.line("c APPEND INBOX {4096+}");
      String line;
      String last = null;
      while ((line = wire.readLine()) != null) {
        last = line;
      }
      assertThat(last).isEqualTo("* BYE Literal too large");
    }
    assertThat(messages(member.client(), "inbox")).hasSize(1);
  }
}
