/**
 * SMTP wire format (RFC 5321 with RFC 1870 SIZE, RFC 6152 8BITMIME, RFC 2920 PIPELINING, RFC 6531
 * SMTPUTF8 and RFC 2034 enhanced status codes): reading command lines and the DATA stream, parsing
 * commands and writing replies. Plain Java, no Spring; the server in {@code dev.musubi.mail.smtp}
 * turns parsed commands into calls on {@link dev.musubi.mail.MailInbound}.
 */
@NullMarked
package dev.musubi.mail.smtp.codec;

import org.jspecify.annotations.NullMarked;
