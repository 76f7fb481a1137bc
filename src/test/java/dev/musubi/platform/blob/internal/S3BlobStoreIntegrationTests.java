package dev.musubi.platform.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.musubi.platform.Ids;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobTooLargeException;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
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

  static final String ACCESS = "musubi-test-access";
  static final String SECRET = "musubi-test-secret-key-0123456789";
  static S3Proxy proxy;
  static BlobStoreContext jclouds;
  static Path baseDir;

  @Autowired PlatformTransactionManager transactions;
  @Autowired DataKeys dataKeys;
  @Autowired Ids ids;
  @Autowired Clock clock;

  S3BlobBackend backend;
  EncryptedBlobStore store;

  @BeforeAll
  static void startS3() throws Exception {
    baseDir = Files.createTempDirectory("musubi-s3proxy");
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", baseDir.toString());
    jclouds =
        ContextBuilder.newBuilder("filesystem").overrides(properties).build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(jclouds.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
            .build();
    proxy.start();
    for (int i = 0; i < 500 && !"STARTED".equals(proxy.getState()); i++) {
      Thread.sleep(10);
    }
    assertThat(proxy.getState()).isEqualTo("STARTED");
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (proxy != null) {
      proxy.stop();
    }
    if (jclouds != null) {
      jclouds.close();
    }
  }

  static S3Properties properties(String bucket) {
    return new S3Properties(
        "http://127.0.0.1:" + proxy.getPort(), bucket, ACCESS, SECRET, null, "musubi/", null, 5);
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
        new S3Properties("http://127.0.0.1:9", "blobs", ACCESS, SECRET, null, null, null, null);
    try (S3BlobBackend down = new S3BlobBackend(nowhere)) {
      assertThatThrownBy(down::check).isInstanceOf(IOException.class);
    }
    assertThatThrownBy(
            () ->
                new S3BlobBackend(
                    new S3Properties(null, "", ACCESS, SECRET, null, null, null, null)))
        .hasMessageContaining("MUSUBI_S3_BUCKET");
  }
}
