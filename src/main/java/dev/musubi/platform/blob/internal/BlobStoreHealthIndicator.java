package dev.musubi.platform.blob.internal;

import java.io.IOException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code blobStore}: down when the local blob directory cannot
 * be written or the S3 bucket cannot be reached.
 */
@Component("blobStoreHealthIndicator")
class BlobStoreHealthIndicator implements HealthIndicator {

  private final BlobBackend backend;

  BlobStoreHealthIndicator(BlobBackend backend) {
    this.backend = backend;
  }

  @Override
  public Health health() {
    try {
      backend.check();
      return Health.up().withDetail("backend", backend.name()).build();
    } catch (IOException | RuntimeException e) {
      return Health.down()
          .withDetail("backend", backend.name())
          .withDetail("reason", String.valueOf(e.getMessage()))
          .build();
    }
  }
}
