package dev.musubi.mail;

import java.util.UUID;

/**
 * A message with a {@code text/calendar} part (an iMIP invitation or answer) was stored in a
 * member's inbox, by SMTP from outside or by a colleague's mail that never left the server.
 * Published in the storing transaction, so that listeners run after its commit; carries no content
 * (read it through {@link Mailboxes#calendarPart}).
 */
public record MailReceived(UUID tenantId, UUID memberId, UUID messageId) {}
