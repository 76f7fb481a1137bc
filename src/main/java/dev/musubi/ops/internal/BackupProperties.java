package dev.musubi.ops.internal;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Scheduled backups (env {@code MUSUBI_BACKUP_DIR}, {@code MUSUBI_BACKUP_EVERY}, {@code
 * MUSUBI_BACKUP_KEEP}): none unless a directory is set.
 *
 * @param dir where archives go; also the only place the operator API writes to
 * @param every how often (an ISO-8601 duration such as {@code PT24H}, or {@code 6h})
 * @param keep how many archives to keep in {@code dir}; older ones are removed
 */
@ConfigurationProperties("musubi.backup")
public record BackupProperties(@Nullable Path dir, @Nullable Duration every, int keep) {

  public BackupProperties {
    if (every == null || every.isNegative() || every.isZero()) {
      every = Duration.ofHours(24);
    }
    if (keep <= 0) {
      keep = 7;
    }
  }
}
