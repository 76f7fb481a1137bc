/**
 * IMAP4rev1 wire format (RFC 3501 with RFC 7888 LITERAL+, RFC 4315 UIDPLUS, RFC 6851 MOVE, RFC 7162
 * CONDSTORE, RFC 2177 IDLE): reading commands with their literals under bounds, parsing sequence
 * sets, SEARCH keys and FETCH items, modified UTF-7 mailbox names, and the MIME structure FETCH
 * answers with. Plain Java, no Spring; the server in {@code dev.musubi.mail.imap} turns parsed
 * commands into calls on {@link dev.musubi.mail.Mailboxes}.
 */
@NullMarked
package dev.musubi.mail.imap.codec;

import org.jspecify.annotations.NullMarked;
