package dev.musubi.mail;

import java.util.List;
import java.util.UUID;

/**
 * A member sent a message (webmail, a mail app over submission, or a module sending in their name).
 * Published in the sending transaction, so listeners run after its commit. Names only the
 * recipients outside the member's company, with the display names the message gave them; carries no
 * subject or content.
 *
 * @param outside recipients whose address is not the company's, in the order written; never null
 */
public record MailSent(UUID tenantId, UUID memberId, List<MailAddress> outside) {}
