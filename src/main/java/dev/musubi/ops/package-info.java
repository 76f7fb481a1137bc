/**
 * Operations: backups that can be verified and restored, on the embedded database and on PostgreSQL
 * alike. Reads every store through its own port; no other module depends on it.
 */
@NullMarked
@org.springframework.modulith.ApplicationModule(displayName = "Operations")
package dev.musubi.ops;

import org.jspecify.annotations.NullMarked;
