package dev.musubi.platform.privacy;

import java.time.Instant;
import java.util.UUID;

/** A service whose old data the company's retention policy deletes. */
public interface RetentionTarget {

  /**
   * The service this target cleans, as named in the retention policy: {@code messages}, {@code
   * files}, {@code calendar}, {@code audit}.
   */
  String service();

  /**
   * Really deletes the company's data of this service that is older than {@code cutoff}, except
   * what {@code held} covers; returns how many items went.
   */
  int purgeOlderThan(UUID companyId, Instant cutoff, HeldScope held);
}
