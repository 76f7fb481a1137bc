package dev.musubi.mail.internal;

import dev.musubi.mail.MailAddress;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.platform.search.SearchDocument;
import dev.musubi.platform.search.SearchIndex;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Puts stored messages into the search index after the storing transaction, off the thread that
 * stored them: the SMTP reply waits for the message to be durable, not for the index.
 *
 * <p>Nothing is lost on a crash or an index failure: {@link #pending} writes a row to {@code
 * mail_index_pending} in the storing transaction, and the row goes only once the index has had the
 * message for {@link #committedAfter} (the embedded index commits every 5 s; until then a crash
 * could lose the write). Rows that stay behind (a crash, a failed write) are indexed again from the
 * stored message by a sweep at start and every minute. A search first calls {@link #flushMailbox},
 * so a member finds a message as soon as it is stored, without waiting for the rest of the
 * company's backlog; after a bulk delivery it indexes only what fits its budget (newest first) and
 * says how many are left.
 *
 * <p>Only a holder of {@link #work} takes documents off the queue, so whoever holds it sees every
 * handed-over document either still queued or already indexed.
 *
 * <p>Deliveries go first: while messages keep arriving (one handed over in the last {@link
 * #QUIET}), the indexer's thread waits, so that a burst of inbound mail is accepted at the rate the
 * store allows and indexed right after it. It waits at most {@link #DEFER_LONGEST} for the oldest
 * queued message and while the queue holds less than {@link #DEFER_CHARS} characters of text (or
 * half its bound, if less); a search does not wait for it, as it indexes its own mailbox first
 * ({@link #flushMailbox}).
 *
 * <p>The queue is bounded: a hand-over that would take it beyond {@code maxQueuedChars} characters
 * of text (a sixteenth of the heap's maximum, within 32 M and 512 M) waits, up to {@link
 * #HAND_OVER_WAIT}, until the indexer has taken enough off it, so that deliveries faster than
 * indexing for long slow down instead of filling the heap.
 */
@Component
public class MailIndexer implements SmartLifecycle {

  /** The search document type of mail messages. */
  public static final String TYPE = "mail";

  private static final Logger log = LoggerFactory.getLogger(MailIndexer.class);
  private static final int BATCH = 256;

  /** How many documents the indexer's thread indexes per hold of {@link #work}. */
  private static final int CHUNK = 32;

  /** How long a search's {@link #flushMailbox} may index (or wait for the indexer's thread). */
  private static final Duration FLUSH_BUDGET = Duration.ofMillis(1500);

  /** At most how many messages a search's {@link #flushMailbox} indexes. */
  private static final int FLUSH_MOST = 200;

  /** The indexer's thread waits while a message was handed over less than this long ago. */
  static final Duration QUIET = Duration.ofMillis(100);

  /** ... but not longer than this for the oldest message it has queued ... */
  static final Duration DEFER_LONGEST = Duration.ofSeconds(30);

  /** ... nor while its queue holds this many characters of text or more (about 64 MB). */
  static final long DEFER_CHARS = 64L << 20;

  /** How long a hand-over waits at most for room in a full queue. */
  static final Duration HAND_OVER_WAIT = Duration.ofSeconds(10);

  private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);
  private static final Duration SWEEP_OLDER_THAN = Duration.ofMinutes(2);

  private record Done(UUID messageId, Instant at) {}

  private final JdbcClient jdbc;
  private final BlobStore blobs;
  private final ObjectProvider<SearchIndex> index;
  private final Clock clock;
  private final Duration committedAfter;
  private final LinkedBlockingQueue<SearchDocument> queue = new LinkedBlockingQueue<>();
  // Characters of text in the queue; when the last message was handed over and when the queue last
  // went from empty to not empty (System.nanoTime).
  private final java.util.concurrent.atomic.AtomicLong queuedChars =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile long lastHandOver;
  private volatile long waitingSince;
  private volatile boolean deferring;
  private final long maxQueuedChars;
  private final long deferChars;
  private final ArrayDeque<Done> done = new ArrayDeque<>();
  // fair: a search waiting for its mailbox goes before the indexer's thread takes its next chunk
  private final ReentrantLock work = new ReentrantLock(true);
  private volatile @Nullable Thread thread;
  private volatile boolean running;
  private @Nullable Instant startedAt;
  private Instant nextSweep = Instant.EPOCH;
  // The indexer thread's sweep under way: where it goes on from, or null between sweeps.
  private @Nullable SweepCursor sweeping;

  /** Messages a sweep indexes per hold of the lock: a search waits for at most one such chunk. */
  public static final int SWEEP_CHUNK = 50;

  /** A sweep's rows older than {@code olderThan}, after the row (createdAt, messageId) if any. */
  private record SweepCursor(
      Instant olderThan, @Nullable OffsetDateTime createdAt, @Nullable UUID messageId) {}

  @Autowired
  MailIndexer(JdbcClient jdbc, BlobStore blobs, ObjectProvider<SearchIndex> index, Clock clock) {
    this(
        jdbc,
        blobs,
        index,
        clock,
        Duration.ofSeconds(15),
        Math.clamp(Runtime.getRuntime().maxMemory() / 16, 32L << 20, 512L << 20));
  }

  MailIndexer(
      JdbcClient jdbc,
      BlobStore blobs,
      ObjectProvider<SearchIndex> index,
      Clock clock,
      Duration committedAfter,
      long maxQueuedChars) {
    this.jdbc = jdbc;
    this.blobs = blobs;
    this.index = index;
    this.clock = clock;
    this.committedAfter = committedAfter;
    this.maxQueuedChars = maxQueuedChars;
    this.deferChars = Math.min(DEFER_CHARS, maxQueuedChars / 2);
  }

  /**
   * Records in the caller's transaction that {@code document} (a stored message, its id the
   * message's) is to be indexed, and hands it to the indexer once the transaction commits. Does
   * nothing when no search index is configured.
   */
  public void pending(UUID tenantId, SearchDocument document) {
    if (index.getIfAvailable() == null) {
      return;
    }
    jdbc.sql("INSERT INTO mail_index_pending (message_id, tenant_id, created_at) VALUES (?, ?, ?)")
        .params(UUID.fromString(document.id()), tenantId, Jdbc.ts(clock.instant()))
        .update();
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              handOver(document);
            }
          });
    } else {
      handOver(document);
    }
  }

  void handOver(SearchDocument document) {
    long chars = document.text().length();
    long waitUntil = System.nanoTime() + HAND_OVER_WAIT.toNanos();
    // Room first (one document larger than the bound still goes into an empty queue).
    while (queuedChars.get() > 0 && queuedChars.get() + chars > maxQueuedChars) {
      Thread t = thread;
      if (t != null) {
        LockSupport.unpark(t);
      }
      if (System.nanoTime() - waitUntil > 0) {
        break;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    long now = System.nanoTime();
    if (queue.isEmpty()) {
      waitingSince = now;
    }
    lastHandOver = now;
    queuedChars.addAndGet(chars);
    queue.add(document);
    Thread t = thread;
    // a deferring thread wakes by itself once deliveries pause
    if (t != null && !deferring) {
      LockSupport.unpark(t);
    }
  }

  /** Whether the indexer's thread is to wait for deliveries to pause (see the class comment). */
  private boolean deliveriesFirst() {
    return deliveriesFirst(
        System.nanoTime(), lastHandOver, waitingSince, queuedChars.get(), deferChars);
  }

  /**
   * Whether to wait at {@code now}, the last hand-over at {@code lastHandOver} and the queue not
   * empty since {@code waitingSince} (all {@link System#nanoTime}), holding {@code chars}, with
   * {@code deferChars} the most to wait with.
   */
  static boolean deliveriesFirst(
      long now, long lastHandOver, long waitingSince, long chars, long deferChars) {
    return now - lastHandOver < QUIET.toNanos()
        && now - waitingSince < DEFER_LONGEST.toNanos()
        && chars < deferChars;
  }

  /** Accounts for documents taken off the queue. */
  private void taken(Iterable<SearchDocument> documents) {
    long chars = 0;
    for (SearchDocument d : documents) {
      chars += d.text().length();
    }
    queuedChars.addAndGet(-chars);
  }

  /**
   * What {@link #flushMailbox} did: how many of the mailbox's queued messages it indexed, and how
   * many are still queued for the indexer's thread when it returns.
   */
  public record Flushed(int indexed, int pending) {}

  /**
   * Indexes, on the caller's thread, the messages of one member's mailbox handed over so far,
   * newest first, and leaves everyone else's to the indexer's thread: a search waits for what it
   * can find, not for the company's backlog. Bounded, so that a search after a bulk delivery
   * answers in about {@link #FLUSH_BUDGET} (1.5 s) rather than minutes: it stops after {@link
   * #FLUSH_MOST} (200) messages or once the budget has passed (having indexed at least one), and
   * waits at most the budget for the indexer's thread to let go. What it leaves stays queued for
   * that thread.
   */
  public Flushed flushMailbox(UUID tenantId, UUID memberId) {
    return flushMailbox(tenantId, memberId, FLUSH_BUDGET, FLUSH_MOST);
  }

  /**
   * {@link #flushMailbox(UUID, UUID)} with its bounds given: index at most {@code most} messages
   * (at least one when any is queued), and start no other once {@code budget} has passed.
   */
  public Flushed flushMailbox(UUID tenantId, UUID memberId, Duration budget, int most) {
    String scope = memberId.toString();
    Instant deadline = clock.instant().plus(budget);
    try {
      if (!work.tryLock(budget.toNanos(), TimeUnit.NANOSECONDS)) {
        return new Flushed(0, queued(tenantId, scope));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Flushed(0, queued(tenantId, scope));
    }
    try {
      List<SearchDocument> mine = new ArrayList<>();
      for (SearchDocument d : queue) {
        if (d.scope().equals(scope) && d.tenantId().equals(tenantId)) {
          mine.add(d);
        }
      }
      // newest first: what the member just received is what a search most likely looks for
      Set<SearchDocument> taken = Collections.newSetFromMap(new IdentityHashMap<>());
      for (int k = mine.size() - 1; k >= 0 && (taken.isEmpty() || taken.size() < most); k--) {
        if (!taken.isEmpty() && !clock.instant().isBefore(deadline)) {
          break;
        }
        SearchDocument d = mine.get(k);
        index(List.of(d));
        taken.add(d);
      }
      if (!taken.isEmpty()) {
        // only holders of work take documents off the queue: every one of them is still there
        queue.removeIf(taken::contains);
        taken(taken);
      }
      return new Flushed(taken.size(), queued(tenantId, scope));
    } finally {
      work.unlock();
    }
  }

  /** How many messages of one member's mailbox wait in memory to be indexed. */
  public int queued(UUID tenantId, UUID memberId) {
    return queued(tenantId, memberId.toString());
  }

  private int queued(UUID tenantId, String scope) {
    int n = 0;
    for (SearchDocument d : queue) {
      if (d.scope().equals(scope) && d.tenantId().equals(tenantId)) {
        n++;
      }
    }
    return n;
  }

  /** Indexes, on the caller's thread, every message handed over so far. */
  public void flush() {
    work.lock();
    try {
      drain(Integer.MAX_VALUE);
    } finally {
      work.unlock();
    }
  }

  /** Removes a deleted message from the index, after any pending indexing of it. */
  public void delete(UUID tenantId, UUID messageId) {
    SearchIndex i = index.getIfAvailable();
    if (i == null) {
      return;
    }
    work.lock();
    try {
      String id = messageId.toString();
      List<SearchDocument> removed = new ArrayList<>();
      queue.removeIf(d -> d.id().equals(id) && d.tenantId().equals(tenantId) && removed.add(d));
      taken(removed);
      i.delete(tenantId, TYPE, id);
    } finally {
      work.unlock();
    }
  }

  /** How many messages wait in memory to be indexed (for the benchmark and monitoring). */
  public int backlog() {
    return queue.size();
  }

  /** Indexes up to {@code max} queued documents; the caller holds {@link #work}. */
  private void drain(int max) {
    List<SearchDocument> batch = new ArrayList<>();
    int left = max;
    while (left > 0 && queue.drainTo(batch, Math.min(BATCH, left)) > 0) {
      left -= batch.size();
      taken(batch);
      index(batch);
      batch.clear();
    }
  }

  private void index(List<SearchDocument> batch) {
    SearchIndex i = index.getIfAvailable();
    if (i == null) {
      return;
    }
    for (SearchDocument d : batch) {
      try {
        i.index(d);
        done.add(new Done(UUID.fromString(d.id()), clock.instant()));
      } catch (RuntimeException e) {
        // the row stays; the sweep tries again from the stored message
        log.warn("Could not index a mail message: {}", e.toString());
      }
    }
  }

  /**
   * At shutdown: commits the index and removes the rows of every message it holds, so the next
   * start does not index them again (on a large mailbox that held searches up for tens of seconds
   * after a restart). Without a commit the rows stay for that start's sweep.
   */
  private void forgetAllIndexed() {
    SearchIndex i = index.getIfAvailable();
    if (done.isEmpty() || i == null || !i.commitNow()) {
      return;
    }
    while (!done.isEmpty()) {
      List<UUID> ids = new ArrayList<>();
      while (!done.isEmpty() && ids.size() < 500) {
        ids.add(done.poll().messageId());
      }
      deletePending(ids);
    }
  }

  private void deletePending(List<UUID> ids) {
    jdbc.sql(
            "DELETE FROM mail_index_pending WHERE message_id IN ("
                + String.join(",", Collections.nCopies(ids.size(), "?"))
                + ")")
        .params(new ArrayList<Object>(ids))
        .update();
  }

  /** Removes the rows of messages the index has had long enough to have committed them. */
  private void forgetCommitted() {
    Instant before = clock.instant().minus(committedAfter);
    List<UUID> ids = new ArrayList<>();
    // Not only from the head: a clock set back (or a test's clock reset) leaves entries dated in
    // the future at the head, and the rows behind them must not wait for it.
    for (var it = done.iterator(); it.hasNext() && ids.size() < 500; ) {
      Done d = it.next();
      if (!d.at().isAfter(before)) {
        ids.add(d.messageId());
        it.remove();
      }
    }
    if (!ids.isEmpty()) {
      deletePending(ids);
    }
  }

  /**
   * Indexes again, from the stored messages, every message whose row is older than {@code
   * olderThan} and that is not queued: what a crash or an index failure left behind. The indexer's
   * thread does this at start for rows older than the start, and every minute for rows older than
   * two minutes. Returns how many messages it indexed.
   */
  public int reindexPending(Instant olderThan) {
    work.lock();
    try {
      return sweep(olderThan);
    } finally {
      work.unlock();
    }
  }

  private int sweep(Instant olderThan) {
    int count = 0;
    SweepCursor cursor = new SweepCursor(olderThan, null, null);
    while (cursor != null) {
      Swept swept = sweepChunk(cursor, SWEEP_CHUNK);
      count += swept.indexed();
      cursor = swept.next();
    }
    return count;
  }

  /** What one chunk of a sweep indexed, and where the sweep goes on (null: it is done). */
  private record Swept(int indexed, @Nullable SweepCursor next) {}

  /**
   * Indexes again up to {@code most} messages whose pending row is older than the cursor's time and
   * comes after its position (oldest first); the caller holds {@link #work}.
   */
  private Swept sweepChunk(SweepCursor cursor, int most) {
    SearchIndex i = index.getIfAvailable();
    if (i == null) {
      return new Swept(0, null);
    }
    record Left(
        UUID id,
        UUID tenantId,
        UUID memberId,
        String blob,
        OffsetDateTime date,
        OffsetDateTime pendingSince) {}
    String after =
        cursor.createdAt() == null
            ? ""
            : " AND (p.created_at > ? OR (p.created_at = ? AND p.message_id > ?))";
    List<Object> params = new ArrayList<>();
    params.add(Jdbc.ts(cursor.olderThan()));
    if (cursor.createdAt() != null) {
      params.add(cursor.createdAt());
      params.add(cursor.createdAt());
      params.add(cursor.messageId());
    }
    params.add(most);
    List<Left> left =
        jdbc.sql(
                "SELECT m.id, m.tenant_id, m.member_id, m.blob_sha256, m.sent_at, p.created_at"
                    + " FROM mail_index_pending p JOIN mail_message m ON m.id = p.message_id"
                    + " WHERE p.created_at < ?"
                    + after
                    + " ORDER BY p.created_at, p.message_id LIMIT ?")
            .params(params)
            .query(
                (rs, n) ->
                    new Left(
                        rs.getObject(1, UUID.class),
                        rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class),
                        rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class),
                        rs.getObject(6, OffsetDateTime.class)))
            .list();
    // Rows whose document is still queued are the queue's to index: a bulk delivery's backlog
    // older than two minutes must not be read, parsed and indexed a second time under the lock.
    Set<String> queued = new java.util.HashSet<>();
    for (SearchDocument d : queue) {
      queued.add(d.id());
    }
    int count = 0;
    for (Left l : left) {
      if (queued.contains(l.id().toString())) {
        continue;
      }
      String text;
      try (InputStream in = blobs.open(l.tenantId(), l.blob())) {
        text = searchText(MimeParser.parse(in));
      } catch (IOException | RuntimeException e) {
        log.warn("Could not read a mail message to index it: {}", e.toString());
        continue;
      }
      index(
          List.of(
              new SearchDocument(
                  l.tenantId(),
                  TYPE,
                  l.id().toString(),
                  l.memberId().toString(),
                  "",
                  l.date().toInstant(),
                  text)));
      count++;
    }
    if (left.size() < most) {
      return new Swept(count, null);
    }
    Left last = left.getLast();
    return new Swept(count, new SweepCursor(cursor.olderThan(), last.pendingSince(), last.id()));
  }

  private void loop() {
    while (running) {
      try {
        if (queue.isEmpty() && sweeping == null) {
          deferring = false;
          // woken by handOver; a hand-over between the check and the park leaves a permit
          LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        } else if (deliveriesFirst()) {
          deferring = true;
          LockSupport.parkNanos(QUIET.toNanos());
          continue;
        }
        deferring = false;
        if (!running || Thread.interrupted()) {
          return;
        }
        work.lock();
        try {
          drain(CHUNK);
          Instant now = clock.instant();
          if (sweeping == null && !now.isBefore(nextSweep)) {
            Instant start = startedAt;
            sweeping =
                new SweepCursor(start != null ? start : now.minus(SWEEP_OLDER_THAN), null, null);
            startedAt = null;
          }
          if (sweeping != null) {
            // a chunk per hold of the lock, so that searches get their turn between chunks
            sweeping = sweepChunk(sweeping, SWEEP_CHUNK).next();
            if (sweeping == null) {
              nextSweep = clock.instant().plus(SWEEP_EVERY);
            }
          }
          forgetCommitted();
        } finally {
          work.unlock();
        }
      } catch (RuntimeException e) {
        log.warn("Mail indexer: {}", e.toString());
      }
    }
  }

  @Override
  public void start() {
    running = true;
    startedAt = clock.instant();
    thread = Thread.ofPlatform().name("mail-indexer").daemon().start(this::loop);
  }

  /** Indexes what is still queued before the application (and the index) shut down. */
  @Override
  public void stop() {
    running = false;
    Thread t = thread;
    if (t != null) {
      // unpark, not interrupt: an interrupt in the middle of an index write closes the index's
      // file channel; the thread finishes its chunk and sees running is false
      LockSupport.unpark(t);
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // Index what is queued for a bounded time only: a large backlog (a bulk delivery) would hold
    // the shutdown for minutes, and every message left has its pending row, indexed at the next
    // start.
    long until = System.nanoTime() + STOP_FLUSH.toNanos();
    work.lock();
    try {
      while (!queue.isEmpty() && System.nanoTime() < until) {
        drain(BATCH);
      }
      if (!queue.isEmpty()) {
        log.info(
            "Mail indexer stopped with {} message(s) queued; they are indexed at the next start",
            queue.size());
      }
      forgetAllIndexed();
    } catch (RuntimeException e) {
      log.warn("Mail indexer could not finish at shutdown: {}", e.toString());
    } finally {
      work.unlock();
    }
  }

  private static final java.time.Duration STOP_FLUSH = java.time.Duration.ofSeconds(10);

  @Override
  public boolean isRunning() {
    return running;
  }

  /** The searchable text of a message: its people, subject, attachment names and body. */
  public static String searchText(ParsedMail p) {
    StringBuilder b = new StringBuilder();
    if (p.from() != null) {
      b.append(Optional.ofNullable(p.from().name()).orElse(""))
          .append(' ')
          .append(p.from().address())
          .append('\n');
    }
    for (List<MailAddress> list : List.of(p.to(), p.cc())) {
      for (MailAddress a : list) {
        b.append(Optional.ofNullable(a.name()).orElse(""))
            .append(' ')
            .append(a.address())
            .append('\n');
      }
    }
    b.append(p.subject()).append('\n');
    for (ParsedMail.Attachment a : p.attachments()) {
      b.append(a.name()).append('\n');
    }
    String body = p.text().isEmpty() ? HtmlSanitizer.text(p.html()) : p.text();
    b.append(body.length() > 200_000 ? body.substring(0, 200_000) : body);
    return b.toString();
  }
}
