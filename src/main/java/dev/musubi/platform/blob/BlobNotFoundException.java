package dev.musubi.platform.blob;

import java.io.IOException;

/** The company holds no blob with the given hash. */
public class BlobNotFoundException extends IOException {
  public BlobNotFoundException(String sha256) {
    super("no blob " + sha256);
  }
}
