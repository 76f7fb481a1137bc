package dev.musubi.mail;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An opened message: headers decoded, text, sanitised HTML (remote images removed unless the reader
 * allowed them), the attachments, flags and what SPF, DKIM and DMARC said.
 *
 * @param parseError why the message could not be read in full (empty when it could); the raw
 *     message stays available
 */
public record MessageView(
    UUID id,
    UUID folderId,
    UUID threadId,
    @Nullable MailAddress from,
    List<MailAddress> to,
    List<MailAddress> cc,
    List<MailAddress> bcc,
    List<MailAddress> replyTo,
    String subject,
    Instant date,
    String messageId,
    String inReplyTo,
    List<String> references,
    String text,
    String html,
    boolean remoteImagesBlocked,
    List<Attachment> attachments,
    boolean seen,
    boolean flagged,
    boolean answered,
    boolean draft,
    Auth auth,
    String parseError) {

  public record Attachment(String part, String name, String contentType, long size) {}

  public record Auth(String spf, String dkim, String dmarc) {}
}
