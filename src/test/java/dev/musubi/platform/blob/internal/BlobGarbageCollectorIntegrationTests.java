package dev.musubi.platform.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.musubi.platform.blob.BlobNotFoundException;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The collector removes only blobs that nothing holds, and never one referenced meanwhile. (The
 * scheduled run may collect first while the clock is advanced, so tests check the state.)
 */
@MusubiIntegrationTest
class BlobGarbageCollectorIntegrationTests {

  @Autowired EncryptedBlobStore store;
  @Autowired BlobGarbageCollector collector;
  @Autowired BlobBackend backend;
  @Autowired TestClock clock;
  @Autowired PlatformTransactionManager transactions;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  BlobRef put(UUID tenant, long seed) throws Exception {
    return store.put(tenant, new PatternStream(200_000, seed), 1 << 20);
  }

  boolean objectExists(UUID tenant, UUID objectId) throws Exception {
    return backend.exists(EncryptedBlobStore.objectKey(tenant, objectId));
  }

  @Test
  void anUnreferencedBlobIsKeptForTheGracePeriodThenRemoved() throws Exception {
    UUID tenant = UUID.randomUUID();
    BlobRef ref = put(tenant, 1);
    UUID objectId = store.stored(tenant, ref.sha256()).orElseThrow().objectId();

    clock.advance(collector.grace().minusMinutes(5));
    assertThat(collector.collect(tenant).deleted()).isZero();
    assertThat(store.find(tenant, ref.sha256())).isPresent();

    clock.advance(Duration.ofMinutes(10));
    collector.collect(tenant);
    assertThat(store.find(tenant, ref.sha256())).isEmpty();
    assertThat(objectExists(tenant, objectId)).isFalse();
    assertThatThrownBy(() -> store.open(tenant, ref.sha256()))
        .isInstanceOf(BlobNotFoundException.class);
  }

  @Test
  void aReferencedBlobStaysAndTheGraceStartsWhenTheLastReferenceGoes() throws Exception {
    UUID tenant = UUID.randomUUID();
    BlobRef ref = put(tenant, 2);
    store.add(tenant, ref.sha256(), "test:a");
    store.add(tenant, ref.sha256(), "test:b");

    clock.advance(Duration.ofDays(30));
    assertThat(collector.collect(tenant).deleted()).isZero();
    store.remove(tenant, ref.sha256(), "test:a");
    clock.advance(Duration.ofDays(30));
    assertThat(collector.collect(tenant).deleted()).isZero();

    store.remove(tenant, ref.sha256(), "test:b");
    clock.advance(collector.grace().minusMinutes(1));
    assertThat(collector.collect(tenant).deleted()).isZero();
    clock.advance(Duration.ofMinutes(2));
    collector.collect(tenant);
    assertThat(store.find(tenant, ref.sha256())).isEmpty();
  }

  @Test
  void storingTheSameBytesAgainRestartsTheGracePeriod() throws Exception {
    UUID tenant = UUID.randomUUID();
    BlobRef ref = put(tenant, 3);
    clock.advance(collector.grace().plusHours(1));

    // a new upload of the same content returns the old blob: it must survive until referenced
    assertThat(put(tenant, 3)).isEqualTo(ref);
    assertThat(collector.collect(tenant).deleted()).isZero();
    store.add(tenant, ref.sha256(), "test:late");
    clock.advance(collector.grace().plusHours(1));
    assertThat(collector.collect(tenant).deleted()).isZero();
    assertThat(store.open(tenant, ref.sha256()).readAllBytes()).hasSize(200_000);
  }

  @Test
  void aReferenceAddedWhileTheCollectorRunsKeepsTheBlob() throws Exception {
    UUID tenant = UUID.randomUUID();
    BlobRef ref = put(tenant, 4);
    clock.advance(collector.grace().plusHours(1));
    TransactionTemplate tx = new TransactionTemplate(transactions);
    CountDownLatch referenced = new CountDownLatch(1);
    CountDownLatch commit = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      // a module adds its reference in its own transaction, which is still open...
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () ->
                  tx.executeWithoutResult(
                      s -> {
                        store.add(tenant, ref.sha256(), "test:concurrent");
                        referenced.countDown();
                        await(commit);
                      }),
              pool);
      assertThat(referenced.await(30, TimeUnit.SECONDS)).isTrue();
      // ...when the collector runs: it must wait for that transaction, then keep the blob
      CompletableFuture<BlobGarbageCollector.Result> gc =
          CompletableFuture.supplyAsync(() -> collector.collect(tenant), pool);
      commit.countDown();
      writer.get(30, TimeUnit.SECONDS);
      assertThat(gc.get(30, TimeUnit.SECONDS).deleted()).isZero();
    } finally {
      commit.countDown();
      pool.shutdownNow();
    }
    assertThat(store.find(tenant, ref.sha256())).isPresent();
    assertThat(store.referenceCount(tenant, ref.sha256())).isEqualTo(1);
    try (var in = store.open(tenant, ref.sha256())) {
      assertThat(in.readAllBytes()).hasSize(200_000);
    }
  }

  @Test
  void aReferenceToACollectedBlobFailsSoTheCallerRollsBack() throws Exception {
    UUID tenant = UUID.randomUUID();
    BlobRef ref = put(tenant, 5);
    clock.advance(collector.grace().plusHours(1));
    collector.collect(tenant);
    assertThat(store.find(tenant, ref.sha256())).isEmpty();

    TransactionTemplate tx = new TransactionTemplate(transactions);
    assertThatThrownBy(
            () -> tx.executeWithoutResult(s -> store.add(tenant, ref.sha256(), "test:too-late")))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.referenceCount(tenant, ref.sha256())).isZero();
    // storing it again brings it back under a new object
    assertThat(put(tenant, 5)).isEqualTo(ref);
    store.add(tenant, ref.sha256(), "test:again");
    assertThat(store.open(tenant, ref.sha256()).readAllBytes()).hasSize(200_000);
  }

  @Test
  void theCommandCollectsTheGivenCompanies() throws Exception {
    UUID tenant = UUID.randomUUID();
    BlobRef kept = put(tenant, 6);
    store.add(tenant, kept.sha256(), "test:kept");
    BlobRef gone = put(tenant, 7);
    clock.advance(collector.grace().plusHours(1));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BlobsGcCommand command =
        new BlobsGcCommand(collector, new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(command.run(List.of("not-a-company"))).isEqualTo(2);
    assertThat(command.run(List.of(tenant.toString()))).isZero();

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("not a company ID")
        .contains(tenant + " deleted=");
    assertThat(store.find(tenant, gone.sha256())).isEmpty();
    assertThat(store.find(tenant, kept.sha256())).isPresent();
  }

  @Test
  void anObjectFileThatNoBlobRowNamesGoesOnlyAfterTheGracePeriod() throws Exception {
    assumeTrue(backend instanceof LocalBlobBackend, "object files are swept on the local backend");
    UUID tenant = UUID.randomUUID();
    Instant old = Instant.now().minus(collector.grace()).minusSeconds(3600);
    TransactionTemplate tx = new TransactionTemplate(transactions);

    // A process that died between the fsync of a prepared ciphertext and the commit of its row...
    BlobStore.Prepared crashed = store.prepare(tenant, null, new PatternStream(50_000, 8), 1 << 20);
    Path orphan = onlyNewFile(tenant, List.of());
    Files.setLastModifiedTime(orphan, FileTime.from(old));
    // ...a prepare still in flight (its transaction has not recorded it yet)...
    BlobStore.Prepared inFlight =
        store.prepare(tenant, null, new PatternStream(50_000, 9), 1 << 20);
    Path young = onlyNewFile(tenant, List.of(orphan));
    // ...and a recorded blob whose file is as old as the orphan.
    BlobRef recorded = put(tenant, 10);
    store.add(tenant, recorded.sha256(), "test:recorded");
    Path recordedFile = onlyNewFile(tenant, List.of(orphan, young));
    Files.setLastModifiedTime(recordedFile, FileTime.from(old));

    BlobGarbageCollector.Result result = collector.collect(tenant);

    assertThat(result.orphanFilesRemoved()).isEqualTo(1);
    assertThat(orphan).doesNotExist();
    assertThat(young).exists();
    assertThat(recordedFile).exists();
    assertThat(store.open(tenant, recorded.sha256()).readAllBytes()).hasSize(200_000);
    // the prepare in flight records its blob afterwards and it reads back
    BlobRef late = tx.execute(s -> inFlight.record());
    inFlight.close();
    crashed.close();
    assertThat(store.open(tenant, late.sha256()).readAllBytes()).hasSize(50_000);
    assertThat(collector.collect(tenant).orphanFilesRemoved()).isZero();
  }

  /** The one object file of the company that is not among {@code known}. */
  private Path onlyNewFile(UUID tenant, List<Path> known) throws Exception {
    Path company = ((LocalBlobBackend) backend).root().resolve(tenant.toString());
    try (Stream<Path> files = Files.walk(company)) {
      List<Path> found =
          files.filter(Files::isRegularFile).filter(f -> !known.contains(f)).toList();
      assertThat(found).hasSize(1);
      return found.get(0);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
