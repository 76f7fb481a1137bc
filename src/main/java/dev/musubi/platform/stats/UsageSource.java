package dev.musubi.platform.stats;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One module's usage figures for a company. Names are stable lower-camel keys ({@code
 * messagesSent}, {@code mailboxBytes}) that the console and the CSV export show; a key belongs to
 * one source only. Counts of events are for the half-open window {@code [from, to)}; sizes are what
 * is stored now. Implementations read only their own module's tables and never content.
 */
public interface UsageSource {

  /** The keys this source always returns, in the order the console shows them. */
  java.util.List<String> keys();

  /** The figures for one company; never null, one entry per key. */
  Map<String, Long> usage(UUID tenantId, Instant from, Instant to);
}
