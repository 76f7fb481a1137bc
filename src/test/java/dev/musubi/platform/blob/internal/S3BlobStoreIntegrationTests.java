package dev.musubi.platform.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.musubi.platform.Ids;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobTooLargeException;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestS3;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The S3 backend against a real S3 API server on 127.0.0.1 (s3proxy over jclouds' filesystem
 * provider), with the same behaviour tests as the local backend.
 */
@MusubiIntegrationTest
class S3BlobStoreIntegrationTests extends BlobStoreContract {

  static TestS3 s3;

  @Autowired PlatformTransactionManager transactions;
  @Autowired DataKeys dataKeys;
  @Autowired Ids ids;
  @Autowired Clock clock;

  S3BlobBackend backend;
  EncryptedBlobStore store;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = TestS3.start();
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  static S3Properties properties(String bucket) {
    return s3.properties(bucket);
  }

  @Override
  EncryptedBlobStore store() {
    if (store == null) {
      backend = new S3BlobBackend(properties("blobs"));
      try {
        backend.ensureBucket();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      store = new EncryptedBlobStore(jdbc, transactions, dataKeys, backend, ids, clock);
    }
    return store;
  }

  @Override
  long objectCount(UUID tenantId) {
    store();
    return backend
        .client()
        .listObjectsV2Paginator(b -> b.bucket("blobs").prefix("musubi/" + tenantId + "/"))
        .contents()
        .stream()
        .count();
  }

  long openUploads(UUID tenantId) {
    store();
    return backend
        .client()
        .listMultipartUploads(b -> b.bucket("blobs").prefix("musubi/" + tenantId + "/"))
        .uploads()
        .size();
  }

  @Test
  void largeBlobsGoUpInPartsAndComeBackFromAnyOffset() throws Exception {
    UUID tenant = UUID.randomUUID();
    long size = 12 * MIB + 3;
    BlobRef ref = store().put(tenant, new PatternStream(size, 21), 20 * MIB);

    assertThat(objectCount(tenant)).isEqualTo(1);
    assertThat(openUploads(tenant)).isZero();
    try (InputStream in = store().open(tenant, ref.sha256())) {
      assertThat(sha256Of(in)).isEqualTo(ref.sha256());
    }
    long offset = 11 * MIB + 100;
    try (InputStream in = store().open(tenant, ref.sha256(), offset)) {
      byte[] tail = in.readAllBytes();
      assertThat(tail).hasSize((int) (size - offset));
      assertThat(tail[0]).isEqualTo(PatternStream.byteAt(21, offset));
      assertThat(tail[tail.length - 1]).isEqualTo(PatternStream.byteAt(21, size - 1));
    }
  }

  @Test
  void aRefusedMultipartUploadIsAbortedAndLeavesNothing() throws Exception {
    UUID tenant = UUID.randomUUID();
    assertThatThrownBy(() -> store().put(tenant, new PatternStream(14 * MIB, 22), 7 * MIB))
        .isInstanceOf(BlobTooLargeException.class);
    assertThat(objectCount(tenant)).isZero();
    assertThat(openUploads(tenant))
        .as(
            () ->
                backend
                    .client()
                    .listMultipartUploads(b -> b.bucket("blobs").prefix("musubi/" + tenant + "/"))
                    .toString())
        .isZero();
    assertThat(blobRows(tenant)).isZero();
  }

  @Test
  void theBackendReportsAnUnreachableStore() throws Exception {
    store();
    backend.check();
    S3Properties nowhere =
        new S3Properties(
            "http://127.0.0.1:9", "blobs", TestS3.ACCESS, TestS3.SECRET, null, null, null, null);
    try (S3BlobBackend down = new S3BlobBackend(nowhere)) {
      assertThatThrownBy(down::check).isInstanceOf(IOException.class);
    }
    assertThatThrownBy(
            () ->
                new S3BlobBackend(
                    new S3Properties(
                        null, "", TestS3.ACCESS, TestS3.SECRET, null, null, null, null)))
        .hasMessageContaining("MUSUBI_S3_BUCKET");
  }
}
