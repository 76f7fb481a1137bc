package dev.musubi.mail;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.DirectoryMember;
import dev.musubi.mail.imap.codec.ImapSummary;
import dev.musubi.mail.internal.Addresses;
import dev.musubi.mail.internal.InboundDelivery;
import dev.musubi.mail.internal.ParsedMail;
import dev.musubi.platform.Ids;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobReferences;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.platform.blob.BlobTooLargeException;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writing mail: compose (MIME built with Angus Mail), drafts, uploads to attach, the sender
 * identities a member may use, and sending. A sent message is copied to Sent, delivered at once to
 * recipients hosted here (no SMTP), and queued per remote domain for the outbound sender, all in
 * one transaction after the blobs are durable. CR or LF in any header field is refused.
 */
@Service
public class MailSending {

  /** An address the member may send as. */
  public record Identity(String address, String name, boolean primary) {}

  /** A file uploaded to attach (kept 24 hours). */
  public record Upload(UUID id, String name, long size, String contentType) {}

  /** A member's webmail settings. */
  public record Settings(String displayName, String signature) {}

  /** The most recipients one message may have. */
  public static final int MAX_RECIPIENTS = 100;

  static final Duration UPLOAD_TTL = Duration.ofHours(24);

  private final JdbcClient jdbc;
  private final MailDomains domains;
  private final Mailboxes mailboxes;
  private final MailLog mailLog;
  private final InboundDelivery delivery;
  private final BlobStore blobs;
  private final BlobReferences references;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;
  private final ApplicationEventPublisher events;
  private final TransactionTemplate tx;
  private final Session session = Session.getInstance(new Properties());

  MailSending(
      JdbcClient jdbc,
      MailDomains domains,
      Mailboxes mailboxes,
      MailLog mailLog,
      InboundDelivery delivery,
      BlobStore blobs,
      BlobReferences references,
      AuditTrail audit,
      Ids ids,
      Clock clock,
      ApplicationEventPublisher events,
      PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.domains = domains;
    this.mailboxes = mailboxes;
    this.mailLog = mailLog;
    this.delivery = delivery;
    this.blobs = blobs;
    this.references = references;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
    this.events = events;
    this.tx = new TransactionTemplate(transactions);
  }

  // --- identities and settings -----------------------------------------------------------------

  public List<Identity> identities(MemberPrincipal actor) {
    String name = settings(actor).displayName();
    List<String> addresses =
        domains.identities(actor.tenantId(), actor.memberId(), actor.loginId());
    List<Identity> out = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      out.add(new Identity(addresses.get(i), name, i == 0));
    }
    return out;
  }

  public Settings settings(MemberPrincipal actor) {
    return jdbc.sql(
            "SELECT display_name, signature FROM mail_settings WHERE tenant_id = ? AND member_id = ?")
        .params(actor.tenantId(), actor.memberId())
        .query((rs, n) -> new Settings(rs.getString(1), rs.getString(2)))
        .optional()
        .orElseGet(
            () ->
                new Settings(
                    domains
                        .member(actor.tenantId(), actor.memberId())
                        .map(DirectoryMember::displayName)
                        .orElse(""),
                    ""));
  }

  public Settings updateSettings(
      MemberPrincipal actor, @Nullable String displayName, @Nullable String signature) {
    Settings now = settings(actor);
    String name = displayName == null ? now.displayName() : displayName.strip();
    String sig = signature == null ? now.signature() : signature;
    List<FieldError> errors = new ArrayList<>();
    if (name.length() > 200 || hasLineBreak(name)) {
      errors.add(new FieldError("displayName", "invalid", "One line of at most 200 characters."));
    }
    if (sig.length() > 10_000) {
      errors.add(new FieldError("signature", "too_long", "At most 10,000 characters."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    tx.executeWithoutResult(
        s -> {
          int n =
              jdbc.sql(
                      "UPDATE mail_settings SET display_name = ?, signature = ?, updated_at = ? WHERE tenant_id = ? AND member_id = ?")
                  .params(name, sig, ts(clock.instant()), actor.tenantId(), actor.memberId())
                  .update();
          if (n == 0) {
            jdbc.sql(
                    "INSERT INTO mail_settings (member_id, tenant_id, display_name, signature, updated_at) VALUES (?, ?, ?, ?, ?)")
                .params(actor.memberId(), actor.tenantId(), name, sig, ts(clock.instant()))
                .update();
          }
        });
    return new Settings(name, sig);
  }

  // --- uploads ---------------------------------------------------------------------------------

  public Upload upload(
      MemberPrincipal actor,
      @Nullable String name,
      @Nullable String contentType,
      InputStream content)
      throws IOException {
    String n = name == null || name.isBlank() ? "attachment" : name.strip();
    n = n.replaceAll("[\\p{Cntrl}\\\\/]", "_");
    if (n.length() > 255) {
      n = n.substring(0, 255);
    }
    String type =
        contentType != null && contentType.matches("[A-Za-z0-9.+-]{1,100}/[A-Za-z0-9.+-]{1,100}")
            ? contentType.toLowerCase(Locale.ROOT)
            : "application/octet-stream";
    long max = domains.policy(actor.tenantId()).maxMessageBytes();
    BlobRef ref;
    try {
      ref = blobs.put(actor.tenantId(), actor.memberId(), content, max);
    } catch (BlobTooLargeException e) {
      throw new ProblemException(
          HttpStatus.CONTENT_TOO_LARGE,
          "too-large",
          "The file is larger than the company allows for mail.",
          List.of());
    }
    UUID id = ids.next();
    String finalName = n;
    tx.executeWithoutResult(
        s -> {
          references.add(actor.tenantId(), ref.sha256(), "mail.upload:" + id);
          jdbc.sql(
                  "INSERT INTO mail_upload (id, tenant_id, member_id, blob_sha256, name, content_type, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
              .params(
                  id,
                  actor.tenantId(),
                  actor.memberId(),
                  ref.sha256(),
                  finalName,
                  type,
                  ref.size(),
                  ts(clock.instant()))
              .update();
        });
    return new Upload(id, finalName, ref.size(), type);
  }

  /** Drops uploads older than 24 hours. */
  @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT7M")
  public void dropExpiredUploads() {
    var rows =
        jdbc.sql("SELECT id, tenant_id, blob_sha256 FROM mail_upload WHERE created_at < ?")
            .param(ts(clock.instant().minus(UPLOAD_TTL)))
            .query(
                (rs, n) ->
                    new Object[] {
                      rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3)
                    })
            .list();
    for (Object[] r : rows) {
      tx.executeWithoutResult(
          s -> {
            jdbc.sql("DELETE FROM mail_upload WHERE id = ?").param(r[0]).update();
            references.remove((UUID) r[1], (String) r[2], "mail.upload:" + r[0]);
          });
    }
  }

  // --- drafts ----------------------------------------------------------------------------------

  /** Saves a draft (replacing {@code replaces} when given) and returns its ID. */
  public UUID saveDraft(MemberPrincipal actor, Compose c, @Nullable UUID replaces)
      throws IOException {
    if (replaces != null) {
      Mailboxes.Stored old = mailboxes.stored(actor, replaces);
      if (!old.folderId()
          .equals(mailboxes.folderId(actor.tenantId(), actor.memberId(), "drafts"))) {
        throw Problems.notFound();
      }
    }
    Built b = build(actor, c, false);
    byte[] bytes = b.withBcc();
    BlobRef ref =
        blobs.put(
            actor.tenantId(),
            actor.memberId(),
            new java.io.ByteArrayInputStream(bytes),
            bytes.length);
    ParsedMail parsed = InboundDelivery.parse(bytes);
    ImapSummary summary = ImapSummary.of(bytes);
    return tx.execute(
        s -> {
          // Locked first: a second save of the same draft at the same time waits, then finds it
          // replaced.
          if (replaces != null && !lockDraft(actor, replaces)) {
            throw Problems.notFound();
          }
          UUID id =
              mailboxes.store(
                  new Mailboxes.NewMessage(
                      actor.tenantId(),
                      actor.memberId(),
                      "drafts",
                      ref,
                      parsed,
                      clock.instant(),
                      true,
                      true,
                      MailInbound.AuthResults.none(),
                      null),
                  summary);
          if (replaces != null) {
            // Stored before the old one goes, so that the IDs it replaced can point at the new one
            // (deleting the old one would take their rows with it).
            jdbc.sql(
                    "UPDATE mail_draft_replaced SET current_id = ?"
                        + " WHERE tenant_id = ? AND member_id = ? AND current_id = ?")
                .params(id, actor.tenantId(), actor.memberId(), replaces)
                .update();
            jdbc.sql(
                    "INSERT INTO mail_draft_replaced (replaced_id, tenant_id, member_id, current_id)"
                        + " VALUES (?, ?, ?, ?)")
                .params(replaces, actor.tenantId(), actor.memberId(), id)
                .update();
            mailboxes.purge(actor, replaces);
          }
          return id;
        });
  }

  // --- sending ---------------------------------------------------------------------------------

  /**
   * Sends a message and returns the ID of its copy in Sent. The draft that {@code c.draftId()}
   * names is deleted with the send: that draft when it is still in the member's Drafts, else the
   * draft that replaced it since (a client that kept an older ID). An ID that names none of the
   * member's drafts (another member's, or a message that is not a draft) is left alone and does not
   * stop the send, which carries the message's content itself.
   *
   * @throws ProblemException 422 when {@code draftId} is not an ID at all
   */
  public UUID send(MemberPrincipal actor, Compose c, @Nullable String idempotencyKey)
      throws IOException {
    if (idempotencyKey != null) {
      if (idempotencyKey.length() > 200 || hasLineBreak(idempotencyKey)) {
        throw Problems.badRequest("Idempotency-Key is at most 200 characters on one line.");
      }
      Optional<UUID> earlier =
          jdbc.sql(
                  "SELECT message_id FROM mail_send_key WHERE tenant_id = ? AND member_id = ? AND idem_key = ?")
              .params(actor.tenantId(), actor.memberId(), idempotencyKey)
              .query(UUID.class)
              .optional();
      if (earlier.isPresent()) {
        return earlier.get();
      }
    }
    UUID draft = c.draftId() == null ? null : Ids.parseOrNull(c.draftId());
    if (c.draftId() != null && draft == null) {
      throw Problems.invalid("draftId", "unknown_draft", "No such draft.");
    }
    Built b = build(actor, c, true);
    if (b.recipients().isEmpty()) {
      throw Problems.invalid("to", "required", "Add at least one recipient.");
    }
    return deliver(actor, b, draft, idempotencyKey, true);
  }

  /**
   * Sends a message a mail client or another module wrote in full (SMTP submission, calendar
   * invitations): the envelope sender and the {@code From} header must be the member's own
   * addresses; a {@code Bcc} header is removed from what recipients get. Recipients here receive it
   * at once, the others through the outbound queue.
   *
   * @param copyToSent whether the member's Sent folder keeps a copy (a submitting client that saves
   *     its own copy by IMAP APPEND, or a system notice, passes false)
   * @return the ID of the copy in Sent, or null when none was kept
   */
  public @Nullable UUID submit(
      MemberPrincipal actor,
      String mailFrom,
      List<String> recipients,
      byte[] raw,
      boolean copyToSent)
      throws IOException {
    if (recipients.isEmpty()) {
      throw Problems.invalid("to", "required", "Add at least one recipient.");
    }
    if (recipients.size() > MAX_RECIPIENTS) {
      throw Problems.invalid("to", "too_many", "At most " + MAX_RECIPIENTS + " recipients.");
    }
    List<FieldError> errors = new ArrayList<>();
    List<String> rcpts = new ArrayList<>();
    for (String r : recipients) {
      String a = r == null ? "" : r.strip().toLowerCase(Locale.ROOT);
      int at = a.lastIndexOf('@');
      if (a.length() > 320
          || at <= 0
          || at > 64
          || a.chars().anyMatch(ch -> ch <= ' ' || ch == '<' || ch == '>')
          || Addresses.domain(a.substring(at + 1)).isEmpty()) {
        errors.add(new FieldError("to", "invalid", "Not an e-mail address: " + clip(a, 100)));
      } else if (!rcpts.contains(a)) {
        rcpts.add(a);
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    List<Identity> mine = identities(actor);
    String from = mailFrom == null ? "" : mailFrom.strip().toLowerCase(Locale.ROOT);
    if (mine.stream().noneMatch(i -> i.address().equalsIgnoreCase(from))) {
      throw Problems.forbidden(
          "sender-identity", "You can only send as your own addresses and aliases.");
    }
    ParsedMail parsed = InboundDelivery.parse(raw);
    if (parsed.from() == null
        || mine.stream().noneMatch(i -> i.address().equalsIgnoreCase(parsed.from().address()))) {
      throw Problems.forbidden(
          "sender-identity", "The From header must be one of your own addresses and aliases.");
    }
    byte[] wire =
        withDefaultHeaders(
            withoutHeader(raw, "Bcc"),
            clock.instant(),
            ids.next() + "@" + Addresses.domainOf(from));
    long max = domains.policy(actor.tenantId()).maxMessageBytes();
    if (wire.length > max) {
      throw new ProblemException(
          HttpStatus.CONTENT_TOO_LARGE,
          "too-large",
          "The message is larger than the company allows.",
          List.of());
    }
    Built b =
        new Built(from, rcpts, parsed.subject(), parsed.attachments().size(), null, wire, raw);
    return deliver(actor, b, null, null, copyToSent);
  }

  /** The message without every occurrence of one header field (with its folded lines). */
  static byte[] withoutHeader(byte[] raw, String field) {
    int end = headerEnd(raw);
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
    int i = 0;
    boolean skipping = false;
    while (i < end) {
      int eol = i;
      while (eol < end && raw[eol] != '\n') {
        eol++;
      }
      int next = Math.min(eol + 1, end);
      boolean continuation = raw[i] == ' ' || raw[i] == '\t';
      if (!continuation) {
        skipping = startsWithField(raw, i, eol, field);
      }
      if (!skipping) {
        out.write(raw, i, next - i);
      }
      i = next;
    }
    out.write(raw, end, raw.length - end);
    return out.toByteArray();
  }

  private static final DateTimeFormatter MAIL_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

  /**
   * The message with a Date and a Message-ID field added in front when the client left them out.
   * RFC 6409 §8.2 and §8.3: a submission server may add them; without a Date the message has no
   * origination date in IMAP ENVELOPEs and many receivers score it as spam.
   */
  static byte[] withDefaultHeaders(byte[] raw, Instant now, String idRightOfAt) {
    StringBuilder added = new StringBuilder();
    if (!hasHeader(raw, "Date")) {
      added.append("Date: ").append(MAIL_DATE.format(now.atOffset(ZoneOffset.UTC))).append("\r\n");
    }
    if (!hasHeader(raw, "Message-ID")) {
      added.append("Message-ID: <").append(idRightOfAt).append(">\r\n");
    }
    if (added.isEmpty()) {
      return raw;
    }
    byte[] head = added.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + raw.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(raw, 0, out, head.length, raw.length);
    return out;
  }

  /** Whether the header section has a field of this name (case-insensitive). */
  static boolean hasHeader(byte[] raw, String field) {
    int end = headerEnd(raw);
    int i = 0;
    while (i < end) {
      int eol = i;
      while (eol < end && raw[eol] != '\n') {
        eol++;
      }
      if (raw[i] != ' ' && raw[i] != '\t' && startsWithField(raw, i, eol, field)) {
        return true;
      }
      i = eol + 1;
    }
    return false;
  }

  /** Where the header section ends (the index just past its last line, before the blank line). */
  private static int headerEnd(byte[] raw) {
    int lineStart = 0;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '\n') {
        int len = i - lineStart;
        if (len == 0 || (len == 1 && raw[lineStart] == '\r')) {
          return lineStart;
        }
        lineStart = i + 1;
      }
    }
    return raw.length;
  }

  private static boolean startsWithField(byte[] raw, int from, int to, String field) {
    int n = field.length();
    if (to - from <= n) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (Character.toLowerCase((char) raw[from + k]) != Character.toLowerCase(field.charAt(k))) {
        return false;
      }
    }
    int k = from + n;
    while (k < to && (raw[k] == ' ' || raw[k] == '\t')) {
      k++;
    }
    return k < to && raw[k] == ':';
  }

  private @Nullable UUID deliver(
      MemberPrincipal actor,
      Built b,
      @Nullable UUID draft,
      @Nullable String idempotencyKey,
      boolean copyToSent)
      throws IOException {
    // Who is where: members here get it now, others through the queue, per remote domain.
    Map<UUID, Set<UUID>> local = new LinkedHashMap<>();
    Map<String, List<String>> remote = new LinkedHashMap<>();
    List<FieldError> unknown = new ArrayList<>();
    List<String> outside = new ArrayList<>();
    for (String r : b.recipients()) {
      Optional<MailDomains.Resolved> res = domains.resolve(r);
      if (res.isEmpty() || !res.get().tenantId().equals(actor.tenantId())) {
        outside.add(r);
      }
      if (res.isPresent()) {
        if (res.get().members().isEmpty()) {
          unknown.add(
              new FieldError("to", "unknown_recipient", "Nobody here has the address " + r + "."));
        } else {
          local
              .computeIfAbsent(res.get().tenantId(), k -> new LinkedHashSet<>())
              .addAll(res.get().members());
        }
      } else {
        remote
            .computeIfAbsent(Addresses.domainOf(r).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(r);
      }
    }
    if (!unknown.isEmpty()) {
      throw Problems.invalid(unknown);
    }
    byte[] wire = b.withoutBcc();
    byte[] copy = b.withBcc();
    // Mailbox copies are under their members' own keys (crypto-shredded with them); the copy
    // waiting in the outbound queue is the company's.
    BlobRef sentRef =
        blobs.put(
            actor.tenantId(),
            actor.memberId(),
            new java.io.ByteArrayInputStream(copy),
            copy.length);
    BlobRef wireRef =
        remote.isEmpty()
            ? null
            : blobs.put(actor.tenantId(), new java.io.ByteArrayInputStream(wire), wire.length);
    Map<UUID, BlobRef> localRefs = new LinkedHashMap<>();
    for (Map.Entry<UUID, Set<UUID>> e : local.entrySet()) {
      for (UUID member : e.getValue()) {
        localRefs.put(
            member,
            blobs.put(e.getKey(), member, new java.io.ByteArrayInputStream(wire), wire.length));
      }
    }
    ParsedMail sentParsed = InboundDelivery.parse(copy);
    ParsedMail wireParsed = InboundDelivery.parse(wire);
    // What IMAP FETCH answers about each copy's structure, worked out once here.
    ImapSummary sentSummary = ImapSummary.of(copy);
    ImapSummary wireSummary = ImapSummary.of(wire);
    MailInbound.AuthResults internal =
        new MailInbound.AuthResults("pass", "pass", "pass", Addresses.domainOf(b.from()));
    UUID sentId =
        tx.execute(
            s -> {
              UUID logId =
                  mailLog.record(
                      actor.tenantId(),
                      "out",
                      b.from(),
                      b.recipients(),
                      b.subject(),
                      wire.length,
                      b.attachments(),
                      MailInbound.AuthResults.none(),
                      remote.isEmpty() ? "delivered" : "queued",
                      remote.isEmpty() ? "delivered locally" : "");
              UUID id =
                  !copyToSent
                      ? null
                      : mailboxes.store(
                          new Mailboxes.NewMessage(
                              actor.tenantId(),
                              actor.memberId(),
                              "sent",
                              sentRef,
                              sentParsed,
                              clock.instant(),
                              true,
                              false,
                              MailInbound.AuthResults.none(),
                              logId),
                          sentSummary);
              for (Map.Entry<UUID, Set<UUID>> e : local.entrySet()) {
                UUID inLog =
                    e.getKey().equals(actor.tenantId())
                        ? logId
                        : mailLog.record(
                            e.getKey(),
                            "in",
                            b.from(),
                            b.recipients(),
                            b.subject(),
                            wire.length,
                            b.attachments(),
                            internal,
                            "delivered",
                            "from a company hosted here");
                for (UUID member : e.getValue()) {
                  mailboxes.store(
                      new Mailboxes.NewMessage(
                          e.getKey(),
                          member,
                          "inbox",
                          localRefs.get(member),
                          wireParsed,
                          clock.instant(),
                          false,
                          false,
                          internal,
                          inLog),
                      wireSummary);
                }
              }
              for (Map.Entry<String, List<String>> e : remote.entrySet()) {
                UUID q = ids.next();
                BlobRef queued = Objects.requireNonNull(wireRef);
                references.add(actor.tenantId(), queued.sha256(), "mail.outbound:" + q);
                jdbc.sql(
                        "INSERT INTO mail_outbound (id, tenant_id, member_id, log_id, blob_sha256, mail_from,"
                            + " recipients, domain, subject, status, attempts, next_attempt_at, last_error,"
                            + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, '', ?)")
                    .params(
                        q,
                        actor.tenantId(),
                        actor.memberId(),
                        logId,
                        queued.sha256(),
                        b.from(),
                        String.join(" ", e.getValue()),
                        e.getKey(),
                        clip(b.subject(), 1000),
                        ts(clock.instant()),
                        ts(clock.instant()))
                    .update();
              }
              if (b.inReplyTo() != null) {
                mailboxes.markAnswered(actor, b.inReplyTo());
              }
              if (draft != null) {
                discardDraft(actor, draft);
              }
              if (idempotencyKey != null) {
                jdbc.sql(
                        "INSERT INTO mail_send_key (tenant_id, member_id, idem_key, message_id, created_at) VALUES (?, ?, ?, ?, ?)")
                    .params(
                        actor.tenantId(), actor.memberId(), idempotencyKey, id, ts(clock.instant()))
                    .update();
              }
              if (!outside.isEmpty()) {
                events.publishEvent(
                    new MailSent(actor.tenantId(), actor.memberId(), named(outside, sentParsed)));
              }
              audit.record(
                  AuditRecord.of(actor.tenantId(), AuditAction.MAIL_SENT)
                      .actor(actor.memberId(), actor.loginId())
                      .target(id == null ? "mail_log" : "mail_message", id == null ? logId : id)
                      .with("from", b.from())
                      .with("recipients", b.recipients().size())
                      .with("remote", remote.size()));
              return id;
            });
    return sentId;
  }

  /**
   * Deletes the member's draft that {@code draftId} names, or the one that replaced it; nothing for
   * an ID of anything else.
   */
  private void discardDraft(MemberPrincipal actor, UUID draftId) {
    UUID current =
        jdbc.sql(
                "SELECT current_id FROM mail_draft_replaced"
                    + " WHERE tenant_id = ? AND member_id = ? AND replaced_id = ?")
            .params(actor.tenantId(), actor.memberId(), draftId)
            .query(UUID.class)
            .optional()
            .orElse(draftId);
    if (lockDraft(actor, current)) {
      mailboxes.purge(actor, current);
    }
  }

  /**
   * Whether {@code id} is one of the member's messages in Drafts; locks its row until the
   * transaction ends, so that a save and a send of the same draft take turns instead of one failing
   * to delete what the other deleted.
   */
  private boolean lockDraft(MemberPrincipal actor, UUID id) {
    UUID drafts = mailboxes.folderId(actor.tenantId(), actor.memberId(), "drafts");
    return jdbc.sql(
            "SELECT id FROM mail_message WHERE tenant_id = ? AND member_id = ? AND id = ?"
                + " AND folder_id = ? FOR UPDATE")
        .params(actor.tenantId(), actor.memberId(), id, drafts)
        .query(UUID.class)
        .optional()
        .isPresent();
  }

  /** The addresses with the display names the message's To, Cc and Bcc headers gave them. */
  private static List<MailAddress> named(List<String> addresses, ParsedMail parsed) {
    Map<String, String> names = new LinkedHashMap<>();
    for (List<MailAddress> field : List.of(parsed.to(), parsed.cc(), parsed.bcc())) {
      for (MailAddress a : field) {
        if (a.name() != null && !a.name().isBlank()) {
          names.putIfAbsent(a.address().toLowerCase(Locale.ROOT), a.name().strip());
        }
      }
    }
    return addresses.stream()
        .map(a -> new MailAddress(names.get(a.toLowerCase(Locale.ROOT)), a))
        .toList();
  }

  // --- building MIME ---------------------------------------------------------------------------

  private record Built(
      String from,
      List<String> recipients,
      String subject,
      int attachments,
      @Nullable UUID inReplyTo,
      byte[] withoutBcc,
      byte[] withBcc) {}

  private Built build(MemberPrincipal actor, Compose c, boolean strict) throws IOException {
    List<FieldError> errors = new ArrayList<>();
    List<InternetAddress> to = addresses("to", c.to(), errors);
    List<InternetAddress> cc = addresses("cc", c.cc(), errors);
    List<InternetAddress> bcc = addresses("bcc", c.bcc(), errors);
    String subject = c.subject() == null ? "" : c.subject();
    if (hasLineBreak(subject)) {
      throw Problems.badRequest("Line breaks are not allowed in the subject (header injection).");
    }
    if (subject.length() > 998) {
      errors.add(new FieldError("subject", "too_long", "At most 998 characters."));
    }
    if (to.size() + cc.size() + bcc.size() > MAX_RECIPIENTS) {
      errors.add(new FieldError("to", "too_many", "At most " + MAX_RECIPIENTS + " recipients."));
    }
    List<Identity> mine = identities(actor);
    Identity identity = mine.get(0);
    if (c.from() != null && !c.from().isBlank()) {
      if (hasLineBreak(c.from())) {
        throw Problems.badRequest("Line breaks are not allowed in the sender (header injection).");
      }
      String wanted = c.from().strip().toLowerCase(Locale.ROOT);
      identity =
          mine.stream()
              .filter(i -> i.address().equalsIgnoreCase(wanted))
              .findFirst()
              .orElseThrow(
                  () ->
                      Problems.forbidden(
                          "sender-identity",
                          "You can only send as your own addresses and aliases."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    UUID inReplyTo = null;
    Mailboxes.Stored replied = null;
    if (c.inReplyTo() != null) {
      inReplyTo = Ids.parseOrNull(c.inReplyTo());
      if (inReplyTo == null) {
        throw Problems.invalid("inReplyTo", "unknown_message", "No such message.");
      }
      replied = mailboxes.stored(actor, inReplyTo);
    }
    Mailboxes.Stored forwarded = null;
    if (c.forwardOf() != null) {
      UUID f = Ids.parseOrNull(c.forwardOf());
      if (f == null) {
        throw Problems.invalid("forwardOf", "unknown_message", "No such message.");
      }
      forwarded = mailboxes.stored(actor, f);
    }
    List<Upload> uploads = new ArrayList<>();
    List<String> uploadBlobs = new ArrayList<>();
    for (String u : c.attachments() == null ? List.<String>of() : c.attachments()) {
      UUID id = u == null ? null : Ids.parseOrNull(u);
      var row =
          id == null
              ? Optional.<Object[]>empty()
              : jdbc.sql(
                      "SELECT name, size, content_type, blob_sha256 FROM mail_upload WHERE tenant_id = ? AND member_id = ? AND id = ?")
                  .params(actor.tenantId(), actor.memberId(), id)
                  .query(
                      (rs, n) ->
                          new Object[] {
                            rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4)
                          })
                  .optional();
      if (row.isEmpty()) {
        throw Problems.invalid(
            "attachments", "unknown_upload", "No such upload (uploads are kept 24 hours).");
      }
      Object[] r = row.get();
      uploads.add(new Upload(id, (String) r[0], (Long) r[1], (String) r[2]));
      uploadBlobs.add((String) r[3]);
    }
    long max = domains.policy(actor.tenantId()).maxMessageBytes();
    long estimate =
        uploads.stream().mapToLong(Upload::size).sum() * 4 / 3
            + (c.text() == null ? 0 : c.text().length() * 3L)
            + (c.html() == null ? 0 : c.html().length() * 3L);
    if (estimate > max) {
      throw new ProblemException(
          HttpStatus.CONTENT_TOO_LARGE,
          "too-large",
          "The message is larger than the company allows.",
          List.of());
    }
    try {
      String domain = Addresses.domainOf(identity.address());
      String messageId = "<" + ids.next() + "@" + domain + ">";
      MimeMessage m =
          new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
              setHeader("Message-ID", messageId);
            }
          };
      m.setFrom(
          new InternetAddress(
              identity.address(), identity.name().isBlank() ? null : identity.name(), "UTF-8"));
      if (!to.isEmpty()) {
        m.setRecipients(MimeMessage.RecipientType.TO, to.toArray(InternetAddress[]::new));
      }
      if (!cc.isEmpty()) {
        m.setRecipients(MimeMessage.RecipientType.CC, cc.toArray(InternetAddress[]::new));
      }
      m.setSubject(subject, "UTF-8");
      m.setSentDate(Date.from(clock.instant()));
      if (replied != null && !replied.messageId().isEmpty()) {
        m.setHeader("In-Reply-To", "<" + replied.messageId() + ">");
        List<String> refs = new ArrayList<>();
        for (String r : replied.references().split(" ")) {
          if (!r.isBlank()) {
            refs.add("<" + r + ">");
          }
        }
        refs.add("<" + replied.messageId() + ">");
        m.setHeader(
            "References",
            String.join(" ", refs.subList(Math.max(0, refs.size() - 20), refs.size())));
      }
      String text = c.text() == null ? "" : c.text();
      String html = c.html() == null ? "" : c.html();
      MimeMultipart alternative = null;
      MimeBodyPart textPart = new MimeBodyPart();
      textPart.setText(text, "UTF-8");
      if (!html.isEmpty()) {
        alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(textPart);
        MimeBodyPart htmlPart = new MimeBodyPart();
        htmlPart.setText(html, "UTF-8", "html");
        alternative.addBodyPart(htmlPart);
      }
      if (uploads.isEmpty() && forwarded == null) {
        if (alternative != null) {
          m.setContent(alternative);
        } else {
          m.setText(text, "UTF-8");
        }
      } else {
        MimeMultipart mixed = new MimeMultipart("mixed");
        if (alternative != null) {
          MimeBodyPart alt = new MimeBodyPart();
          alt.setContent(alternative);
          mixed.addBodyPart(alt);
        } else {
          mixed.addBodyPart(textPart);
        }
        for (int i = 0; i < uploads.size(); i++) {
          Upload u = uploads.get(i);
          byte[] data;
          try (InputStream in = blobs.open(actor.tenantId(), uploadBlobs.get(i))) {
            data = in.readAllBytes();
          }
          MimeBodyPart p = new MimeBodyPart();
          p.setDataHandler(new DataHandler(new ByteArrayDataSource(data, u.contentType())));
          p.setFileName(jakarta.mail.internet.MimeUtility.encodeText(u.name(), "UTF-8", null));
          p.setDisposition(MimeBodyPart.ATTACHMENT);
          mixed.addBodyPart(p);
        }
        if (forwarded != null) {
          byte[] original;
          try (InputStream in = blobs.open(actor.tenantId(), forwarded.blobSha256())) {
            original = in.readAllBytes();
          }
          MimeBodyPart p = new MimeBodyPart();
          p.setDataHandler(new DataHandler(new ByteArrayDataSource(original, "message/rfc822")));
          p.setFileName("forwarded.eml");
          p.setDisposition(MimeBodyPart.ATTACHMENT);
          mixed.addBodyPart(p);
        }
        m.setContent(mixed);
      }
      m.saveChanges();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      m.writeTo(out, new String[] {"Bcc"});
      byte[] withoutBcc = out.toByteArray();
      byte[] withBcc = withoutBcc;
      if (!bcc.isEmpty()) {
        String header =
            "Bcc: " + InternetAddress.toString(bcc.toArray(InternetAddress[]::new), 5) + "\r\n";
        withBcc = concat(header.getBytes(StandardCharsets.US_ASCII), withoutBcc);
      }
      if (withoutBcc.length > max) {
        throw new ProblemException(
            HttpStatus.CONTENT_TOO_LARGE,
            "too-large",
            "The message is larger than the company allows.",
            List.of());
      }
      List<String> recipients = new ArrayList<>();
      for (List<InternetAddress> list : List.of(to, cc, bcc)) {
        for (InternetAddress a : list) {
          String addr = a.getAddress().toLowerCase(Locale.ROOT);
          if (!recipients.contains(addr)) {
            recipients.add(addr);
          }
        }
      }
      return new Built(
          identity.address(),
          recipients,
          subject,
          uploads.size() + (forwarded == null ? 0 : 1),
          inReplyTo,
          withoutBcc,
          withBcc);
    } catch (MessagingException e) {
      throw Problems.badRequest(
          "The message could not be built: " + clip(String.valueOf(e.getMessage()), 200));
    }
  }

  private static List<InternetAddress> addresses(
      String field, @Nullable List<Object> given, List<FieldError> errors) {
    List<InternetAddress> out = new ArrayList<>();
    if (given == null) {
      return out;
    }
    for (Object o : given) {
      String name = null;
      String address;
      if (o instanceof Map<?, ?> map) {
        Object n = map.get("name");
        Object a = map.get("address");
        name = n == null ? null : n.toString();
        address = a == null ? "" : a.toString();
      } else if (o instanceof String s) {
        address = s;
      } else {
        errors.add(new FieldError(field, "invalid", "An address or {name, address}."));
        continue;
      }
      if (hasLineBreak(address) || (name != null && hasLineBreak(name))) {
        throw Problems.badRequest("Line breaks are not allowed in addresses (header injection).");
      }
      try {
        InternetAddress parsed;
        if (name == null) {
          InternetAddress[] list = InternetAddress.parse(address.strip(), true);
          if (list.length != 1) {
            throw new AddressException("one address");
          }
          parsed = list[0];
        } else {
          parsed =
              new InternetAddress(address.strip(), name.isBlank() ? null : name.strip(), "UTF-8");
        }
        parsed.validate();
        String a = parsed.getAddress();
        if (a.length() > 320
            || Addresses.domain(Addresses.domainOf(a)).isEmpty()
            || !a.contains("@")) {
          throw new AddressException("domain");
        }
        parsed.setAddress(
            Addresses.local(a) + "@" + Addresses.domain(Addresses.domainOf(a)).orElseThrow());
        out.add(parsed);
      } catch (AddressException | UnsupportedEncodingException | RuntimeException e) {
        errors.add(new FieldError(field, "address", "Not a valid address: " + clip(address, 100)));
      }
    }
    return out;
  }

  static boolean hasLineBreak(String s) {
    return s.indexOf('\r') >= 0
        || s.indexOf('\n') >= 0
        || s.indexOf('\u0000') >= 0
        || s.indexOf('\u2028') >= 0
        || s.indexOf('\u0085') >= 0;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  Instant now() {
    return clock.instant();
  }
}
