package dev.musubi.platform.privacy;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where a {@link PersonalDataSource} writes its files: entries of the member's archive. Paths use
 * {@code /} and start with the source's name ({@code talk/messages.json}); the sink makes them safe
 * (no {@code ..}, no absolute paths) and unique.
 */
public interface ExportSink {

  /** Adds a file with the given bytes. */
  void write(String path, byte[] content) throws IOException;

  /** Adds a file streamed from {@code content}, which the sink reads to the end but not closes. */
  void write(String path, InputStream content) throws IOException;
}
