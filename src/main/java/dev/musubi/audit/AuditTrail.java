package dev.musubi.audit;

/**
 * Appends to the company's hash-chained audit trail. Joins the caller's transaction, so the entry
 * commits or rolls back with the change it records; without a transaction it commits on its own
 * (e.g. a failed sign-in).
 */
public interface AuditTrail {

  /** Appends the record; never null; fills IP and user agent from the current request if unset. */
  void record(AuditRecord record);
}
