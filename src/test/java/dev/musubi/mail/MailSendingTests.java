package dev.musubi.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link MailSending#withoutHeader}: what submission uses to drop Bcc from what recipients get. */
class MailSendingTests {

  private static String without(String raw, String field) {
    return new String(
        MailSending.withoutHeader(raw.getBytes(StandardCharsets.UTF_8), field),
        StandardCharsets.UTF_8);
  }

  @Test
  void aFoldedBccHeaderIsRemovedWithItsContinuationLines() {
    String raw =
        "From: a@example.jp\r\n"
            + "Bcc: hidden@example.jp,\r\n"
            + "\tsecret@example.jp,\r\n"
            + " third@example.jp\r\n"
            + "To: b@example.jp\r\n"
            + "\r\n"
            + "body\r\n";
    assertThat(without(raw, "Bcc"))
        .isEqualTo("From: a@example.jp\r\nTo: b@example.jp\r\n\r\nbody\r\n");
  }

  @Test
  void everyOccurrenceInAnyCaseIsRemovedButSimilarNamesStay() {
    String raw =
        "bcc: one@example.jp\r\n"
            + "Subject: x\r\n"
            + "BCC:two@example.jp\r\n"
            + "Bcc-Note: stays\r\n"
            + "X-Bcc: stays\r\n"
            + "\r\n"
            + "x\r\n";
    assertThat(without(raw, "Bcc"))
        .isEqualTo("Subject: x\r\nBcc-Note: stays\r\nX-Bcc: stays\r\n\r\nx\r\n");
  }

  @Test
  void aBccLineInTheBodyIsNotTouched() {
    String raw = "Subject: x\r\n\r\nBcc: not a header\r\n\r\nBcc: nor this\r\n";
    assertThat(without(raw, "Bcc")).isEqualTo(raw);
  }

  @Test
  void bareLfLinesAreHandledTheSameWay() {
    String raw = "Bcc: a@example.jp,\n b@example.jp\nSubject: x\n\nBcc: body\n";
    assertThat(without(raw, "Bcc")).isEqualTo("Subject: x\n\nBcc: body\n");
  }

  @Test
  void aMessageWithoutHeaderSectionOrBlankLineIsKept() {
    assertThat(without("", "Bcc")).isEmpty();
    assertThat(without("\r\nBcc: body only\r\n", "Bcc")).isEqualTo("\r\nBcc: body only\r\n");
    // Headers only, no blank line: the whole message is the header section.
    assertThat(without("Subject: x\r\nBcc: y@example.jp\r\n", "Bcc")).isEqualTo("Subject: x\r\n");
  }

  @Test
  void aMissingDateAndMessageIdAreAddedInFrontAndPresentOnesAreKept() {
    java.time.Instant now = java.time.Instant.parse("2026-12-06T01:02:03Z");
    String bare = "From: a@example.jp\r\nSubject: x\r\n\r\nDate: body line\r\n";
    assertThat(
            new String(
                MailSending.withDefaultHeaders(
                    bare.getBytes(StandardCharsets.UTF_8), now, "id1@example.jp"),
                StandardCharsets.UTF_8))
        .isEqualTo(
            "Date: Sun, 6 Dec 2026 01:02:03 +0000\r\nMessage-ID: <id1@example.jp>\r\n" + bare);
    String full = "date: Mon, 1 Jan 2024 00:00:00 +0900\r\nMESSAGE-ID: <x@y>\r\n\r\nb\r\n";
    byte[] raw = full.getBytes(StandardCharsets.UTF_8);
    assertThat(MailSending.withDefaultHeaders(raw, now, "id2@example.jp")).isSameAs(raw);
  }
}
