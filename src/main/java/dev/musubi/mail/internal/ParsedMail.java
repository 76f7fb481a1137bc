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

  /** An attachment: {@code part} is its path in the MIME tree ({@code 2}, {@code 2.1}). */
  public record Attachment(String part, String name, String contentType, long size) {}
}
