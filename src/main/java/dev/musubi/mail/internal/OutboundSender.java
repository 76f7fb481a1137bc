package dev.musubi.mail.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.mail.MailDomains;
import dev.musubi.mail.MailInbound;
import dev.musubi.mail.MailLog;
import dev.musubi.mail.Mailboxes;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobReferences;
import dev.musubi.platform.blob.BlobStore;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Works the outbound queue: signs each message with the sender domain's DKIM key, hands it to the
 * configured smarthost ({@code musubi.mail.smarthost=host:port}) or to the recipient domain's MX
 * hosts (dnsjava lookup, RFC 5321 §5.1 implicit MX), retries temporary failures with exponential
 * backoff and, once the retry window has passed or on a permanent refusal, bounces a delivery
 * status notification (RFC 3464) into the sender's Inbox.
 */
@Component
public class OutboundSender {

  private static final Logger log = LoggerFactory.getLogger(OutboundSender.class);

  private final JdbcClient jdbc;
  private final BlobStore blobs;
  private final BlobReferences references;
  private final MailDomains domains;
  private final Mailboxes mailboxes;
  private final MailLog mailLog;
  private final Clock clock;
  private final TransactionTemplate tx;
  private final org.springframework.core.env.Environment env;
  private final Duration backoff;
  private final Duration retryWindow;
  private final String helo;

  OutboundSender(
      JdbcClient jdbc,
      BlobStore blobs,
      BlobReferences references,
      MailDomains domains,
      Mailboxes mailboxes,
      MailLog mailLog,
      Clock clock,
      PlatformTransactionManager transactions,
      org.springframework.core.env.Environment env,
      @Value("${musubi.mail.retry-backoff:PT1M}") Duration backoff,
      @Value("${musubi.mail.retry-window:P2D}") Duration retryWindow,
      @Value("${musubi.mail.hostname:}") String helo) {
    this.jdbc = jdbc;
    this.blobs = blobs;
    this.references = references;
    this.domains = domains;
    this.mailboxes = mailboxes;
    this.mailLog = mailLog;
    this.clock = clock;
    this.tx = new TransactionTemplate(transactions);
    this.env = env;
    this.backoff = backoff;
    this.retryWindow = retryWindow;
    this.helo = helo.isBlank() ? "localhost" : helo;
  }

  private record Job(
      UUID id,
      UUID tenantId,
      UUID memberId,
      UUID logId,
      String blob,
      String mailFrom,
      List<String> recipients,
      String domain,
      String subject,
      int attempts,
      Instant nextAttemptAt,
      Instant createdAt) {}

  @Scheduled(
      fixedDelayString = "${musubi.mail.outbound-interval:PT15S}",
      initialDelayString = "${musubi.mail.outbound-interval:PT15S}")
  public void scheduled() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      log.warn("Outbound queue run failed: {}", e.toString());
    }
  }

  /** Tries every due message once; returns how many were tried. */
  public synchronized int runOnce() {
    Instant now = clock.instant();
    List<Job> due =
        jdbc.sql(
                "SELECT * FROM mail_outbound WHERE status = 'queued' AND next_attempt_at <= ?"
                    + " ORDER BY next_attempt_at LIMIT 50")
            .param(ts(now))
            .query(
                (rs, n) ->
                    new Job(
                        rs.getObject("id", UUID.class),
                        rs.getObject("tenant_id", UUID.class),
                        rs.getObject("member_id", UUID.class),
                        rs.getObject("log_id", UUID.class),
                        rs.getString("blob_sha256"),
                        rs.getString("mail_from"),
                        Arrays.asList(rs.getString("recipients").split(" ")),
                        rs.getString("domain"),
                        rs.getString("subject"),
                        rs.getInt("attempts"),
                        Jdbc.requiredInstant(rs, "next_attempt_at"),
                        Jdbc.requiredInstant(rs, "created_at")))
            .list();
    int tried = 0;
    for (Job job : due) {
      // Claim the job (a lease), so that a second node or run does not send it twice.
      int claimed =
          jdbc.sql(
                  "UPDATE mail_outbound SET next_attempt_at = ? WHERE id = ? AND status = 'queued'"
                      + " AND next_attempt_at = ?")
              .params(ts(now.plus(Duration.ofMinutes(10))), job.id(), ts(job.nextAttemptAt()))
              .update();
      if (claimed == 1) {
        tried++;
        attempt(job);
      }
    }
    return tried;
  }

  /** The configured smarthost ({@code host:port}), read on every run so that it can change. */
  private String smarthost() {
    return env.getProperty("musubi.mail.smarthost", "").strip();
  }

  private void attempt(Job job) {
    String smarthost = smarthost();
    String error;
    boolean permanent;
    try {
      byte[] raw;
      try (InputStream in = blobs.open(job.tenantId(), job.blob())) {
        raw = in.readAllBytes();
      }
      byte[] signed = sign(raw, job.mailFrom());
      send(job, signed, smarthost);
      finish(
          job, "sent", "sent", "accepted by " + (smarthost.isEmpty() ? job.domain() : smarthost));
      return;
    } catch (SMTPAddressFailedException e) {
      error = e.getReturnCode() + " " + e.getMessage();
      permanent = e.getReturnCode() >= 500;
    } catch (SMTPSendFailedException e) {
      error = e.getReturnCode() + " " + e.getMessage();
      permanent = e.getReturnCode() >= 500;
    } catch (SendFailedException e) {
      Exception next = e.getNextException();
      if (next instanceof SMTPAddressFailedException a) {
        error = a.getReturnCode() + " " + a.getMessage();
        permanent = a.getReturnCode() >= 500;
      } else {
        error = String.valueOf(e.getMessage());
        permanent = false;
      }
    } catch (MessagingException | IOException | RuntimeException e) {
      error = e.getClass().getSimpleName() + ": " + e.getMessage();
      permanent = false;
    }
    error = error.replaceAll("\\p{Cntrl}", " ").strip();
    int attempts = job.attempts() + 1;
    Instant now = clock.instant();
    if (permanent || !now.isBefore(job.createdAt().plus(retryWindow))) {
      bounce(job, error, attempts);
      return;
    }
    long factor = 1L << Math.min(attempts - 1, 8);
    Instant next = now.plus(backoff.multipliedBy(factor));
    String detail = error;
    tx.executeWithoutResult(
        s -> {
          jdbc.sql(
                  "UPDATE mail_outbound SET attempts = ?, next_attempt_at = ?, last_error = ?"
                      + " WHERE id = ?")
              .params(attempts, ts(next), clip(detail, 1000), job.id())
              .update();
          mailLog.update(job.tenantId(), job.logId(), "deferred", attempts, detail);
        });
  }

  private byte[] sign(byte[] raw, String mailFrom) {
    String domain = Addresses.domainOf(mailFrom).toLowerCase(java.util.Locale.ROOT);
    return domains
        .dkimKey(domain)
        .map(k -> DkimSigner.sign(raw, k.domain(), k.selector(), k.privateKey(), clock.instant()))
        .orElse(raw);
  }

  private void send(Job job, byte[] message, String smarthost)
      throws MessagingException, IOException {
    List<String[]> hosts = new ArrayList<>();
    if (!smarthost.isEmpty()) {
      int colon = smarthost.lastIndexOf(':');
      hosts.add(
          colon > 0
              ? new String[] {smarthost.substring(0, colon), smarthost.substring(colon + 1)}
              : new String[] {smarthost, "25"});
    } else {
      for (String mx : mx(job.domain())) {
        hosts.add(new String[] {mx, "25"});
      }
    }
    if (hosts.isEmpty()) {
      throw new MessagingException("No mail server found for " + job.domain());
    }
    MessagingException last = null;
    for (String[] host : hosts) {
      Properties p = new Properties();
      p.put("mail.smtp.host", host[0]);
      p.put("mail.smtp.port", host[1]);
      p.put("mail.smtp.from", job.mailFrom());
      p.put("mail.smtp.localhost", helo);
      p.put("mail.smtp.connectiontimeout", "30000");
      p.put("mail.smtp.timeout", "120000");
      p.put("mail.smtp.writetimeout", "120000");
      p.put("mail.smtp.starttls.enable", "true");
      Session session = Session.getInstance(p);
      MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(message));
      Address[] to = new Address[job.recipients().size()];
      for (int i = 0; i < to.length; i++) {
        to[i] = new InternetAddress(job.recipients().get(i));
      }
      try (Transport t = session.getTransport("smtp")) {
        t.connect();
        t.sendMessage(m, to);
        return;
      } catch (SendFailedException e) {
        throw e;
      } catch (MessagingException e) {
        last = e;
      }
    }
    throw last;
  }

  /** The domain's MX hosts by preference, or the domain itself (implicit MX). */
  static List<String> mx(String domain) {
    try {
      Record[] records = new Lookup(domain, Type.MX).run();
      if (records == null || records.length == 0) {
        return List.of(domain);
      }
      List<MXRecord> mx = new ArrayList<>();
      for (Record r : records) {
        if (r instanceof MXRecord m) {
          mx.add(m);
        }
      }
      mx.sort(Comparator.comparingInt(MXRecord::getPriority));
      List<String> out = new ArrayList<>();
      for (MXRecord m : mx) {
        String host = m.getTarget().toString(true);
        if (!host.isEmpty() && !host.equals(".")) {
          out.add(host);
        }
      }
      return out;
    } catch (TextParseException e) {
      return List.of();
    }
  }

  private void finish(Job job, String status, String logStatus, String detail) {
    tx.executeWithoutResult(
        s -> {
          jdbc.sql("UPDATE mail_outbound SET status = ?, attempts = attempts + 1 WHERE id = ?")
              .params(status, job.id())
              .update();
          references.remove(job.tenantId(), job.blob(), "mail.outbound:" + job.id());
          mailLog.update(job.tenantId(), job.logId(), logStatus, job.attempts() + 1, detail);
        });
  }

  /** Puts a delivery status notification (RFC 3464) into the sender's Inbox. */
  private void bounce(Job job, String error, int attempts) {
    String boundary = "dsn-" + job.id();
    String host = helo;
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().atOffset(ZoneOffset.UTC));
    StringBuilder b = new StringBuilder();
    b.append("From: Mail Delivery System <mailer-daemon@")
        .append(domains.primaryDomain(job.tenantId()))
        .append(">\r\n");
    b.append("To: ").append(job.mailFrom()).append("\r\n");
    b.append("Subject: Undelivered Mail Returned to Sender\r\n");
    b.append("Date: ").append(date).append("\r\n");
    b.append("Message-ID: <dsn-").append(job.id()).append('@').append(host).append(">\r\n");
    b.append("MIME-Version: 1.0\r\n");
    b.append("Auto-Submitted: auto-replied\r\n");
    b.append("Content-Type: multipart/report; report-type=delivery-status; boundary=\"")
        .append(boundary)
        .append("\"\r\n\r\n");
    b.append("--").append(boundary).append("\r\n");
    b.append("Content-Type: text/plain; charset=UTF-8\r\n\r\n");
    b.append("Your message could not be delivered to:\r\n");
    for (String r : job.recipients()) {
      b.append("  ").append(r).append("\r\n");
    }
    b.append("\r\nAttempts: ")
        .append(attempts)
        .append("\r\nLast error: ")
        .append(error)
        .append("\r\n");
    b.append("--").append(boundary).append("\r\n");
    b.append("Content-Type: message/delivery-status\r\n\r\n");
    b.append("Reporting-MTA: dns; ").append(host).append("\r\n\r\n");
    for (String r : job.recipients()) {
      b.append("Final-Recipient: rfc822; ").append(r).append("\r\n");
      b.append("Action: failed\r\n");
      b.append("Status: 5.0.0\r\n");
      b.append("Diagnostic-Code: smtp; ").append(clip(error, 500)).append("\r\n\r\n");
    }
    b.append("--").append(boundary).append("--\r\n");
    byte[] dsn = b.toString().getBytes(StandardCharsets.UTF_8);
    try {
      BlobRef ref =
          blobs.put(job.tenantId(), job.memberId(), new ByteArrayInputStream(dsn), dsn.length);
      ParsedMail parsed = InboundDelivery.parse(dsn);
      tx.executeWithoutResult(
          s -> {
            jdbc.sql(
                    "UPDATE mail_outbound SET status = 'bounced', attempts = ?, last_error = ? WHERE id = ?")
                .params(attempts, clip(error, 1000), job.id())
                .update();
            references.remove(job.tenantId(), job.blob(), "mail.outbound:" + job.id());
            mailLog.update(job.tenantId(), job.logId(), "bounced", attempts, error);
            mailboxes.store(
                new Mailboxes.NewMessage(
                    job.tenantId(),
                    job.memberId(),
                    "inbox",
                    ref,
                    parsed,
                    clock.instant(),
                    false,
                    false,
                    new MailInbound.AuthResults("pass", "pass", "pass", null),
                    null));
          });
    } catch (IOException e) {
      log.warn("Could not store a bounce: {}", e.toString());
    }
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
