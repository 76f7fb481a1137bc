/** CardDAV (RFC 6352) over WebDAV (RFC 4918) with sync-collection (RFC 6578) under /dav/card/. */
@NullMarked
package dev.musubi.contacts.carddav;

import org.jspecify.annotations.NullMarked;
