package dev.musubi.mail;

import dev.musubi.mail.internal.InboundDelivery;
import dev.musubi.mail.internal.ParsedMail;
import dev.musubi.platform.Ids;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.platform.notify.MemberNotices;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Notices from Musubi itself (security alerts and the like) delivered straight into a member's
 * inbox: from {@code postmaster@} the company's primary domain, marked {@code Auto-Submitted:
 * auto-generated} (RFC 3834 §5) so that no auto-reply answers them. Nothing goes through SMTP or
 * leaves the server; the member reads them in webmail or any IMAP client.
 */
@Service
public class MailNotices implements MemberNotices {

  private final MailDomains domains;
  private final Mailboxes mailboxes;
  private final MailLog mailLog;
  private final BlobStore blobs;
  private final Ids ids;
  private final Clock clock;
  private final Session session = Session.getInstance(new Properties());

  MailNotices(
      MailDomains domains,
      Mailboxes mailboxes,
      MailLog mailLog,
      BlobStore blobs,
      Ids ids,
      Clock clock) {
    this.domains = domains;
    this.mailboxes = mailboxes;
    this.mailLog = mailLog;
    this.blobs = blobs;
    this.ids = ids;
    this.clock = clock;
  }

  /**
   * Delivers a plain-text notice to an active member's inbox; joins the caller's transaction.
   *
   * @return the stored message's ID
   * @throws IllegalArgumentException when the member is not an active member of the company
   */
  @Override
  @Transactional
  public UUID deliver(UUID tenantId, UUID memberId, String subject, String text) {
    var member =
        domains
            .member(tenantId, memberId)
            .orElseThrow(() -> new IllegalArgumentException("not an active member"));
    String domain = domains.primaryDomain(tenantId);
    String from = "postmaster@" + domain;
    String to = domains.addressOf(tenantId, member.loginId());
    byte[] raw = build(from, to, member.displayName(), domain, subject, text);
    BlobRef ref;
    try {
      ref = blobs.put(tenantId, memberId, new ByteArrayInputStream(raw), raw.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ParsedMail parsed = InboundDelivery.parse(raw);
    MailInbound.AuthResults internal = new MailInbound.AuthResults("pass", "pass", "pass", domain);
    UUID logId =
        mailLog.record(
            tenantId,
            "in",
            from,
            List.of(to),
            parsed.subject(),
            raw.length,
            0,
            internal,
            "delivered",
            "notice from Musubi");
    return mailboxes.store(
        new Mailboxes.NewMessage(
            tenantId,
            memberId,
            "inbox",
            ref,
            parsed,
            clock.instant(),
            false,
            false,
            internal,
            logId));
  }

  private byte[] build(
      String from, String to, String toName, String domain, String subject, String text) {
    try {
      String messageId = "<" + ids.next() + "@" + domain + ">";
      MimeMessage m =
          new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
              setHeader("Message-ID", messageId);
            }
          };
      m.setFrom(new InternetAddress(from, "Musubi", "UTF-8"));
      m.setRecipient(
          MimeMessage.RecipientType.TO,
          new InternetAddress(to, toName.isBlank() ? null : toName, "UTF-8"));
      m.setSubject(subject.replaceAll("[\\r\\n]+", " "), "UTF-8");
      m.setSentDate(Date.from(clock.instant()));
      m.setHeader("Auto-Submitted", "auto-generated");
      m.setText(text, "UTF-8");
      m.saveChanges();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      m.writeTo(out);
      return out.toByteArray();
    } catch (MessagingException e) {
      throw new IllegalStateException("The notice could not be built", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
