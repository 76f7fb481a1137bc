/**
 * Audit internals: the JDBC chain writer, the canonical encoding and hash of an entry, and the
 * {@code audit-verify} command. Private to the audit module.
 */
@NullMarked
package dev.musubi.audit.internal;

import org.jspecify.annotations.NullMarked;
