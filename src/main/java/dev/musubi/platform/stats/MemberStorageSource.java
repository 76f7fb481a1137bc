package dev.musubi.platform.stats;

import java.util.Map;
import java.util.UUID;

/**
 * What each member stores in one module, for the console's storage-per-member table. Bytes are what
 * is stored now (the same measure as the module's company-wide {@link UsageSource} size key).
 * Implementations read only their own module's tables and never content.
 */
public interface MemberStorageSource {

  /** The stable key of these bytes ({@code mailboxBytes}, {@code driveBytes}, …). */
  String key();

  /** Bytes per member for the members who store anything here; never null. */
  Map<UUID, Long> bytesByMember(UUID tenantId);
}
