package dev.musubi.platform.blob;

import java.io.IOException;

/** The content was larger than the caller allowed; nothing was stored. */
public class BlobTooLargeException extends IOException {
  private final long limit;

  public BlobTooLargeException(long limit) {
    super("content exceeds " + limit + " bytes");
    this.limit = limit;
  }

  /** The limit that was exceeded, in bytes. */
  public long limit() {
    return limit;
  }
}
