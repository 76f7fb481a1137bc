/** Privacy internals: the tables, the archive writer and the scheduled jobs. */
@NullMarked
package dev.musubi.privacy.internal;

import org.jspecify.annotations.NullMarked;
