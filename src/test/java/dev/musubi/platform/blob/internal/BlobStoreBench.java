package dev.musubi.platform.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.platform.blob.BlobRef;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Throughput of the encrypted local blob store, run only by {@code bench/blobs.sh} (its name does
 * not end in Tests): stores the file named by env {@code BENCH_FILE} and reads it back, printing
 * MB/s and the heap in use. The store fsyncs, as in production.
 */
@MusubiIntegrationTest
class BlobStoreBench {

  @Autowired EncryptedBlobStore store;
  @Autowired BlobBackend backend;
  @Autowired BlobGarbageCollector collector;

  @Test
  void putAndGet() throws Exception {
    String name = System.getenv("BENCH_FILE");
    assertThat(name).as("BENCH_FILE").isNotBlank();
    Path file = Path.of(name);
    long size = Files.size(file);
    UUID tenant = UUID.randomUUID();
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long heapBefore = rt.totalMemory() - rt.freeMemory();

    long t0 = System.nanoTime();
    BlobRef ref;
    try (InputStream in = Files.newInputStream(file)) {
      ref = store.put(tenant, in, Long.MAX_VALUE);
    }
    long t1 = System.nanoTime();
    long read;
    try (InputStream in = store.open(tenant, ref.sha256())) {
      read = in.transferTo(OutputStream.nullOutputStream());
    }
    long t2 = System.nanoTime();
    long heapAfter = rt.totalMemory() - rt.freeMemory();
    assertThat(read).isEqualTo(size);

    double mb = size / 1e6;
    System.out.printf(
        "BENCH blob-put %.0f MB in %.2f s = %.1f MB/s (SHA-256 + AES-GCM + fsync)%n",
        mb, (t1 - t0) / 1e9, mb / ((t1 - t0) / 1e9));
    System.out.printf(
        "BENCH blob-get %.0f MB in %.2f s = %.1f MB/s (decrypt, to /dev/null)%n",
        mb, (t2 - t1) / 1e9, mb / ((t2 - t1) / 1e9));
    System.out.printf(
        "BENCH heap-in-use before %d MiB, after %d MiB, max %d MiB%n",
        heapBefore >> 20, heapAfter >> 20, rt.maxMemory() >> 20);
    var stored = store.stored(tenant, ref.sha256()).orElseThrow();
    backend.delete(EncryptedBlobStore.objectKey(tenant, stored.objectId()));
  }
}
