package dev.musubi.audit.internal;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.platform.blob.BlobStoreEvent;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Records the blob store's key rotations, re-encryptions, re-wraps and collections (the platform
 * publishes them as events because it may not depend on this module).
 */
@Component
class BlobStoreAuditListener {

  private final AuditTrail trail;

  BlobStoreAuditListener(AuditTrail trail) {
    this.trail = trail;
  }

  @EventListener
  void on(BlobStoreEvent event) {
    AuditAction action =
        switch (event.kind()) {
          case DATA_KEY_ROTATED -> AuditAction.BLOB_DATA_KEY_ROTATED;
          case BLOBS_REENCRYPTED -> AuditAction.BLOBS_REENCRYPTED;
          case DATA_KEYS_REWRAPPED -> AuditAction.BLOB_DATA_KEYS_REWRAPPED;
          case BLOBS_COLLECTED -> AuditAction.BLOBS_COLLECTED;
        };
    AuditRecord record =
        AuditRecord.of(event.tenantId(), action).target("blob-store", event.tenantId());
    for (Map.Entry<String, String> entry : new java.util.TreeMap<>(event.detail()).entrySet()) {
      record = record.with(entry.getKey(), entry.getValue());
    }
    trail.record(record);
  }
}
