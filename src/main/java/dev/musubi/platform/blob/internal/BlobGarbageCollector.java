package dev.musubi.platform.blob.internal;

import dev.musubi.platform.Jdbc;
import dev.musubi.platform.blob.BlobStoreEvent;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Removes blobs that no reference holds and that nobody touched (stored, deduplicated into,
 * referenced or unreferenced) for the grace period. Each candidate is re-checked under its row
 * lock, the lock {@link EncryptedBlobStore#add} takes too, so a reference added while the collector
 * runs either keeps the blob or fails. The ciphertext is deleted only after the row's deletion
 * commits.
 *
 * <p>With the local backend it also removes object files that no blob row names and that were last
 * written before the grace period: a ciphertext {@link dev.musubi.platform.blob.BlobStore#prepare
 * prepared} (or put) whose transaction never committed because the process died after the fsync, or
 * an object whose row this collector deleted just before a crash. A prepare still in flight is safe
 * because its file is younger than the grace, which is far longer than any transaction.
 */
@Component
public class BlobGarbageCollector {

  private static final Logger log = LoggerFactory.getLogger(BlobGarbageCollector.class);
  private static final int BATCH = 500;

  /** What one run did. */
  public record Result(int deleted, int kept, int tempFilesRemoved, int orphanFilesRemoved) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final BlobBackend backend;
  private final BlobProperties properties;
  private final Clock clock;
  private final BlobEvents events;
  private final EncryptedBlobStore store;

  public BlobGarbageCollector(
      JdbcClient jdbc,
      PlatformTransactionManager transactions,
      BlobBackend backend,
      BlobProperties properties,
      Clock clock,
      BlobEvents events,
      EncryptedBlobStore store) {
    this.jdbc = jdbc;
    this.tx = new TransactionTemplate(transactions);
    this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.backend = backend;
    this.properties = properties;
    this.clock = clock;
    this.events = events;
    this.store = store;
  }

  /** The configured grace period. */
  public Duration grace() {
    return properties.gcGrace();
  }

  @Scheduled(
      initialDelayString = "${musubi.blobs.gc-initial-delay:PT10M}",
      fixedDelayString = "${musubi.blobs.gc-interval:PT1H}")
  void scheduled() {
    try {
      Result result = collect(null);
      if (result.deleted() > 0
          || result.tempFilesRemoved() > 0
          || result.orphanFilesRemoved() > 0) {
        log.info(
            "Blob collector removed {} blobs, {} stale temp files and {} unrecorded object files",
            result.deleted(),
            result.tempFilesRemoved(),
            result.orphanFilesRemoved());
      }
    } catch (RuntimeException e) {
      log.warn("Blob collector failed", e);
    }
  }

  /**
   * Collects the company's unreferenced blobs, or every company's when {@code tenantId} is null.
   */
  public Result collect(@Nullable UUID tenantId) {
    Instant now = clock.instant();
    Instant cutoff = now.minus(properties.gcGrace());
    int deleted = 0;
    int kept = 0;
    UUID after = new UUID(0, 0);
    Map<UUID, Integer> perTenant = new TreeMap<>();
    while (true) {
      List<Candidate> candidates = candidates(tenantId, cutoff, after);
      for (Candidate candidate : candidates) {
        after = candidate.id();
        UUID objectId = tx.execute(s -> deleteIfStillUnreferenced(candidate, cutoff));
        if (objectId != null) {
          deleted++;
          perTenant.merge(candidate.tenantId(), 1, Integer::sum);
          try {
            backend.delete(EncryptedBlobStore.objectKey(candidate.tenantId(), objectId));
          } catch (IOException e) {
            log.warn("Could not delete the object of collected blob {}", candidate.id(), e);
          }
        } else {
          kept++;
        }
      }
      if (candidates.size() < BATCH) {
        break;
      }
    }
    int temp = 0;
    if (tenantId == null && backend instanceof LocalBlobBackend local) {
      try {
        temp = local.sweepTemp(now, Duration.ofDays(1).plus(properties.gcGrace()));
      } catch (IOException e) {
        log.warn("Could not sweep the blob temp directory", e);
      }
    }
    int orphans = 0;
    if (backend instanceof LocalBlobBackend local) {
      try {
        orphans = removeUnrecordedObjects(local, tenantId, now);
      } catch (IOException e) {
        log.warn("Could not sweep unrecorded blob objects", e);
      }
    }
    perTenant.forEach(
        (tenant, count) ->
            events.publish(
                tenant, BlobStoreEvent.Kind.BLOBS_COLLECTED, Map.of("blobs", count.toString())));
    return new Result(deleted, kept, temp, orphans);
  }

  /**
   * Deletes the object files, older than the grace period, that no blob row names. File times come
   * from the system clock, so the cutoff does too when it is the earlier one: a clock that runs
   * ahead (a test's, or one stepped forward) never makes a young file look old.
   */
  private int removeUnrecordedObjects(LocalBlobBackend local, @Nullable UUID tenantId, Instant now)
      throws IOException {
    Instant wall = Instant.now();
    Instant cutoff = (now.isBefore(wall) ? now : wall).minus(properties.gcGrace());
    int[] removed = {0};
    local.olderObjects(
        tenantId,
        cutoff,
        BATCH,
        files -> {
          Map<UUID, List<UUID>> byTenant = new TreeMap<>();
          files.forEach(
              f ->
                  byTenant.computeIfAbsent(f.tenantId(), t -> new ArrayList<>()).add(f.objectId()));
          Set<UUID> recorded = new HashSet<>();
          byTenant.forEach(
              (tenant, objects) ->
                  recorded.addAll(
                      jdbc.sql(
                              "SELECT object_id FROM blob WHERE tenant_id = :t AND object_id IN"
                                  + " (:objects)")
                          .param("t", tenant)
                          .param("objects", objects)
                          .query(UUID.class)
                          .list()));
          for (LocalBlobBackend.ObjectFile f : files) {
            if (recorded.contains(f.objectId())) {
              continue;
            }
            try {
              local.delete(EncryptedBlobStore.objectKey(f.tenantId(), f.objectId()));
              removed[0]++;
            } catch (IOException e) {
              log.warn("Could not delete unrecorded blob object {}", f.objectId(), e);
            }
          }
        });
    return removed[0];
  }

  private record Candidate(UUID id, UUID tenantId, String sha256) {}

  private List<Candidate> candidates(@Nullable UUID tenantId, Instant cutoff, UUID after) {
    String sql =
        "SELECT b.id, b.tenant_id, b.sha256 FROM blob b WHERE b.touched_at < :cutoff"
            + " AND b.id > :after"
            + (tenantId == null ? "" : " AND b.tenant_id = :t")
            + " AND NOT EXISTS (SELECT 1 FROM blob_reference r"
            + " WHERE r.tenant_id = b.tenant_id AND r.sha256 = b.sha256)"
            + " ORDER BY b.id LIMIT "
            + BATCH;
    var statement = jdbc.sql(sql).param("cutoff", Jdbc.ts(cutoff)).param("after", after);
    if (tenantId != null) {
      statement = statement.param("t", tenantId);
    }
    return statement
        .query(
            (rs, n) ->
                new Candidate(
                    rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3)))
        .list();
  }

  /** Deletes the blob's row if it is still collectable; returns its object ID then, else null. */
  private @Nullable UUID deleteIfStillUnreferenced(Candidate candidate, Instant cutoff) {
    record Locked(Instant touched, UUID objectId) {}
    Locked locked =
        jdbc.sql("SELECT touched_at, object_id FROM blob WHERE id = :id FOR UPDATE")
            .param("id", candidate.id())
            .query(
                (rs, n) ->
                    new Locked(Jdbc.requiredInstant(rs, "touched_at"), rs.getObject(2, UUID.class)))
            .optional()
            .orElse(null);
    if (locked == null || !locked.touched().isBefore(cutoff)) {
      return null;
    }
    long references =
        jdbc.sql("SELECT COUNT(*) FROM blob_reference WHERE tenant_id = :t AND sha256 = :s")
            .param("t", candidate.tenantId())
            .param("s", candidate.sha256())
            .query(Long.class)
            .single();
    if (references > 0) {
      return null;
    }
    int rows = jdbc.sql("DELETE FROM blob WHERE id = :id").param("id", candidate.id()).update();
    if (rows != 1) {
      return null;
    }
    store.forget(candidate.tenantId(), candidate.sha256());
    return locked.objectId();
  }
}
