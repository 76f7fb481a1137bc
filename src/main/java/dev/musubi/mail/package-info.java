/**
 * Mail: the company's mail domains (DNS records, DKIM keys, aliases, distribution lists), the
 * encrypted mailbox store, SMTP in and out, IMAP for mail clients, webmail and the admin mail log.
 * The SMTP server hands what it receives to the store through {@link dev.musubi.mail.MailInbound}.
 */
@NullMarked
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"platform", "identity", "audit"})
package dev.musubi.mail;

import org.jspecify.annotations.NullMarked;
