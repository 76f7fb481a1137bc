package dev.musubi.ops.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Writes an archive into {@code MUSUBI_BACKUP_DIR} when the newest one there is older than {@code
 * MUSUBI_BACKUP_EVERY}, and keeps the newest {@code MUSUBI_BACKUP_KEEP}. Checks every minute, so
 * that a restart neither skips nor repeats a backup.
 */
@Component
@Profile("!command")
class ScheduledBackups {

  private static final Logger log = LoggerFactory.getLogger(ScheduledBackups.class);

  private final Backups backups;
  private final BackupProperties properties;
  private final Clock clock;

  ScheduledBackups(Backups backups, BackupProperties properties, Clock clock) {
    this.backups = backups;
    this.properties = properties;
    this.clock = clock;
  }

  @Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT1M")
  void tick() {
    Path dir = properties.dir();
    if (dir == null) {
      return;
    }
    try {
      List<Path> archives = backups.archives(dir);
      Instant due =
          archives.isEmpty()
              ? Instant.MIN
              : Files.getLastModifiedTime(archives.get(0).resolve(Backups.MANIFEST))
                  .toInstant()
                  .plus(properties.every());
      if (clock.instant().isBefore(due)) {
        return;
      }
      backups.backup(dir);
      backups.prune(dir, properties.keep());
    } catch (IOException | RuntimeException e) {
      log.error("Scheduled backup into {} failed: {}", dir, e.getMessage());
    }
  }
}
