package dev.musubi.platform.privacy;

import java.io.IOException;
import java.util.UUID;

/**
 * A module's share of a member's personal-data export (APPI and GDPR access right). Each module
 * that keeps personal data contributes one bean.
 */
public interface PersonalDataSource {

  /** A short, stable name: the top folder of this source's files in the archive. */
  String name();

  /**
   * Writes everything this module keeps about the member (what they created or own) into the sink.
   * Must not write another member's private data (e.g. others' messages in a direct room).
   */
  void export(UUID companyId, UUID memberId, ExportSink sink) throws IOException;
}
