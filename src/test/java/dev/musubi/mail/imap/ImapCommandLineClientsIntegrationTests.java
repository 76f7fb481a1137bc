package dev.musubi.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Debian's {@code curl} (imap:// with STARTTLS) and {@code mbsync} from {@code isync} against the
 * real server: curl lists, searches and fetches; mbsync syncs a mailbox to a local Maildir and
 * back, so that a flag set on either side shows on the other and a local message is uploaded.
 */
class ImapCommandLineClientsIntegrationTests extends ImapIntegrationTestBase {

  record Run(int exit, String output) {}

  static Run run(List<String> command) throws IOException, InterruptedException {
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), output);
  }

  @Test
  void curlListsSearchesAndFetchesOverStartTls() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "curl1");
    String address = "curl1@" + company.domain();
    deliver(address, "Hello curl", "fetched by curl");
    String base = "imap://127.0.0.1:" + port();
    String user = member.loginId() + ":" + Fixtures.PASSWORD;

    Run list = run(List.of("curl", "-sS", "--ssl-reqd", "-k", "--user", user, base + "/"));
    assertThat(list.exit()).as(list.output()).isZero();
    assertThat(list.output()).contains("\"INBOX\"").contains("\\Sent");

    Run search =
        run(
            List.of(
                "curl", "-sS", "--ssl-reqd", "-k", "--user", user, base + "/INBOX?SUBJECT%20curl"));
    assertThat(search.exit()).as(search.output()).isZero();
    assertThat(search.output()).contains("* SEARCH 1");

    Run fetch =
        run(List.of("curl", "-sS", "--ssl-reqd", "-k", "--user", user, base + "/INBOX;UID=1"));
    assertThat(fetch.exit()).as(fetch.output()).isZero();
    assertThat(fetch.output()).contains("Subject: Hello curl").contains("fetched by curl");

    Run wrong =
        run(
            List.of(
                "curl",
                "-sS",
                "--ssl-reqd",
                "-k",
                "--user",
                member.loginId() + ":nope",
                base + "/"));
    assertThat(wrong.exit()).isNotZero();
  }

  @Test
  void mbsyncSyncsBothWaysWithFlags() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "sync3");
    String address = "sync3@" + company.domain();
    deliver(address, "one", "first");
    deliver(address, "two", "second");
    ApiClient me = member.client();

    Path dir = Files.createTempDirectory("mbsync");
    Path certificate = dir.resolve("server.pem");
    Run export =
        run(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-exportcert",
                "-rfc",
                "-alias",
                "server",
                "-keystore",
                KEY_STORE.toString(),
                "-storepass",
                KEY_STORE_PASSWORD,
                "-file",
                certificate.toString()));
    assertThat(export.exit()).as(export.output()).isZero();
    Path maildir = dir.resolve("mail");
    Files.createDirectories(maildir);
    Path config = dir.resolve("mbsyncrc");
    Files.writeString(
        config,
        String.join(
            "\n",
            "IMAPAccount musubi",
            "Host 127.0.0.1",
            "Port " + port(),
            "User " + member.loginId(),
            "Pass " + Fixtures.PASSWORD,
            "SSLType STARTTLS",
            "CertificateFile " + certificate,
            "",
            "IMAPStore remote",
            "Account musubi",
            "",
            "MaildirStore local",
            "Path " + maildir + "/",
            "Inbox " + maildir.resolve("INBOX"),
            "SubFolders Verbatim",
            "",
            "Channel musubi",
            "Far :remote:",
            "Near :local:",
            "Patterns INBOX Archive",
            "Create Near",
            "SyncState *",
            "Sync All",
            "Expunge None",
            ""));
    List<String> mbsync = List.of("mbsync", "-c", config.toString(), "-a");

    Run first = run(mbsync);
    assertThat(first.exit()).as(first.output()).isZero();
    assertThat(mails(maildir.resolve("INBOX"))).hasSize(2);

    // Flag one locally (Maildir flag F) and add a new local message; sync up.
    Path local = mails(maildir.resolve("INBOX")).getFirst();
    String name = local.getFileName().toString();
    String flagged = name.contains(":2,") ? name.replace(":2,", ":2,F") : name + ":2,F";
    Files.move(local, local.resolveSibling(flagged));
    Files.writeString(
        maildir.resolve("INBOX").resolve("new").resolve("1700000000.local.musubi"),
        "From: me@example.jp\r\nSubject: written offline\r\n\r\nlocal body\r\n");
    Run second = run(mbsync);
    assertThat(second.exit()).as(second.output()).isZero();
    JsonNode inbox = ImapWebmailSyncIntegrationTests.messages(me, "inbox");
    assertThat(inbox).hasSize(3);
    assertThat(inbox).anyMatch(m -> m.get("flagged").asBoolean());
    assertThat(inbox).anyMatch(m -> m.get("subject").asString().equals("written offline"));

    // Flag another one on the server (webmail); sync down.
    JsonNode unflagged = null;
    for (JsonNode m : inbox) {
      if (!m.get("flagged").asBoolean() && m.get("subject").asString().equals("two")) {
        unflagged = m;
      }
    }
    assertThat(unflagged).isNotNull();
    assertThat(
            me.patch(
                    "/api/v1/mail/messages/" + unflagged.get("id").asString(),
                    Map.of("flagged", true))
                .status())
        .isEqualTo(200);
    deliver(address, "three", "third");
    Run third = run(mbsync);
    assertThat(third.exit()).as(third.output()).isZero();
    List<Path> now = mails(maildir.resolve("INBOX"));
    assertThat(now).hasSize(4);
    long flaggedLocally =
        now.stream().filter(p -> p.getFileName().toString().matches(".*:2,[A-Z]*F.*")).count();
    assertThat(flaggedLocally).isEqualTo(2);
  }

  private static List<Path> mails(Path folder) throws IOException {
    try (Stream<Path> cur = Files.list(folder.resolve("cur"));
        Stream<Path> fresh = Files.list(folder.resolve("new"))) {
      return Stream.concat(cur, fresh).sorted().toList();
    }
  }
}
