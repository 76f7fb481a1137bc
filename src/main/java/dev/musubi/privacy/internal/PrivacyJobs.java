package dev.musubi.privacy.internal;

import dev.musubi.privacy.PersonalDataExports;
import dev.musubi.privacy.Retention;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The privacy module's schedule: the daily retention run (with retries of erasures that waited for
 * a legal hold), the hourly removal of expired export archives, and, at start, failing the exports
 * a restart interrupted.
 */
@Component
class PrivacyJobs {

  private static final Logger log = LoggerFactory.getLogger(PrivacyJobs.class);

  private final Retention retention;
  private final MemberErasure erasure;
  private final PersonalDataExports exports;

  PrivacyJobs(Retention retention, MemberErasure erasure, PersonalDataExports exports) {
    this.retention = retention;
    this.erasure = erasure;
    this.exports = exports;
  }

  @Scheduled(cron = "${musubi.privacy.retention-cron:0 30 3 * * *}")
  void daily() {
    retention.runAll();
    int erased = erasure.retryPending();
    if (erased > 0) {
      log.info("Erased {} members whose legal hold ended", erased);
    }
  }

  @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT15M")
  void expireExports() {
    exports.expire();
  }

  @EventListener(ApplicationReadyEvent.class)
  void failInterrupted() {
    int n = exports.failInterrupted();
    if (n > 0) {
      log.info("Marked {} interrupted personal-data exports as failed", n);
    }
  }
}
