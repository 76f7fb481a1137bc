/**
 * The usage port: what each module counts for the admin console's statistics ({@link
 * dev.musubi.platform.stats.UsageSource}). Modules implement it as beans in their {@code internal}
 * package; the admin module finds them all and stores the figures per company and day.
 */
@NullMarked
package dev.musubi.platform.stats;

import org.jspecify.annotations.NullMarked;
