package dev.musubi.platform.blob.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.platform.blob.BlobReferences;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The default backend: encrypted files under {@code <data-dir>/blobs}. */
@MusubiIntegrationTest
class LocalBlobStoreIntegrationTests extends BlobStoreContract {

  @Autowired BlobStore blobStore;
  @Autowired BlobReferences blobReferences;
  @Autowired BlobBackend backend;

  @Override
  EncryptedBlobStore store() {
    return (EncryptedBlobStore) blobStore;
  }

  Path root() {
    return ((LocalBlobBackend) backend).root();
  }

  @Override
  long objectCount(UUID tenantId) throws IOException {
    Path dir = root().resolve(tenantId.toString());
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void theSpringBeansAreTheEncryptedLocalStore() {
    assertThat(blobStore).isSameAs(blobReferences).isInstanceOf(EncryptedBlobStore.class);
    assertThat(backend).isInstanceOf(LocalBlobBackend.class);
    assertThat(store().backendName()).isEqualTo("local");
  }

  @Test
  void filesAreNamedByIdsAndNoTempFileIsLeft() throws Exception {
    UUID tenant = UUID.randomUUID();
    store().put(tenant, new PatternStream(10_000, 9), MIB);
    try (Stream<Path> files = Files.walk(root().resolve(tenant.toString()))) {
      assertThat(files.filter(Files::isRegularFile).toList())
          .singleElement()
          .satisfies(
              f ->
                  assertThat(root().relativize(f).toString())
                      .matches(tenant + "/[0-9a-f]{2}/[0-9a-f-]{36}"));
    }
    try (Stream<Path> temp = Files.list(root().resolve("tmp"))) {
      assertThat(temp.filter(f -> f.getFileName().toString().endsWith(".part")).toList()).isEmpty();
    }
  }

  @Test
  void theHealthIndicatorChecksThatTheDirectoryIsWritable() throws Exception {
    var indicator = new BlobStoreHealthIndicator(backend);
    assertThat(indicator.health().getStatus().getCode()).isEqualTo("UP");
    Path elsewhere = Files.createTempDirectory("musubi-blob-health");
    LocalBlobBackend broken = new LocalBlobBackend(elsewhere);
    // the temp directory is replaced by a file: nothing can be written there, even as root
    Files.delete(elsewhere.resolve("tmp"));
    Files.writeString(elsewhere.resolve("tmp"), "not a directory");
    var down = new BlobStoreHealthIndicator(broken).health();
    assertThat(down.getStatus().getCode()).isEqualTo("DOWN");
    assertThat(down.getDetails()).containsEntry("backend", "local");
    var status = fixturesHealth();
    assertThat(status).contains("UP");
  }

  @org.springframework.boot.test.web.server.LocalServerPort int port;

  String fixturesHealth() throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    var response =
        client.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  @Test
  void theGeneratedMasterKeyIsReadableByTheOwnerOnly() throws Exception {
    Path key = root().getParent().resolve("keys/master.key");
    assertThat(key).exists();
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
  }
}
