package dev.musubi.identity.internal;

import dev.musubi.identity.MemberLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Purges deleted members once their grace period is over. */
@Component
class MemberPurgeJob {

  private final MemberLifecycle lifecycle;

  MemberPurgeJob(MemberLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  @Scheduled(
      fixedDelayString = "${musubi.admin.purge-interval:PT1H}",
      initialDelayString = "${musubi.admin.purge-interval:PT1H}")
  void purge() {
    lifecycle.purgeDue();
  }
}
