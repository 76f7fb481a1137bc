package dev.musubi.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Mail::IMAPTalk (Debian {@code libmail-imaptalk-perl}, the IMAP client of Fastmail and of the
 * Cyrus test suite) against the real server as an IMAP4rev2 client: ENABLE IMAP4rev2, ESEARCH,
 * SEARCHRES, BINARY with a literal8, STATUS SIZE, extended LIST with RETURN (STATUS). The script
 * ({@code src/test/resources/clients/imap4rev2-imaptalk.pl}) asserts.
 */
class ImapPerlIntegrationTests extends ImapIntegrationTestBase {

  @Test
  void imapTalkUsesImap4rev2SearchesBinaryAndExtendedList() throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "talk2");
    String address = "talk2@" + company.domain();
    deliverRaw(
        address,
        ("From: =?UTF-8?B?5L2Q6Jek?= <sato@outside.example>\r\n"
                + "To: "
                + address
                + "\r\n"
                + "Subject: =?UTF-8?B?6KaL56mN5pu4?=\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\"\r\n"
                + "\r\n"
                + "--b\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "\r\n"
                + "見積書を添付します。\r\n"
                + "--b\r\n"
                + "Content-Type: application/pdf; name=\"q.pdf\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "\r\n"
                + "JVBERi0xLjQKAAECIGJpbmFyeQo=\r\n"
                + "--b--\r\n")
            .getBytes(StandardCharsets.UTF_8));
    deliverRaw(
        address,
        ("From: Alice <alice@outside.example>\r\nTo: "
                + address
                + "\r\nSubject: Hello\r\n\r\nsecond message\r\n")
            .getBytes(StandardCharsets.UTF_8));

    Path script =
        Path.of(getClass().getResource("/clients/imap4rev2-imaptalk.pl").toURI()).toAbsolutePath();
    var run =
        ImapCommandLineClientsIntegrationTests.run(
            List.of(
                "perl",
                script.toString(),
                String.valueOf(port()),
                member.loginId(),
                Fixtures.PASSWORD));
    assertThat(run.exit()).as(run.output()).isZero();
    String output = run.output();
    assertThat(output).contains("imaptalk IMAP4rev2 OK");
  }
}
