package dev.musubi.mail.internal;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.mail.MailDomains;
import dev.musubi.mail.MailInbound;
import dev.musubi.mail.MailLog;
import dev.musubi.mail.MailPolicy;
import dev.musubi.mail.Mailboxes;
import dev.musubi.mail.imap.codec.ImapSummary;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The mailbox store's side of {@link MailInbound}: recipient lookup, the company's policy for
 * failed sender checks, and durable delivery. A message is read into memory up to the largest size
 * the recipients' companies accept, parsed within bounds, stored as one encrypted blob per company,
 * and then recorded for every recipient in one transaction; only then does {@link #deliver} return.
 * Also used for mail sent between members, which never leaves the server.
 */
@Component
public class InboundDelivery implements MailInbound {

  private static final Logger log = LoggerFactory.getLogger(InboundDelivery.class);
  private static final int HEAD_BYTES = 64 * 1024;

  private final MailDomains domains;
  private final Mailboxes mailboxes;
  private final MailLog mailLog;
  private final BlobStore blobs;
  private final AuditTrail audit;
  private final TransactionTemplate tx;
  private final @Nullable GroupCommit commits;

  InboundDelivery(
      MailDomains domains,
      Mailboxes mailboxes,
      MailLog mailLog,
      BlobStore blobs,
      AuditTrail audit,
      PlatformTransactionManager transactions,
      @Value("${musubi.mail.group-commit:true}") boolean groupCommit) {
    this.domains = domains;
    this.mailboxes = mailboxes;
    this.mailLog = mailLog;
    this.blobs = blobs;
    this.audit = audit;
    this.tx = new TransactionTemplate(transactions);
    this.commits = groupCommit ? new GroupCommit(transactions) : null;
  }

  @Override
  public Recipient recipient(String address) {
    Optional<MailDomains.Resolved> r = domains.resolve(address);
    if (r.isEmpty()) {
      return Recipient.NOT_HOSTED;
    }
    return r.get().members().isEmpty() ? Recipient.UNKNOWN : Recipient.LOCAL;
  }

  @Override
  public boolean isHostedDomain(String domain) {
    return domains.isHosted(domain);
  }

  @Override
  public Delivery deliver(Envelope envelope, InputStream raw) throws IOException {
    Map<UUID, Set<UUID>> targets = targets(envelope.recipients());
    if (targets.isEmpty()) {
      throw new MailRejectedException(true, "5.1.1", "No such recipient here");
    }
    // Read once per company for this message (size, sender checks, quota).
    Map<UUID, MailPolicy> policies = new LinkedHashMap<>();
    long max = 0;
    for (UUID t : targets.keySet()) {
      MailPolicy policy = domains.policy(t);
      policies.put(t, policy);
      max = Math.max(max, policy.maxMessageBytes());
    }
    byte[] message = raw.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (message.length > max) {
      raw.transferTo(java.io.OutputStream.nullOutputStream());
      refused(envelope, "message larger than " + max + " bytes");
      throw new MailRejectedException(true, "5.3.4", "Message too big");
    }
    ParsedMail parsed = parse(message);
    String fromDomain =
        envelope.auth().fromDomain() != null
            ? envelope.auth().fromDomain()
            : parsed.from() == null ? "" : Addresses.domainOf(parsed.from().address());

    Map<UUID, String> folders = new LinkedHashMap<>();
    for (UUID tenant : targets.keySet()) {
      MailPolicy policy = policies.get(tenant);
      Verdict checks = verdict(policy, envelope.auth(), fromDomain);
      Verdict forged = forged(policy, envelope.auth(), fromDomain);
      Verdict v = rank(forged.action()) > rank(checks.action()) ? forged : checks;
      if (v.action().equals("reject")) {
        tx.executeWithoutResult(
            s -> {
              mailLog.record(
                  tenant,
                  "in",
                  envelope.mailFrom(),
                  envelope.recipients(),
                  parsed.subject(),
                  message.length,
                  parsed.attachments().size(),
                  envelope.auth(),
                  "rejected",
                  v.reason());
              audit.record(
                  AuditRecord.of(tenant, AuditAction.MAIL_REFUSED_BY_POLICY)
                      .with("reason", v.reason())
                      .with("remoteAddress", envelope.remoteAddress()));
            });
        throw new MailRejectedException(
            true, "5.7.1", "Refused by the recipient's policy: " + v.reason());
      }
      folders.put(tenant, v.action().equals("junk") ? "junk" : "inbox");
    }
    for (Map.Entry<UUID, Set<UUID>> e : targets.entrySet()) {
      long quota = policies.get(e.getKey()).mailboxQuotaBytes();
      for (UUID member : e.getValue()) {
        if (mailboxes.used(e.getKey(), member) + message.length > quota) {
          refused(envelope, "mailbox full");
          throw new MailRejectedException(false, "4.2.2", "Mailbox full");
        }
      }
    }
    Map<UUID, String> status = new LinkedHashMap<>();
    folders.forEach((t, f) -> status.put(t, f.equals("junk") ? "junk" : "delivered"));
    return store(message, parsed, targets, folders, status, envelope, "in", false);
  }

  /**
   * Stores a message for members of one or more companies: the ciphertexts first, written and
   * synced before any transaction begins (so no pooled connection waits on the disk), then the blob
   * rows, every mailbox and the log rows in one transaction; returns once it has committed.
   */
  public Delivery store(
      byte[] message,
      ParsedMail parsed,
      Map<UUID, Set<UUID>> targets,
      Map<UUID, String> folderRoles,
      Map<UUID, String> logStatus,
      Envelope envelope,
      String direction,
      boolean seen)
      throws IOException {
    // One copy per member, under the member's own key (crypto-shredded with the member).
    Map<UUID, BlobStore.Prepared> prepared = new LinkedHashMap<>();
    try {
      for (Map.Entry<UUID, Set<UUID>> e : targets.entrySet()) {
        for (UUID member : e.getValue()) {
          prepared.put(
              member,
              blobs.prepare(e.getKey(), member, new ByteArrayInputStream(message), message.length));
        }
      }
      // Worked out once for every copy: IMAP FETCH of envelopes and structure then never reads it.
      ImapSummary summary = ImapSummary.of(message);
      // Runs in one transaction; with musubi.mail.group-commit that transaction is shared with the
      // deliveries arriving meanwhile (see docs/benchmarks.md), and the work may run twice (again
      // alone when its group rolled back), so it does nothing outside the transaction.
      Supplier<Delivery> work =
          () -> {
            Map<UUID, BlobRef> refs = new LinkedHashMap<>();
            prepared.forEach((member, blob) -> refs.put(member, blob.record()));
            UUID first = null;
            int count = 0;
            for (Map.Entry<UUID, Set<UUID>> e : targets.entrySet()) {
              UUID tenant = e.getKey();
              UUID logId = null;
              if (logStatus.containsKey(tenant)) {
                logId =
                    mailLog.record(
                        tenant,
                        direction,
                        envelope.mailFrom(),
                        envelope.recipients(),
                        parsed.subject(),
                        message.length,
                        parsed.attachments().size(),
                        envelope.auth(),
                        logStatus.get(tenant),
                        parsed.parseError().isEmpty()
                            ? ""
                            : "stored unparsed: " + parsed.parseError());
                if (first == null) {
                  first = logId;
                }
              }
              for (UUID member : e.getValue()) {
                mailboxes.store(
                    new Mailboxes.NewMessage(
                        tenant,
                        member,
                        folderRoles.getOrDefault(tenant, "inbox"),
                        refs.get(member),
                        parsed,
                        envelope.receivedAt(),
                        seen,
                        false,
                        envelope.auth(),
                        logId),
                    summary);
                count++;
              }
            }
            return new Delivery(first == null ? UUID.randomUUID() : first, count);
          };
      if (commits != null) {
        return commits.run(work);
      }
      return tx.execute(s -> work.get());
    } finally {
      // Ciphertexts no committed transaction recorded (a rollback, a duplicate) are removed.
      prepared.values().forEach(BlobStore.Prepared::close);
    }
  }

  @Override
  public void refused(Envelope envelope, String reason) {
    Set<UUID> tenants = new LinkedHashSet<>();
    for (String r : envelope.recipients()) {
      domains.resolve(r).ifPresent(x -> tenants.add(x.tenantId()));
    }
    for (UUID tenant : tenants) {
      try {
        tx.executeWithoutResult(
            s ->
                mailLog.record(
                    tenant,
                    "in",
                    envelope.mailFrom(),
                    envelope.recipients(),
                    "",
                    envelope.size(),
                    0,
                    envelope.auth(),
                    "refused",
                    reason));
      } catch (RuntimeException e) {
        log.warn("Could not log a refused message: {}", e.toString());
      }
    }
  }

  /** The members each recipient reaches, grouped by company. */
  public Map<UUID, Set<UUID>> targets(List<String> recipients) {
    Map<UUID, Set<UUID>> out = new LinkedHashMap<>();
    for (String r : recipients) {
      domains
          .resolve(r)
          .filter(x -> !x.members().isEmpty())
          .ifPresent(
              x ->
                  out.computeIfAbsent(x.tenantId(), k -> new LinkedHashSet<>())
                      .addAll(x.members()));
    }
    return out;
  }

  /** Parses within bounds; a message beyond them keeps what its first header lines say. */
  public static ParsedMail parse(byte[] message) {
    ParsedMail parsed;
    try {
      parsed = MimeParser.parse(new ByteArrayInputStream(message));
    } catch (IOException | RuntimeException | StackOverflowError e) {
      parsed = null;
    }
    if (parsed == null || (!parsed.parseError().isEmpty() && parsed.from() == null)) {
      String error = parsed == null ? "unreadable" : parsed.parseError();
      return MimeParser.headersOnly(
          Arrays.copyOf(message, Math.min(message.length, HEAD_BYTES)), error);
    }
    return parsed;
  }

  record Verdict(String action, String reason) {}

  /**
   * What the company's policy does with the sender checks: the strictest action among the failed
   * ones. A message from outside that claims one of our own domains without passing SPF, DKIM or
   * DMARC is treated as a DMARC failure (forged internal sender).
   */
  static Verdict verdict(MailPolicy policy, AuthResults auth, String fromDomain) {
    List<String[]> failed = new ArrayList<>();
    if ("fail".equalsIgnoreCase(auth.spf())) {
      failed.add(new String[] {policy.spfFail(), "SPF fail"});
    }
    if ("fail".equalsIgnoreCase(auth.dkim())) {
      failed.add(new String[] {policy.dkimFail(), "DKIM fail"});
    }
    if ("fail".equalsIgnoreCase(auth.dmarc())) {
      failed.add(new String[] {policy.dmarcFail(), "DMARC fail"});
    }
    String action = "accept";
    String reason = "";
    for (String[] f : failed) {
      if (rank(f[0]) > rank(action)) {
        action = f[0];
        reason = f[1];
      }
    }
    return new Verdict(action, reason);
  }

  /** Whether a message from outside claims a domain hosted here without proving it. */
  Verdict forged(MailPolicy policy, AuthResults auth, String fromDomain) {
    boolean ours = !fromDomain.isEmpty() && domains.isHosted(fromDomain.toLowerCase(Locale.ROOT));
    boolean proven =
        "pass".equalsIgnoreCase(auth.dmarc())
            || "pass".equalsIgnoreCase(auth.dkim())
            || "pass".equalsIgnoreCase(auth.spf());
    if (ours && !proven) {
      return new Verdict(
          rank(policy.dmarcFail()) > rank("junk") ? policy.dmarcFail() : "junk",
          "forged internal sender");
    }
    return new Verdict("accept", "");
  }

  private static int rank(String action) {
    return switch (action) {
      case "reject" -> 2;
      case "junk" -> 1;
      default -> 0;
    };
  }
}
