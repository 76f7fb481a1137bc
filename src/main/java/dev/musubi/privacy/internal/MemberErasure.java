package dev.musubi.privacy.internal;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.MemberPurged;
import dev.musubi.platform.blob.MemberKeys;
import dev.musubi.platform.privacy.HeldScope;
import dev.musubi.platform.privacy.PersonalDataEraser;
import dev.musubi.privacy.Retention;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Destroys a purged member's personal data in every module once the deletion grace period is over
 * ({@link MemberPurged}), then destroys the member's own data keys (crypto-shredding, {@link
 * MemberKeys}), and evidences it in the audit trail with what each module erased. A member under
 * legal hold is not erased: the erasure waits (audited) and the daily job retries it once the hold
 * is released.
 */
@Component
public class MemberErasure {

  private static final Logger log = LoggerFactory.getLogger(MemberErasure.class);

  private final PrivacyStore store;
  private final List<PersonalDataEraser> erasers;
  private final MemberKeys memberKeys;
  private final Retention retention;
  private final AuditTrail audit;
  private final TransactionTemplate tx;
  private final Clock clock;

  MemberErasure(
      PrivacyStore store,
      List<PersonalDataEraser> erasers,
      MemberKeys memberKeys,
      Retention retention,
      AuditTrail audit,
      TransactionTemplate tx,
      Clock clock) {
    this.store = store;
    this.erasers = erasers.stream().sorted(Comparator.comparing(PersonalDataEraser::name)).toList();
    this.memberKeys = memberKeys;
    this.retention = retention;
    this.audit = audit;
    this.tx = tx;
    this.clock = clock;
  }

  /**
   * Runs after the purge has committed, on a thread of its own, so the purging thread holds no
   * connection while this takes one; tracked by the event publication registry, so a purge whose
   * erasure was cut short by a crash is run again ({@code EventPublicationRetry}). Not one
   * transaction as a module listener would be: the modules' erasures commit first, so that
   * destroying the member's keys afterwards sees every reference they dropped. Run twice, the
   * second run finds the erasure done and does nothing; a failed erasure stays pending for {@link
   * #retryPending()}.
   */
  @Async
  @TransactionalEventListener
  void on(MemberPurged e) {
    if (store.erased(e.tenantId(), e.memberId())) {
      return;
    }
    store.requestErasure(e.tenantId(), e.memberId(), clock.instant());
    erase(e.tenantId(), e.memberId(), true);
  }

  /** Retries erasures that waited for a hold or failed; returns how many completed. */
  public int retryPending() {
    int n = 0;
    for (UUID[] p : store.pendingErasures()) {
      if (erase(p[0], p[1], false)) {
        n++;
      }
    }
    return n;
  }

  private boolean erase(UUID tenantId, UUID memberId, boolean first) {
    HeldScope held = retention.held(tenantId);
    if (held.memberHeld(memberId)) {
      if (first) {
        audit.record(
            AuditRecord.of(tenantId, AuditAction.MEMBER_DATA_ERASURE_HELD)
                .actor(null, "system")
                .target("member", memberId));
      }
      return false;
    }
    AuditRecord started =
        AuditRecord.of(tenantId, AuditAction.MEMBER_DATA_ERASED)
            .actor(null, "system")
            .target("member", memberId)
            .with("heldRooms", held.rooms().size());
    String[] current = {""};
    AuditRecord record;
    try {
      record =
          Objects.requireNonNull(
              tx.execute(
                  s -> {
                    var r = started;
                    for (PersonalDataEraser eraser : erasers) {
                      current[0] = eraser.name();
                      r = r.with(eraser.name(), eraser.erase(tenantId, memberId, held));
                    }
                    return r;
                  }));
      // Last, with every module's references gone: the member's own keys are destroyed, so their
      // mail, personal files, photo and exports can never be decrypted again, wherever a copy of
      // the ciphertext survives (backups hold the wrapped keys until they age out).
      current[0] = "keys";
      MemberKeys.Shredded shredded = memberKeys.shred(tenantId, memberId);
      record =
          record
              .with("keysDestroyed", shredded.keysDestroyed())
              .with("blobsShredded", shredded.blobsDestroyed())
              .with("blobsKeptForOthers", shredded.blobsKept());
    } catch (RuntimeException ex) {
      log.warn("Erasing member {} failed in {}: {}", memberId, current[0], ex.toString());
      audit.record(started.with("failedIn", current[0]).failed());
      return false;
    }
    var done = record;
    tx.executeWithoutResult(
        s -> {
          store.erasureDone(tenantId, memberId, clock.instant());
          audit.record(done);
        });
    return true;
  }
}
