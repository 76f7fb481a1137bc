/**
 * The IMAP server (RFC 3501 IMAP4rev1 with IDLE, UIDPLUS, MOVE, LITERAL+, NAMESPACE, ID, ENABLE,
 * SPECIAL-USE, CONDSTORE and UNSELECT) over the mailbox store that webmail uses: one virtual thread
 * per connection, bounded connections (in all, per IP, per member), lines, literals, nesting, bad
 * commands and idle time. Sign-in goes through {@link dev.musubi.identity.ProtocolLogins}; a
 * suspended member's connections close at once. See docs/adr/0002-imap-server.md.
 */
@NullMarked
package dev.musubi.mail.imap;

import org.jspecify.annotations.NullMarked;
