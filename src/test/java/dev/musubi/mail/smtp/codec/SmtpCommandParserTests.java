package dev.musubi.mail.smtp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SmtpCommandParserTests {

  @Test
  void parsesEhloAndHeloCaseInsensitively() throws Exception {
    assertThat(SmtpCommandParser.parse("ehlo client.example"))
        .isEqualTo(new SmtpCommand.Hello("client.example", true));
    assertThat(SmtpCommandParser.parse("HELO [192.0.2.1]"))
        .isEqualTo(new SmtpCommand.Hello("[192.0.2.1]", false));
  }

  @Test
  void ehloWithoutANameIsA501() {
    assertReply("EHLO", 501, "5.5.4");
    assertReply("EHLO bad;name", 501, "5.5.4");
    // Line and paragraph separators or C1 controls would end a trace header line for some readers.
    assertReply("EHLO a\u2028b.example", 501, "5.5.4");
    assertReply("RCPT TO:<a\u0085b@musubi.test>", 501, "5.1.3");
  }

  @Test
  void parsesMailFromWithParameters() throws Exception {
    assertThat(SmtpCommandParser.parse("MAIL FROM:<Alice@Example.ORG> SIZE=1234 BODY=8BITMIME"))
        .isEqualTo(new SmtpCommand.MailFrom("Alice@example.org", 1234, true, false));
    assertThat(SmtpCommandParser.parse("mail from: <>"))
        .isEqualTo(new SmtpCommand.MailFrom("", -1, false, false));
  }

  @Test
  void nonAsciiSenderNeedsSmtpUtf8() throws Exception {
    assertReply("MAIL FROM:<送信者@example.jp>", 553, "5.6.7");
    assertThat(SmtpCommandParser.parse("MAIL FROM:<送信者@例え.jp> SMTPUTF8"))
        .isEqualTo(new SmtpCommand.MailFrom("送信者@例え.jp", -1, false, true));
  }

  @Test
  void unknownMailParameterIs555() {
    assertReply("MAIL FROM:<a@example.org> AUTH=<>", 555, "5.5.4");
    assertReply("RCPT TO:<a@example.org> NOTIFY=NEVER", 555, "5.5.4");
  }

  @Test
  void malformedAddressesAre501() {
    assertReply("MAIL FROM:a@example.org", 501, "5.1.7");
    assertReply("MAIL FROM:<a@example.org", 501, "5.1.7");
    assertReply("RCPT TO:<>", 501, "5.1.3");
    assertReply("RCPT TO:<nobody>", 501, "5.1.3");
    assertReply("RCPT TO:<a..b@example.org>", 501, "5.1.3");
    assertReply("RCPT TO:<a@-example.org>", 501, "5.1.3");
    assertReply("RCPT TO:<" + "x".repeat(65) + "@example.org>", 501, "5.1.3");
    assertReply("RCPT TO:<a@" + "x".repeat(300) + ">", 501, "5.1.7");
    assertReply("MAIL FROM:<a@example.org> SIZE=12x", 501, "5.5.4");
  }

  @Test
  void sourceRoutesAreIgnoredAndQuotedLocalPartsKept() throws Exception {
    assertThat(SmtpCommandParser.parse("RCPT TO:<@relay.example:bob@Musubi.Test>"))
        .isEqualTo(new SmtpCommand.RcptTo("bob@musubi.test"));
    assertThat(SmtpCommandParser.parse("RCPT TO:<\"john doe\"@musubi.test>"))
        .isEqualTo(new SmtpCommand.RcptTo("\"john doe\"@musubi.test"));
  }

  @Test
  void simpleCommandsRefuseArgumentsWhereRfc5321HasNone() throws Exception {
    assertThat(SmtpCommandParser.parse("DATA")).isEqualTo(new SmtpCommand.Data());
    assertThat(SmtpCommandParser.parse("NOOP anything")).isEqualTo(new SmtpCommand.Noop());
    assertReply("DATA now", 501, "5.5.4");
    assertReply("QUIT please", 501, "5.5.4");
  }

  @Test
  void unknownVerbsAreUnsupportedAndGarbageIs500() throws Exception {
    assertThat(SmtpCommandParser.parse("BDAT 100 LAST"))
        .isEqualTo(new SmtpCommand.Unsupported("BDAT"));
    assertReply("", 500, "5.5.2");
    assertReply("GET / HTTP/1.1", 500, "5.5.2");
    assertThatThrownBy(() -> SmtpCommandParser.parse("POST /api HTTP/1.1"))
        .isInstanceOfSatisfying(
            SmtpProtocolException.class, e -> assertThat(e.closesConnection()).isTrue());
    assertReply("\u00ff\u00fe", 500, "5.5.2");
  }

  @Test
  void hugeSizeValuesDoNotOverflow() throws Exception {
    assertThat(SmtpCommandParser.parse("MAIL FROM:<a@b.example> SIZE=99999999999999999999"))
        .isEqualTo(new SmtpCommand.MailFrom("a@b.example", Long.MAX_VALUE, false, false));
  }

  private static void assertReply(String line, int code, String enhanced) {
    assertThatThrownBy(() -> SmtpCommandParser.parse(line))
        .isInstanceOfSatisfying(
            SmtpProtocolException.class,
            e -> {
              assertThat(e.reply().code()).isEqualTo(code);
              assertThat(e.reply().enhancedCode()).isEqualTo(enhanced);
            });
  }
}
