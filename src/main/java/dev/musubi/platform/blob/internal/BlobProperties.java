package dev.musubi.platform.blob.internal;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code musubi.blobs.*} (env {@code MUSUBI_BLOBS_*}).
 *
 * @param backend {@code local} (files under the data directory, the default) or {@code s3}
 * @param gcGrace how long an unreferenced blob is kept before the collector removes it
 * @param gcInterval how often the collector runs
 * @param masterKey the master key, base64 of 32 random bytes; env {@code MUSUBI_MASTER_KEY} is read
 *     when this is empty; when both are empty a key is generated into the data directory
 * @param previousMasterKeys earlier master keys (same format, env {@code
 *     MUSUBI_MASTER_KEY_PREVIOUS}, comma-separated) still needed to unwrap data keys until {@code
 *     keys-rewrap} has run
 */
@ConfigurationProperties("musubi.blobs")
public record BlobProperties(
    @Nullable String backend,
    @Nullable Duration gcGrace,
    @Nullable Duration gcInterval,
    @Nullable String masterKey,
    @Nullable List<String> previousMasterKeys) {

  public BlobProperties {
    if (backend == null || backend.isBlank()) {
      backend = "local";
    }
    if (gcGrace == null) {
      gcGrace = Duration.ofHours(24);
    }
    if (gcInterval == null) {
      gcInterval = Duration.ofHours(1);
    }
    if (previousMasterKeys == null) {
      previousMasterKeys = List.of();
    }
  }
}
