package dev.musubi.platform.blob.internal;

import dev.musubi.platform.blob.BlobStoreEvent;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/** Publishes {@link BlobStoreEvent}s (the audit trail listens). */
@Component
class BlobEvents {

  private final ApplicationEventPublisher publisher;

  BlobEvents(ApplicationEventPublisher publisher) {
    this.publisher = publisher;
  }

  void publish(UUID tenantId, BlobStoreEvent.Kind kind, Map<String, String> detail) {
    publisher.publishEvent(new BlobStoreEvent(tenantId, kind, detail));
  }
}
