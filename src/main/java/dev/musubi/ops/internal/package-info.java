/** Backup archive, database snapshot, commands and schedule. */
@NullMarked
package dev.musubi.ops.internal;

import org.jspecify.annotations.NullMarked;
