package dev.musubi.platform.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.musubi.platform.blob.BlobNotFoundException;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The behaviour every blob store backend must show; each backend's test class extends this and says
 * which store to use and how to count its stored objects.
 */
abstract class BlobStoreContract {

  static final long MIB = 1024 * 1024;

  @Autowired JdbcClient jdbc;

  /** The store under test. */
  abstract EncryptedBlobStore store();

  /** How many ciphertext objects the backend holds for the company (committed or not). */
  abstract long objectCount(UUID tenantId) throws IOException;

  static String sha256Of(InputStream in) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[64 * 1024];
    int n;
    while ((n = in.read(buffer)) != -1) {
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  long blobRows(UUID tenantId) {
    return jdbc.sql("SELECT COUNT(*) FROM blob WHERE tenant_id = :t")
        .param("t", tenantId)
        .query(Long.class)
        .single();
  }

  byte[] rawObject(UUID tenantId, String sha) throws IOException {
    EncryptedBlobStore.Stored stored = store().stored(tenantId, sha).orElseThrow();
    try (SeekableByteChannel channel =
        store().backend().read(EncryptedBlobStore.objectKey(tenantId, stored.objectId()))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      while (channel.read(buffer) > 0) {
        out.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      return out.toByteArray();
    }
  }

  @Test
  void aMultiMebibyteStreamComesBackIntact() throws Exception {
    UUID tenant = UUID.randomUUID();
    long size = 5 * MIB + 12345;
    String expected = sha256Of(new PatternStream(size, 1));

    BlobRef ref = store().put(tenant, new PatternStream(size, 1), 10 * MIB);

    assertThat(ref).isEqualTo(new BlobRef(expected, size));
    assertThat(store().find(tenant, expected)).contains(ref);
    try (InputStream in = store().open(tenant, expected)) {
      assertThat(sha256Of(in)).isEqualTo(expected);
    }
  }

  @Test
  void theSameContentIsStoredOnce() throws Exception {
    UUID tenant = UUID.randomUUID();
    BlobRef first = store().put(tenant, new PatternStream(2 * MIB, 2), 10 * MIB);
    BlobRef second = store().put(tenant, new PatternStream(2 * MIB, 2), 10 * MIB);
    BlobRef other = store().put(tenant, new PatternStream(2 * MIB, 3), 10 * MIB);

    assertThat(second).isEqualTo(first);
    assertThat(other.sha256()).isNotEqualTo(first.sha256());
    assertThat(blobRows(tenant)).isEqualTo(2);
    assertThat(objectCount(tenant)).isEqualTo(2);
    try (InputStream in = store().open(tenant, first.sha256())) {
      assertThat(sha256Of(in)).isEqualTo(first.sha256());
    }
  }

  @Test
  void readsStartAtAnyOffset() throws Exception {
    UUID tenant = UUID.randomUUID();
    long size = 3 * MIB + 777;
    BlobRef ref = store().put(tenant, new PatternStream(size, 4), 10 * MIB);

    long[] offsets = {0, 1, MIB - 1, MIB, MIB + 17, 2 * MIB + 5, size - 1};
    for (long offset : offsets) {
      try (InputStream in = store().open(tenant, ref.sha256(), offset)) {
        byte[] head = in.readNBytes(4096);
        assertThat(head.length).isEqualTo((int) Math.min(4096, size - offset));
        for (int i = 0; i < head.length; i++) {
          assertThat(head[i])
              .as("byte %d", offset + i)
              .isEqualTo(PatternStream.byteAt(4, offset + i));
        }
      }
    }
    try (InputStream in = store().open(tenant, ref.sha256(), size)) {
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThatThrownBy(() -> store().open(tenant, ref.sha256(), size + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store().open(tenant, ref.sha256(), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void contentOverTheLimitIsRefusedAndLeavesNothing() throws Exception {
    UUID tenant = UUID.randomUUID();
    String sha = sha256Of(new PatternStream(3 * MIB, 5));

    assertThatThrownBy(() -> store().put(tenant, new PatternStream(3 * MIB, 5), MIB))
        .isInstanceOf(BlobTooLargeException.class)
        .satisfies(e -> assertThat(((BlobTooLargeException) e).limit()).isEqualTo(MIB));

    assertThat(store().find(tenant, sha)).isEmpty();
    assertThat(blobRows(tenant)).isZero();
    assertThat(objectCount(tenant)).isZero();
    // exactly at the limit is fine
    BlobRef ref = store().put(tenant, new PatternStream(MIB, 6), MIB);
    assertThat(ref.size()).isEqualTo(MIB);
  }

  @Test
  void anotherCompanyCannotOpenABlobEvenWithItsHash() throws Exception {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    BlobRef ref = store().put(a, new PatternStream(100_000, 7), MIB);
    store().put(b, new ByteArrayInputStream("b's own".getBytes(StandardCharsets.UTF_8)), MIB);

    assertThat(store().find(b, ref.sha256())).isEmpty();
    assertThatThrownBy(() -> store().open(b, ref.sha256()))
        .isInstanceOf(BlobNotFoundException.class);
    assertThatThrownBy(() -> store().add(b, ref.sha256(), "test:b"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store().referenceCount(b, ref.sha256())).isZero();
    // not a hash at all
    assertThat(store().find(a, "../../etc/passwd")).isEmpty();
    assertThatThrownBy(() -> store().open(a, "../" + ref.sha256()))
        .isInstanceOf(BlobNotFoundException.class);
  }

  @Test
  void theCiphertextDoesNotContainThePlaintext() throws Exception {
    UUID tenant = UUID.randomUUID();
    String marker = "MUSUBI-PLAINTEXT-MARKER 結び ";
    byte[] plain = marker.repeat(20_000).getBytes(StandardCharsets.UTF_8);

    BlobRef ref = store().put(tenant, new ByteArrayInputStream(plain), 10 * MIB);

    byte[] raw = rawObject(tenant, ref.sha256());
    assertThat(raw.length).isGreaterThan(plain.length);
    assertThat(new String(raw, StandardCharsets.ISO_8859_1))
        .doesNotContain(
            new String(marker.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1))
        .doesNotContain("MUSUBI");
    try (InputStream in = store().open(tenant, ref.sha256())) {
      assertThat(in.readAllBytes()).isEqualTo(plain);
    }
  }

  @Test
  void anEmptyBlobWorks() throws Exception {
    UUID tenant = UUID.randomUUID();
    BlobRef ref = store().put(tenant, InputStream.nullInputStream(), 0);
    assertThat(ref)
        .isEqualTo(
            new BlobRef("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 0));
    try (InputStream in = store().open(tenant, ref.sha256())) {
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void referencesAreCountedOnceAndOnlyForStoredBlobs() throws Exception {
    UUID tenant = UUID.randomUUID();
    BlobRef ref = store().put(tenant, new PatternStream(1000, 8), MIB);

    store().add(tenant, ref.sha256(), "test:1");
    store().add(tenant, ref.sha256(), "test:1");
    store().add(tenant, ref.sha256(), "test:2");
    assertThat(store().referenceCount(tenant, ref.sha256())).isEqualTo(2);
    store().remove(tenant, ref.sha256(), "test:1");
    store().remove(tenant, ref.sha256(), "test:absent");
    assertThat(store().referenceCount(tenant, ref.sha256())).isEqualTo(1);

    String missing = "0".repeat(64);
    assertThatThrownBy(() -> store().add(tenant, missing, "test:3"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store().referenceCount(tenant, missing)).isZero();
  }
}
