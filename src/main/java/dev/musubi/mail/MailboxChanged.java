package dev.musubi.mail;

import java.util.UUID;

/**
 * Published in-process after a commit that changed a member's mailbox (a message stored, moved,
 * flagged or deleted, through webmail, IMAP or delivery), so that open IMAP sessions of that member
 * look again and tell their client (IDLE, NOOP). Carries no content.
 */
public record MailboxChanged(UUID tenantId, UUID memberId) {}
