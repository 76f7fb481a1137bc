/** Audit REST API under {@code /api/v1/admin/audit}: search, CSV export and verification. */
@NullMarked
package dev.musubi.audit.web;

import org.jspecify.annotations.NullMarked;
