package dev.musubi.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs work once the current transaction has committed (at once when there is none; never when it
 * rolls back).
 *
 * <p>For in-process reactions that need no durable record, such as pushing an event to open
 * sockets, closing a suspended member's connections, or updating the search index, which is
 * rebuildable (work that must not be lost goes to an {@code @Async @TransactionalEventListener}
 * instead, which the registry retries; see {@link EventPublicationRetry}): a
 * {@code @TransactionalEventListener} would do the same, but Spring Modulith registers a
 * publication for every such listener and marks it completed in a transaction of its own, which
 * takes a second pool connection while the committing one is still held. Under load every
 * connection was then held by a thread waiting for a second one, and the pool stood still until its
 * time-out.
 */
public final class AfterCommit {

  private static final Logger log = LoggerFactory.getLogger(AfterCommit.class);

  private AfterCommit() {}

  /** A failure of {@code work} is logged, never thrown at the caller, whose work is committed. */
  public static void run(Runnable work) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()
        || !TransactionSynchronizationManager.isActualTransactionActive()) {
      safely(work);
      return;
    }
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            safely(work);
          }
        });
  }

  private static void safely(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      log.warn("Work after commit failed", e);
    }
  }
}
