package dev.musubi.platform.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.musubi.platform.blob.BlobNotFoundException;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.MemberKeys;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Members' own data keys and their destruction (crypto-shredding). */
@MusubiIntegrationTest
class MemberKeysIntegrationTests {

  @Autowired EncryptedBlobStore store;
  @Autowired MemberKeys memberKeys;
  @Autowired KeyRotation rotation;
  @Autowired DataKeys dataKeys;
  @Autowired BlobBackend backend;
  @Autowired JdbcClient jdbc;

  static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  String read(UUID tenant, BlobRef ref) throws Exception {
    try (InputStream in = store.open(tenant, ref.sha256())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  UUID keyOf(UUID tenant, BlobRef ref) {
    return store.stored(tenant, ref.sha256()).orElseThrow().dataKeyId();
  }

  byte[] ciphertext(UUID tenant, BlobRef ref) throws Exception {
    UUID object = store.stored(tenant, ref.sha256()).orElseThrow().objectId();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SeekableByteChannel in = backend.read(EncryptedBlobStore.objectKey(tenant, object))) {
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (in.read(buffer) > 0) {
        out.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
    }
    return out.toByteArray();
  }

  Map<String, Object> row(UUID tenant, BlobRef ref) {
    return jdbc.sql("SELECT * FROM blob WHERE tenant_id = :t AND sha256 = :s")
        .param("t", tenant)
        .param("s", ref.sha256())
        .query()
        .singleRow();
  }

  @Test
  void aMembersContentIsUnderTheirOwnKeyAndNeverSharedWithAnotherMembersCopy() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    BlobRef company = store.put(tenant, text("同じ内容 same bytes"), 1000);
    BlobRef ofAlice = store.put(tenant, alice, text("同じ内容 same bytes"), 1000);
    BlobRef ofBob = store.put(tenant, bob, text("同じ内容 same bytes"), 1000);

    // Three blobs, three keys: the company's, Alice's and Bob's.
    assertThat(ofAlice.sha256()).isNotEqualTo(company.sha256()).isNotEqualTo(ofBob.sha256());
    assertThat(ofAlice.size()).isEqualTo(company.size());
    assertThat(keyOf(tenant, company)).isEqualTo(dataKeys.currentId(tenant).orElseThrow());
    assertThat(keyOf(tenant, ofAlice))
        .isNotEqualTo(keyOf(tenant, company))
        .isNotEqualTo(keyOf(tenant, ofBob));
    assertThat(dataKeys.memberOf(keyOf(tenant, ofAlice))).contains(alice);
    assertThat(dataKeys.memberOf(keyOf(tenant, company))).isEmpty();
    assertThat(read(tenant, ofAlice)).isEqualTo("同じ内容 same bytes");
    assertThat(read(tenant, ofBob)).isEqualTo("同じ内容 same bytes");
    // The same bytes again for Alice are her one blob.
    assertThat(store.put(tenant, alice, text("同じ内容 same bytes"), 1000)).isEqualTo(ofAlice);
    assertThat(dataKeys.memberKeyIds(tenant, alice)).hasSize(1);
    // Re-encryption after a company key rotation leaves members' blobs under their own keys.
    rotation.rotate(tenant);
    rotation.reencrypt(tenant);
    assertThat(dataKeys.memberOf(keyOf(tenant, ofAlice))).contains(alice);
    assertThat(keyOf(tenant, company)).isEqualTo(dataKeys.currentId(tenant).orElseThrow());
  }

  @Test
  void shreddingDestroysTheKeysAndWhatNobodyHoldsButKeepsWhatAColleagueHolds() throws Exception {
    UUID tenant = UUID.randomUUID();
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    BlobRef mail = store.put(tenant, alice, text("Alice's mail 個人のメール"), 1000);
    BlobRef handedOver = store.put(tenant, alice, text("引き継ぎ資料 handed over"), 1000);
    store.add(tenant, handedOver.sha256(), "test:colleague");
    BlobRef ofBob = store.put(tenant, bob, text("Bob's own"), 1000);
    // A copy of Alice's ciphertext and its row, as a file-level copy elsewhere would hold them.
    byte[] stolenCiphertext = ciphertext(tenant, mail);
    Map<String, Object> stolenRow = row(tenant, mail);

    MemberKeys.Shredded shredded = memberKeys.shred(tenant, alice);

    assertThat(shredded).isEqualTo(new MemberKeys.Shredded(1, 1, 1));
    // Her unheld blob is gone; the one a colleague holds was moved to the company's key first.
    assertThat(store.find(tenant, mail.sha256())).isEmpty();
    assertThatThrownBy(() -> store.open(tenant, mail.sha256()))
        .isInstanceOf(BlobNotFoundException.class);
    assertThat(read(tenant, handedOver)).isEqualTo("引き継ぎ資料 handed over");
    assertThat(keyOf(tenant, handedOver)).isEqualTo(dataKeys.currentId(tenant).orElseThrow());
    // The key row stays as evidence, without its material.
    Map<String, Object> key =
        jdbc.sql("SELECT wrapped_keyset, destroyed_at FROM blob_data_key WHERE member_id = :m")
            .param("m", alice)
            .query()
            .singleRow();
    assertThat(key.get("wrapped_keyset").toString()).isEmpty();
    assertThat(key.get("destroyed_at")).isNotNull();
    assertThat(dataKeys.memberKeyIds(tenant, alice)).isEmpty();
    // Bob is untouched.
    assertThat(read(tenant, ofBob)).isEqualTo("Bob's own");

    // Putting the copied row and ciphertext back opens nothing: the key is gone for good.
    jdbc.sql(
            "INSERT INTO blob (id, tenant_id, sha256, size, object_id, data_key_id, created_at,"
                + " touched_at, member_id) VALUES (:id, :t, :s, :size, :o, :k, :c, :c, :m)")
        .param("id", stolenRow.get("id"))
        .param("t", tenant)
        .param("s", mail.sha256())
        .param("size", mail.size())
        .param("o", stolenRow.get("object_id"))
        .param("k", stolenRow.get("data_key_id"))
        .param("c", stolenRow.get("created_at"))
        .param("m", alice)
        .update();
    UUID object = (UUID) stolenRow.get("object_id");
    try (BlobBackend.Upload upload = backend.upload(EncryptedBlobStore.objectKey(tenant, object))) {
      try (OutputStream out = upload.out()) {
        out.write(stolenCiphertext);
      }
      upload.commit();
    }
    assertThatThrownBy(() -> store.open(tenant, mail.sha256()))
        .isInstanceOf(BlobNotFoundException.class);

    // A second shredding finds nothing to do; new content for Alice would get a new key.
    assertThat(memberKeys.shred(tenant, alice)).isEqualTo(new MemberKeys.Shredded(0, 0, 0));
  }
}
