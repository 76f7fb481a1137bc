package dev.musubi.mail.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for concurrent deliveries: each caller's database work runs in a transaction shared
 * with the work of the deliveries that arrived while the previous transaction was committing, so
 * that twenty connections delivering at once pay for a few commits, not twenty. {@link #run}
 * returns only after the transaction that holds the caller's work has committed (a caller already
 * in a transaction joins it instead).
 *
 * <p>The first caller to find no commit under way runs everything queued (its own work included)
 * and commits; the others wait for that and find their work done, or run the next group. When any
 * work of a group fails, the whole group is rolled back and every work runs again in a transaction
 * of its own, so one bad message never fails or changes the others.
 */
public final class GroupCommit {

  private static final int MAX_GROUP = 64;

  private final TransactionTemplate tx;
  private final ConcurrentLinkedQueue<Work<?>> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock committing = new ReentrantLock(true);
  private final AtomicLong transactions = new AtomicLong();

  public GroupCommit(PlatformTransactionManager transactions) {
    this.tx = new TransactionTemplate(transactions);
  }

  private static final class Work<T> {
    final Supplier<T> body;
    @Nullable T result;
    @Nullable Throwable error;
    volatile boolean done;

    Work(Supplier<T> body) {
      this.body = body;
    }
  }

  /**
   * Runs {@code body} in a transaction and returns its result once that transaction has committed;
   * throws what {@code body} threw (nothing of it is then committed) or the commit's failure. The
   * body may run twice (the second time in a transaction of its own, after its group rolled back),
   * so it must do nothing outside the transaction.
   */
  public <T> T run(Supplier<T> body) {
    if (TransactionSynchronizationManager.isActualTransactionActive()) {
      // The caller's own transaction decides: the work joins it, like any other.
      return body.get();
    }
    Work<T> work = new Work<>(body);
    queue.add(work);
    while (!work.done) {
      committing.lock();
      try {
        if (!work.done) {
          List<Work<?>> group = new ArrayList<>();
          Work<?> next;
          while (group.size() < MAX_GROUP && (next = queue.poll()) != null) {
            group.add(next);
          }
          commit(group);
        }
      } finally {
        committing.unlock();
      }
    }
    switch (work.error) {
      case null -> {
        return work.result;
      }
      case RuntimeException e -> throw e;
      case Error e -> throw e;
      default -> throw new IllegalStateException(work.error);
    }
  }

  private void commit(List<Work<?>> group) {
    if (group.size() > 1) {
      try {
        tx.executeWithoutResult(
            s -> {
              for (Work<?> w : group) {
                runIn(w);
              }
            });
        transactions.incrementAndGet();
        group.forEach(w -> w.done = true);
        return;
      } catch (RuntimeException | Error groupFailed) {
        // rolled back as a whole: each runs again on its own below
        group.forEach(w -> w.result = null);
      }
    }
    for (Work<?> w : group) {
      try {
        tx.executeWithoutResult(s -> runIn(w));
        transactions.incrementAndGet();
      } catch (RuntimeException | Error e) {
        w.result = null;
        w.error = e;
      }
      w.done = true;
    }
  }

  /** How many works wait for a transaction (for monitoring and tests). */
  public int waiting() {
    return queue.size();
  }

  /** How many transactions have committed so far (for monitoring and tests). */
  public long transactions() {
    return transactions.get();
  }

  private static <T> void runIn(Work<T> w) {
    w.result = w.body.get();
  }
}
