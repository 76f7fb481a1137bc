/**
 * The inbound SMTP server (RFC 5321): one virtual thread per connection, bounded connections,
 * commands, lines, recipients, sizes and time; SPF, DKIM and DMARC checks; hands each accepted
 * message to {@link dev.musubi.mail.MailInbound} and replies {@code 250} only once it is stored.
 */
@NullMarked
package dev.musubi.mail.smtp;

import org.jspecify.annotations.NullMarked;
