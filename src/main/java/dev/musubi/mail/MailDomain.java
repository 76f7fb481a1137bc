package dev.musubi.mail;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A mail domain of a company; {@code records} (the DNS records to publish) only when one domain is
 * read.
 */
public record MailDomain(
    UUID id,
    String name,
    boolean primary,
    String dkimSelector,
    Instant createdAt,
    @Nullable List<DnsRecord> records) {

  /** A DNS record the company publishes for the domain. */
  public record DnsRecord(String type, String name, String value, String purpose) {}
}
