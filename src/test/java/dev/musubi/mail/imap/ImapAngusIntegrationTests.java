package dev.musubi.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import jakarta.mail.BodyPart;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.Test;

/**
 * Angus Mail's IMAP provider against the real server over STARTTLS and over the implicit TLS port:
 * reading a multipart message through BODYSTRUCTURE and part fetches, flagging, moving, appending
 * with APPENDUID; webmail sees every change.
 */
class ImapAngusIntegrationTests extends ImapIntegrationTestBase {

  Store connect(Fixtures.TestMember member, boolean implicitTls) throws Exception {
    var props = new Properties();
    String protocol = implicitTls ? "imaps" : "imap";
    props.put("mail." + protocol + ".ssl.trust", "*");
    props.put("mail." + protocol + ".ssl.checkserveridentity", "false");
    props.put("mail." + protocol + ".connectiontimeout", "10000");
    props.put("mail." + protocol + ".timeout", "30000");
    if (!implicitTls) {
      props.put("mail.imap.starttls.enable", "true");
      props.put("mail.imap.starttls.required", "true");
    }
    Store store = Session.getInstance(props).getStore(protocol);
    store.connect(
        "127.0.0.1", implicitTls ? server.tlsPort() : port(), member.loginId(), Fixtures.PASSWORD);
    return store;
  }

  @Test
  void angusReadsFlagsMovesAndAppends() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "angus1");
    String address = "angus1@" + company.domain();
    deliverRaw(
        address,
        ("From: =?UTF-8?B?"
                + ImapPythonIntegrationTests.b64("佐藤")
                + "?= <sato@outside.example>\r\nTo: "
                + address
                + "\r\nSubject: =?UTF-8?B?"
                + ImapPythonIntegrationTests.b64("見積書の送付")
                + "?=\r\nDate: Tue, 3 Mar 2026 09:00:00 +0900\r\nMessage-ID: <q1@outside.example>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "preamble\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\nお世話になっております。\r\n見積書です。\r\n"
                + "--b1\r\nContent-Type: application/pdf; name=\"q.pdf\"\r\n"
                + "Content-Disposition: attachment; filename=\"q.pdf\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b1--\r\n")
            .getBytes(StandardCharsets.UTF_8));
    deliver(address, "second", "two");

    try (Store store = connect(member, false)) {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_WRITE);
      assertThat(inbox.getMessageCount()).isEqualTo(2);
      Message first = inbox.getMessage(1);
      assertThat(first.getSubject()).isEqualTo("見積書の送付");
      assertThat(((InternetAddress) first.getFrom()[0]).getPersonal()).isEqualTo("佐藤");
      assertThat(first.getSentDate()).isNotNull();
      Multipart parts = (Multipart) first.getContent();
      assertThat(parts.getCount()).isEqualTo(2);
      BodyPart text = parts.getBodyPart(0);
      assertThat((String) text.getContent()).contains("見積書です。");
      BodyPart pdf = parts.getBodyPart(1);
      assertThat(pdf.getFileName()).isEqualTo("q.pdf");
      assertThat(pdf.getInputStream().readAllBytes())
          .isEqualTo("%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII));

      first.setFlag(Flags.Flag.FLAGGED, true);
      assertThat(first.isSet(Flags.Flag.SEEN)).isTrue();

      Folder archive = store.getFolder("Archive");
      Message second = inbox.getMessage(2);
      ((IMAPFolder) inbox).moveMessages(new Message[] {second}, archive);
      // A closed folder object asks with STATUS.
      assertThat(store.getFolder("INBOX").getMessageCount()).isEqualTo(1);
      assertThat(archive.getMessageCount()).isEqualTo(1);

      var draft = new MimeMessage(Session.getInstance(new Properties()));
      draft.setFrom(new InternetAddress(address));
      draft.setSubject("下書き", "UTF-8");
      draft.setText("本文", "UTF-8");
      draft.setFlag(Flags.Flag.DRAFT, true);
      Folder drafts = store.getFolder("Drafts");
      AppendUID[] appended = ((IMAPFolder) drafts).appendUIDMessages(new Message[] {draft});
      assertThat(appended[0].uid).isEqualTo(1);
      inbox.close(false);
    }

    ApiClient me = member.client();
    JsonHelpers.assertFolder(me, "inbox", 1, true);
    JsonHelpers.assertFolder(me, "archive", 1, false);
    JsonHelpers.assertFolder(me, "drafts", 1, false);
  }

  @Test
  void angusWorksOverTheImplicitTlsPort() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "angus2");
    deliver("angus2@" + company.domain(), "TLS", "over imaps");
    try (Store store = connect(member, true)) {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      assertThat(inbox.getMessage(1).getSubject()).isEqualTo("TLS");
      assertThat((String) inbox.getMessage(1).getContent()).contains("over imaps");
      inbox.close(false);
    }
  }

  /** What webmail shows after the IMAP changes. */
  static final class JsonHelpers {
    static void assertFolder(ApiClient me, String role, int count, boolean firstFlagged) {
      var items = ImapWebmailSyncIntegrationTests.messages(me, role);
      assertThat(items).hasSize(count);
      if (firstFlagged) {
        assertThat(items.get(0).get("flagged").asBoolean()).isTrue();
        assertThat(items.get(0).get("seen").asBoolean()).isTrue();
      }
    }
  }
}
