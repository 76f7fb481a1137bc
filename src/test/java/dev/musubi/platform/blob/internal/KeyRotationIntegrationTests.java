package dev.musubi.platform.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.musubi.platform.Ids;
import dev.musubi.platform.MusubiProperties;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/** New data keys for new writes, re-encryption of old blobs, re-wrapping under a new master key. */
@MusubiIntegrationTest
class KeyRotationIntegrationTests {

  @Autowired EncryptedBlobStore store;
  @Autowired KeyRotation rotation;
  @Autowired DataKeys dataKeys;
  @Autowired BlobBackend backend;
  @Autowired JdbcClient jdbc;
  @Autowired PlatformTransactionManager transactions;
  @Autowired MusubiProperties musubi;
  @Autowired Environment env;
  @Autowired Ids ids;
  @Autowired Clock clock;

  long audited(UUID tenant, int code) {
    return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE tenant_id = :t AND action_code = :c")
        .param("t", tenant)
        .param("c", code)
        .query(Long.class)
        .single();
  }

  String read(UUID tenant, BlobRef ref) throws Exception {
    try (InputStream in = store.open(tenant, ref.sha256())) {
      return BlobStoreContract.sha256Of(in);
    }
  }

  @Test
  void newWritesUseTheNewKeyAndOldBlobsStayReadable() throws Exception {
    UUID tenant = UUID.randomUUID();
    BlobRef old = store.put(tenant, new PatternStream(1_500_000, 1), 1 << 22);
    UUID firstKey = store.stored(tenant, old.sha256()).orElseThrow().dataKeyId();

    UUID secondKey = rotation.rotate(tenant);
    BlobRef fresh = store.put(tenant, new PatternStream(1_500_000, 2), 1 << 22);

    assertThat(secondKey).isNotEqualTo(firstKey);
    assertThat(store.stored(tenant, fresh.sha256()).orElseThrow().dataKeyId()).isEqualTo(secondKey);
    assertThat(store.stored(tenant, old.sha256()).orElseThrow().dataKeyId()).isEqualTo(firstKey);
    assertThat(read(tenant, old)).isEqualTo(old.sha256());
    assertThat(read(tenant, fresh)).isEqualTo(fresh.sha256());
    assertThat(audited(tenant, 8001)).isEqualTo(1);
    // another company's current key is untouched
    UUID other = UUID.randomUUID();
    store.put(other, new PatternStream(10, 3), 100);
    UUID otherKey = dataKeys.currentId(other).orElseThrow();
    rotation.rotate(tenant);
    assertThat(dataKeys.currentId(other)).contains(otherKey);
  }

  @Test
  void reencryptionMovesOldBlobsToTheCurrentKeyAndDeletesTheOldCiphertext() throws Exception {
    UUID tenant = UUID.randomUUID();
    BlobRef a = store.put(tenant, new PatternStream(2_500_000, 4), 1 << 22);
    BlobRef b = store.put(tenant, new PatternStream(1000, 5), 1 << 22);
    store.add(tenant, a.sha256(), "test:a");
    EncryptedBlobStore.Stored before = store.stored(tenant, a.sha256()).orElseThrow();
    UUID current = rotation.rotate(tenant);

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    var command =
        new KeyCommands.BlobsReencrypt(
            rotation, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(command.run(List.of(tenant.toString()))).isZero();

    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains(tenant + " reencrypted=2 failed=0");
    EncryptedBlobStore.Stored after = store.stored(tenant, a.sha256()).orElseThrow();
    assertThat(after.dataKeyId()).isEqualTo(current);
    assertThat(after.objectId()).isNotEqualTo(before.objectId());
    assertThat(after.id()).isEqualTo(before.id());
    assertThat(backend.exists(EncryptedBlobStore.objectKey(tenant, before.objectId()))).isFalse();
    assertThat(read(tenant, a)).isEqualTo(a.sha256());
    assertThat(read(tenant, b)).isEqualTo(b.sha256());
    assertThat(store.referenceCount(tenant, a.sha256())).isEqualTo(1);
    try (InputStream in = store.open(tenant, a.sha256(), 1_048_600)) {
      assertThat(in.read()).isEqualTo(PatternStream.byteAt(4, 1_048_600) & 0xff);
    }
    assertThat(rotation.reencrypt(tenant)).isEqualTo(new KeyRotation.Reencrypted(0, 0));
    assertThat(audited(tenant, 8002)).isEqualTo(1);
    assertThat(command.run(List.of("nope"))).isEqualTo(2);
  }

  @Test
  void smallBlobsUnderTwoKeysReadBackThroughOneReaderBeforeAndAfterReencryption() throws Exception {
    UUID tenant = UUID.randomUUID();
    List<BlobRef> refs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      refs.add(store.put(tenant, new PatternStream(2000 + 150 * i, 20 + i), 1 << 20));
      if (i == 14) {
        rotation.rotate(tenant);
      }
    }
    List<String> shas = refs.stream().map(BlobRef::sha256).toList();
    assertThat(
            shas.stream()
                .map(sha -> store.stored(tenant, sha).orElseThrow().dataKeyId())
                .distinct())
        .hasSize(2);
    // The same pooled decryption objects, alternating between the keys, blob after blob.
    BlobStore.Reader reader = store.reader(tenant, shas);
    for (int round = 0; round < 3; round++) {
      for (String sha : shas) {
        try (InputStream in = reader.open(sha)) {
          assertThat(BlobStoreContract.sha256Of(in)).isEqualTo(sha);
        }
      }
    }
    // Re-encrypted under the current key, each is read again by the reader made before.
    assertThat(rotation.reencrypt(tenant)).isEqualTo(new KeyRotation.Reencrypted(15, 0));
    for (String sha : shas) {
      try (InputStream in = reader.open(sha)) {
        assertThat(BlobStoreContract.sha256Of(in)).isEqualTo(sha);
      }
      assertThat(read(tenant, new BlobRef(sha, 0))).isEqualTo(sha);
    }
  }

  @Test
  void aStoreThatRemembersRowsFromBeforeAReencryptionElsewhereReadsTheBlobsAsTheyAreNow()
      throws Exception {
    UUID tenant = UUID.randomUUID();
    List<String> shas = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      shas.add(store.put(tenant, new PatternStream(3000 + 100 * i, 40 + i), 1 << 20).sha256());
    }
    // A second store on the same database and files (another instance of the application)
    // remembers the rows its reader looked up ...
    EncryptedBlobStore other =
        new EncryptedBlobStore(jdbc, transactions, dataKeys, backend, ids, clock);
    for (String sha : shas) {
      try (InputStream in = other.reader(tenant, shas).open(sha)) {
        assertThat(BlobStoreContract.sha256Of(in)).isEqualTo(sha);
      }
    }
    // ... and this one re-encrypts them all (new files, the old ones deleted).
    rotation.rotate(tenant);
    assertThat(rotation.reencrypt(tenant)).isEqualTo(new KeyRotation.Reencrypted(10, 0));
    BlobStore.Reader stale = other.reader(tenant, shas);
    for (String sha : shas) {
      try (InputStream in = stale.open(sha)) {
        assertThat(BlobStoreContract.sha256Of(in)).isEqualTo(sha);
      }
    }
    // A blob deleted since (its row and its file, as the collector deletes) is not found, through
    // a remembered row as without one.
    UUID objectId = store.stored(tenant, shas.getFirst()).orElseThrow().objectId();
    jdbc.sql("DELETE FROM blob WHERE tenant_id = ? AND sha256 = ?")
        .params(tenant, shas.getFirst())
        .update();
    backend.delete(EncryptedBlobStore.objectKey(tenant, objectId));
    assertThatThrownBy(() -> other.reader(tenant, shas).open(shas.getFirst()))
        .isInstanceOf(dev.musubi.platform.blob.BlobNotFoundException.class);
    assertThatThrownBy(() -> store.reader(tenant, shas).open(shas.getFirst()))
        .isInstanceOf(dev.musubi.platform.blob.BlobNotFoundException.class);
  }

  @Test
  void aNewMasterKeyRewrapsTheDataKeysAndTheOldOneIsThenNotNeeded() throws Exception {
    UUID tenant = UUID.randomUUID();
    BlobRef ref = store.put(tenant, new PatternStream(300_000, 6), 1 << 22);
    UUID keyId = dataKeys.currentId(tenant).orElseThrow();
    String oldMaster =
        Files.readString(musubi.dataDir().resolve("keys/master.key"), StandardCharsets.US_ASCII)
            .trim();
    String newMaster = MasterKeys.newKeyText();

    DataKeys rotated = dataKeysWith(newMaster, List.of(oldMaster));
    assertThat(rotation.rewrap(rotated, tenant)).containsEntry(tenant, 1);

    // only the new master key is needed now, the old one can no longer unwrap it
    DataKeys newOnly = dataKeysWith(newMaster, List.of());
    EncryptedBlobStore reader =
        new EncryptedBlobStore(jdbc, transactions, newOnly, backend, ids, clock);
    try (InputStream in = reader.open(tenant, ref.sha256())) {
      assertThat(BlobStoreContract.sha256Of(in)).isEqualTo(ref.sha256());
    }
    DataKeys oldOnly = dataKeysWith(oldMaster, List.of());
    assertThatThrownBy(() -> oldOnly.get(tenant, keyId))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MUSUBI_MASTER_KEY_PREVIOUS");
    assertThat(audited(tenant, 8003)).isEqualTo(1);

    // and back, so the running application's master key reads it again
    assertThat(rotation.rewrap(dataKeysWith(oldMaster, List.of(newMaster)), tenant))
        .containsEntry(tenant, 1);
    assertThat(dataKeysWith(oldMaster, List.of()).get(tenant, keyId)).isNotNull();
  }

  @Test
  void aMalformedMasterKeyIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> dataKeysWith("c2hvcnQ=", List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> dataKeysWith("not base64!", List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("base64");
  }

  private DataKeys dataKeysWith(String master, List<String> previous) {
    MasterKeys keys =
        new MasterKeys(new BlobProperties("local", null, null, master, previous), musubi, env);
    return new DataKeys(jdbc, transactions, keys, ids, clock);
  }
}
