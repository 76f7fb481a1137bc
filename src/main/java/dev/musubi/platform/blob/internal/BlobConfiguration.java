package dev.musubi.platform.blob.internal;

import dev.musubi.platform.MusubiProperties;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the backend: {@code musubi.blobs.backend} (env {@code MUSUBI_BLOBS_BACKEND}). */
@Configuration(proxyBeanMethods = false)
class BlobConfiguration {

  @Bean
  BlobBackend blobBackend(BlobProperties properties, S3Properties s3, MusubiProperties musubi)
      throws IOException {
    return switch (properties.backend()) {
      case "local" -> new LocalBlobBackend(musubi.dataDir().resolve("blobs"));
      case "s3" -> {
        S3BlobBackend backend = new S3BlobBackend(s3);
        backend.ensureBucket();
        yield backend;
      }
      default ->
          throw new IllegalStateException(
              "MUSUBI_BLOBS_BACKEND must be local or s3, not " + properties.backend());
    };
  }
}
