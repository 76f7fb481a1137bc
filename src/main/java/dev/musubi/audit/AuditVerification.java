package dev.musubi.audit;

import org.jspecify.annotations.Nullable;

/**
 * The result of checking one company's chain.
 *
 * @param valid whether every entry, link and the head are intact
 * @param checked how many entries were read
 * @param firstBrokenSeq the first position found altered, missing or unlinked; null when valid
 * @param reason what is wrong, or {@code "ok"}
 */
public record AuditVerification(
    boolean valid, long checked, @Nullable Long firstBrokenSeq, String reason) {

  static AuditVerification ok(long checked) {
    return new AuditVerification(true, checked, null, "ok");
  }

  static AuditVerification broken(long checked, long seq, String reason) {
    return new AuditVerification(false, checked, seq, reason);
  }
}
