/**
 * SMTP submission for mail clients (RFC 6409): members sign in with AUTH PLAIN or LOGIN (RFC 4954)
 * through {@link dev.musubi.identity.ProtocolLogins} and send as their own addresses through {@link
 * dev.musubi.mail.MailSending#submit}. Shares the codec and the connection handling of {@code
 * mail.smtp}.
 */
@NullMarked
package dev.musubi.mail.submission;

import org.jspecify.annotations.NullMarked;
