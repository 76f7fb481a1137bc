/**
 * Audit: the append-only, hash-chained trail of security-relevant events of every company, its
 * search, CSV export and integrity verification (API and {@code audit-verify} command).
 */
@NullMarked
package dev.musubi.audit;

import org.jspecify.annotations.NullMarked;
