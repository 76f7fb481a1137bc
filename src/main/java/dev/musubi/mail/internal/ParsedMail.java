package dev.musubi.mail.internal;

import dev.musubi.mail.MailAddress;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the parser read from a message. A message that could not be parsed in full has {@code
 * parseError} set and whatever headers could be read; its raw form is kept all the same.
 */
public record ParsedMail(
    String messageId,
    String inReplyTo,
    List<String> references,
    String subject,
    @Nullable MailAddress from,
    List<MailAddress> to,
    List<MailAddress> cc,
    List<MailAddress> bcc,
    List<MailAddress> replyTo,
    @Nullable Instant date,
    String text,
    String html,
    List<Attachment> attachments,
    String parseError) {

  /**
   * NUL octets are dropped from every text read out of the message (they show as nothing and
   * PostgreSQL text columns refuse them); the stored raw message keeps them.
   */
  public ParsedMail {
    messageId = withoutNul(messageId);
    inReplyTo = withoutNul(inReplyTo);
    references = references.stream().map(ParsedMail::withoutNul).toList();
    subject = withoutNul(subject);
    from = from == null ? null : withoutNul(from);
    to = to.stream().map(ParsedMail::withoutNul).toList();
    cc = cc.stream().map(ParsedMail::withoutNul).toList();
    bcc = bcc.stream().map(ParsedMail::withoutNul).toList();
    replyTo = replyTo.stream().map(ParsedMail::withoutNul).toList();
    text = withoutNul(text);
    html = withoutNul(html);
    attachments =
        attachments.stream()
            .map(
                a ->
                    new Attachment(
                        a.part(), withoutNul(a.name()), withoutNul(a.contentType()), a.size()))
            .toList();
    parseError = withoutNul(parseError);
  }

  static String withoutNul(String s) {
    return s.indexOf('\0') < 0 ? s : s.replace("\0", "");
  }

  private static MailAddress withoutNul(MailAddress a) {
    return new MailAddress(a.name() == null ? null : withoutNul(a.name()), withoutNul(a.address()));
  }

  /** An attachment: {@code part} is its path in the MIME tree ({@code 2}, {@code 2.1}). */
  public record Attachment(String part, String name, String contentType, long size) {}
}
