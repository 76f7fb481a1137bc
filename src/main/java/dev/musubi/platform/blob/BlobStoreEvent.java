package dev.musubi.platform.blob;

import java.util.Map;
import java.util.UUID;

/**
 * A key-management or housekeeping action of the blob store, published as a Spring application
 * event so that the audit trail can record it (the platform depends on no other module).
 *
 * @param tenantId the company concerned
 * @param kind what happened
 * @param detail small, non-secret facts (key IDs, counts); never key material
 */
public record BlobStoreEvent(UUID tenantId, Kind kind, Map<String, String> detail) {

  public enum Kind {
    /** A new data key became the company's current one. */
    DATA_KEY_ROTATED,
    /** Blobs were re-encrypted under the company's current data key. */
    BLOBS_REENCRYPTED,
    /** The company's data keys were re-wrapped under the current master key. */
    DATA_KEYS_REWRAPPED,
    /** The garbage collector removed unreferenced blobs of the company. */
    BLOBS_COLLECTED
  }
}
