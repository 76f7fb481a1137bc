package dev.musubi.drive.internal;

import dev.musubi.drive.Drives;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Empties the trash of every company after its retention days, hourly. */
@Component
class TrashJanitor {

  private static final Logger log = LoggerFactory.getLogger(TrashJanitor.class);
  private final Drives drives;

  TrashJanitor(Drives drives) {
    this.drives = drives;
  }

  @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT10M")
  void run() {
    int n = drives.emptyExpiredTrash();
    if (n > 0) {
      log.info("Removed {} drive items whose trash retention ended", n);
    }
  }
}
