package dev.musubi.mail;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One row of the mail log: a message handled, without content.
 *
 * @param direction {@code in} or {@code out}
 * @param status {@code delivered}, {@code junk}, {@code rejected}, {@code refused}, {@code queued},
 *     {@code sent}, {@code deferred} or {@code bounced}
 */
public record MailLogEntry(
    UUID id,
    Instant time,
    String direction,
    String from,
    List<String> to,
    String subject,
    long size,
    int attachments,
    String spf,
    String dkim,
    String dmarc,
    String status,
    int retries,
    String detail) {}
