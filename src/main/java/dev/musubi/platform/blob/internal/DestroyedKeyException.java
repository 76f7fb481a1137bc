package dev.musubi.platform.blob.internal;

import java.util.UUID;

/** A data key whose material was destroyed (crypto-shredding): what it encrypted is gone. */
class DestroyedKeyException extends IllegalStateException {

  DestroyedKeyException(UUID keyId) {
    super("data key " + keyId + " was destroyed");
  }
}
