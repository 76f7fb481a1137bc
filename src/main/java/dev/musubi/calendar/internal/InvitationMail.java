package dev.musubi.calendar.internal;

import dev.musubi.calendar.internal.CalendarStore.AttendeeRow;
import dev.musubi.calendar.internal.CalendarStore.EventRow;
import dev.musubi.calendar.internal.ImipStore.Outgoing;
import dev.musubi.calendar.internal.ImipStore.State;
import dev.musubi.mail.MailReceived;
import dev.musubi.mail.MailSending;
import dev.musubi.mail.Mailboxes;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.MemberPrincipal;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessException;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Invitations by e-mail to attendees outside the company (iMIP, RFC 6047). A change to an event
 * queues REQUEST or CANCEL mails in its own transaction ({@link #sync}, {@link #cancelAll}); they
 * are sent from the organiser's primary address after the commit, so a mail problem never undoes
 * the change. Their REPLYs, arriving in the organiser's inbox, update the attendee's answer.
 *
 * <p>Sending is idempotent per outbox row (one event, SEQUENCE and method) and attendee: each
 * attendee's mail is handed to the mail module in one transaction with the record that it was, so a
 * run retried after a crash mails only the attendees the first run did not reach.
 */
@Component
public class InvitationMail {

  private static final Logger log = LoggerFactory.getLogger(InvitationMail.class);
  private static final DateTimeFormatter JA_DAY =
      DateTimeFormatter.ofPattern("uuuu年M月d日(E)", Locale.JAPANESE);
  private static final DateTimeFormatter EN_DAY =
      DateTimeFormatter.ofPattern("EEE d MMM uuuu", Locale.ENGLISH);
  private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm");

  /** Published when invitation mails were queued; carries only the outbox row. */
  public record InvitationQueued(UUID tenantId, UUID outboxId) {}

  private final CalendarStore store;
  private final ImipStore imip;
  private final OccurrenceAnswers answers;
  private final MailSending sending;
  private final Mailboxes mailboxes;
  private final ApplicationEventPublisher events;
  private final Ids ids;
  private final Clock clock;
  private final TransactionTemplate tx;
  private final Session session = Session.getInstance(new Properties());

  InvitationMail(
      CalendarStore store,
      ImipStore imip,
      OccurrenceAnswers answers,
      MailSending sending,
      Mailboxes mailboxes,
      ApplicationEventPublisher events,
      Ids ids,
      Clock clock,
      PlatformTransactionManager transactions) {
    this.store = store;
    this.imip = imip;
    this.answers = answers;
    this.sending = sending;
    this.mailboxes = mailboxes;
    this.events = events;
    this.ids = ids;
    this.clock = clock;
    this.tx = new TransactionTemplate(transactions);
  }

  // ---- out: queued in the change's transaction --------------------------------------------------

  /**
   * After a series (or single event) was created or changed: a REQUEST to every outside attendee
   * when something significant changed (with the next SEQUENCE), else only to newly added ones; a
   * CANCEL to those removed. Does nothing for events without outside attendees.
   */
  public void sync(UUID tenantId, UUID eventId) {
    try {
      syncNow(tenantId, eventId);
    } catch (DataAccessException e) {
      throw e;
    } catch (RuntimeException e) {
      // Invitation mail must not fail the change itself.
      log.warn("iMIP invitations not queued: {}", e.getClass().getSimpleName());
    }
  }

  private void syncNow(UUID tenantId, UUID eventId) {
    EventRow m = store.event(tenantId, eventId).orElse(null);
    if (m != null && m.parentId() != null) {
      m = store.event(tenantId, m.parentId()).orElse(null);
    }
    if (m == null || m.organizerId() == null) {
      return;
    }
    List<AttendeeRow> outside = outside(tenantId, m.id());
    State state = imip.state(tenantId, m.calendarId(), m.uid()).orElse(null);
    if (outside.isEmpty() && state == null) {
      return;
    }
    List<EventRow> overrides = store.overrides(tenantId, List.of(m.id()));
    String digest = Itip.digest(m, overrides, attachmentsOf(tenantId, m, overrides));
    List<String> now = outside.stream().map(AttendeeRow::email).toList();
    List<String> before = state == null ? List.of() : state.recipients();
    List<String> removed = before.stream().filter(a -> !now.contains(a)).toList();
    List<String> added = now.stream().filter(a -> !before.contains(a)).toList();
    boolean changed = state != null && (!state.digest().equals(digest) || !removed.isEmpty());
    int sequence = state == null ? 0 : changed ? state.sequence() + 1 : state.sequence();
    @Nullable Sender sender = sender(tenantId, m.organizerId());
    if (sender == null) {
      return;
    }
    if (!removed.isEmpty()) {
      List<Itip.Invitee> gone = removed.stream().map(a -> new Itip.Invitee(a, "", true)).toList();
      queue(tenantId, m, List.of(), "CANCEL", removed, gone, sequence, sender, false);
    }
    List<String> to = changed ? now : added;
    if (!to.isEmpty()) {
      queue(
          tenantId,
          m,
          overrides,
          "REQUEST",
          to,
          invitees(tenantId, m.id()),
          sequence,
          sender,
          sequence > 0);
    }
    if (now.isEmpty()) {
      imip.deleteState(tenantId, m.calendarId(), m.uid());
    } else {
      imip.saveState(tenantId, m.calendarId(), m.uid(), new State(sequence, digest, now));
    }
  }

  /** Before a series (or single event) is deleted: a CANCEL to every outside attendee. */
  public void cancelAll(UUID tenantId, UUID eventId) {
    try {
      cancelAllNow(tenantId, eventId);
    } catch (DataAccessException e) {
      throw e;
    } catch (RuntimeException e) {
      log.warn("iMIP cancellations not queued: {}", e.getClass().getSimpleName());
    }
  }

  private void cancelAllNow(UUID tenantId, UUID eventId) {
    EventRow m = store.event(tenantId, eventId).orElse(null);
    if (m == null || m.parentId() != null || m.organizerId() == null) {
      return;
    }
    State state = imip.state(tenantId, m.calendarId(), m.uid()).orElse(null);
    Set<String> to = new LinkedHashSet<>();
    if (state != null) {
      to.addAll(state.recipients());
    }
    outside(tenantId, m.id()).forEach(a -> to.add(a.email()));
    imip.deleteState(tenantId, m.calendarId(), m.uid());
    @Nullable Sender sender = sender(tenantId, m.organizerId());
    if (to.isEmpty() || sender == null) {
      return;
    }
    List<Itip.Invitee> gone = to.stream().map(a -> new Itip.Invitee(a, "", true)).toList();
    int sequence = state == null ? 1 : state.sequence() + 1;
    queue(tenantId, m, List.of(), "CANCEL", List.copyOf(to), gone, sequence, sender, false);
  }

  /**
   * After one occurrence of a series was removed ("this event"; the master already carries its
   * EXDATE): a CANCEL for that occurrence alone to the outside attendees who have the series,
   * instead of the whole series again (RFC 5546 §3.2.5: RECURRENCE-ID names the cancelled
   * instance). {@code occurrence} is the occurrence as it was (an override, or the master at that
   * start).
   */
  public void cancelOccurrence(UUID tenantId, UUID masterId, EventRow occurrence) {
    try {
      cancelOccurrenceNow(tenantId, masterId, occurrence);
    } catch (DataAccessException e) {
      throw e;
    } catch (RuntimeException e) {
      log.warn("iMIP cancellation not queued: {}", e.getClass().getSimpleName());
    }
  }

  private void cancelOccurrenceNow(UUID tenantId, UUID masterId, EventRow occurrence) {
    EventRow m = store.event(tenantId, masterId).orElse(null);
    if (m == null || m.parentId() != null || m.organizerId() == null) {
      return;
    }
    State state = imip.state(tenantId, m.calendarId(), m.uid()).orElse(null);
    @Nullable Sender sender = sender(tenantId, m.organizerId());
    if (state == null || state.recipients().isEmpty() || sender == null) {
      syncNow(tenantId, m.id());
      return;
    }
    int sequence = state.sequence() + 1;
    queue(
        tenantId,
        occurrence,
        List.of(),
        "CANCEL",
        state.recipients(),
        invitees(tenantId, m.id()),
        sequence,
        sender,
        false);
    // The attendees now have the series without that occurrence: what was sent is the current
    // version, so a later change compares against it.
    imip.saveState(
        tenantId,
        m.calendarId(),
        m.uid(),
        new State(sequence, digestOf(tenantId, m), state.recipients()));
    syncNow(tenantId, m.id());
  }

  private String digestOf(UUID tenantId, EventRow m) {
    List<EventRow> overrides = store.overrides(tenantId, List.of(m.id()));
    return Itip.digest(m, overrides, attachmentsOf(tenantId, m, overrides));
  }

  private List<CalendarStore.AttachmentRow> attachmentsOf(
      UUID tenantId, EventRow m, List<EventRow> overrides) {
    List<UUID> ids = new ArrayList<>();
    ids.add(m.id());
    overrides.forEach(o -> ids.add(o.id()));
    return store.attachments(tenantId, ids);
  }

  record Sender(String address, String name, MemberPrincipal principal) {}

  private void queue(
      UUID tenantId,
      EventRow m,
      List<EventRow> overrides,
      String method,
      List<String> recipients,
      List<Itip.Invitee> invitees,
      int sequence,
      Sender sender,
      boolean update) {
    Instant now = clock.instant();
    String ics =
        Itip.write(
            method,
            new Itip.Organizer(sender.address(), sender.name()),
            invitees,
            m,
            overrides,
            sequence,
            now);
    String subject =
        switch (method) {
          case "CANCEL" -> "中止: " + m.title() + " / Cancelled: " + m.title();
          default ->
              update
                  ? "更新: " + m.title() + " / Updated invitation: " + m.title()
                  : "招待: " + m.title() + " / Invitation: " + m.title();
        };
    UUID id = ids.next();
    imip.enqueue(
        new Outgoing(
            id,
            tenantId,
            m.organizerId(),
            method,
            recipients,
            subject,
            summaryJa(m, method, sender, invitees),
            summaryEn(m, method, sender, invitees),
            ics),
        now);
    events.publishEvent(new InvitationQueued(tenantId, id));
  }

  // ---- out: sent after the commit ---------------------------------------------------------------

  /**
   * Sends queued invitation mails, one per attendee; a refused address does not stop the rest. An
   * attendee an earlier run of this listener already mailed (it died before deleting the outbox
   * row) is skipped. A database failure ends the run with the outbox row kept, so that the event
   * publication is retried.
   */
  @ApplicationModuleListener(propagation = Propagation.NOT_SUPPORTED)
  void on(InvitationQueued e) {
    Outgoing o = imip.outgoing(e.tenantId(), e.outboxId()).orElse(null);
    if (o == null) {
      return;
    }
    @Nullable Sender sender = sender(o.tenantId(), o.organizerId());
    int sent = 0;
    int before = 0;
    if (sender != null) {
      for (String to : o.recipients()) {
        try {
          if (handOff(o, sender, to)) {
            sent++;
          } else {
            before++;
          }
        } catch (DataAccessException ex) {
          throw ex;
        } catch (IOException | MessagingException | RuntimeException ex) {
          log.warn(
              "iMIP {} for a calendar event could not be sent to one attendee: {}",
              o.method(),
              ex.getClass().getSimpleName());
        }
      }
    }
    tx.executeWithoutResult(s -> imip.deleteOutgoing(o.tenantId(), o.id()));
    log.info(
        "iMIP {} sent to {} of {} outside attendees, {} by an earlier attempt (company {}, outbox {})",
        o.method(),
        sent,
        o.recipients().size(),
        before,
        o.tenantId(),
        o.id());
  }

  /**
   * Hands the mail for one attendee to the mail module in one transaction with the record that it
   * was; returns false, handing nothing, when an earlier run recorded it. The mail module's queue
   * rows and the record commit together, so a crash leaves either both or neither.
   */
  boolean handOff(Outgoing o, Sender sender, String to) throws IOException, MessagingException {
    byte[] raw = mime(sender, to, o);
    try {
      return Boolean.TRUE.equals(
          tx.execute(
              s -> {
                if (!imip.markHandedOff(o.tenantId(), o.id(), to, clock.instant())) {
                  return false;
                }
                try {
                  sending.submit(sender.principal(), sender.address(), List.of(to), raw, false);
                } catch (IOException ex) {
                  throw new UncheckedIOException(ex);
                }
                return true;
              }));
    } catch (UncheckedIOException ex) {
      throw ex.getCause();
    }
  }

  private byte[] mime(Sender sender, String to, Outgoing o) throws MessagingException, IOException {
    String domain = sender.address().substring(sender.address().indexOf('@') + 1);
    String messageId = "<" + ids.next() + ".imip@" + domain + ">";
    MimeMessage msg =
        new MimeMessage(session) {
          @Override
          protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
          }
        };
    msg.setFrom(new InternetAddress(sender.address(), sender.name(), "UTF-8"));
    msg.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(to));
    msg.setSubject(o.subject(), "UTF-8");
    msg.setSentDate(Date.from(clock.instant()));
    String type = "text/calendar; method=" + o.method() + "; charset=UTF-8";
    byte[] ics = o.ics().getBytes(StandardCharsets.UTF_8);

    MimeBodyPart text = new MimeBodyPart();
    text.setText(o.summaryJa() + "\n\n----\n\n" + o.summaryEn() + "\n", "UTF-8");
    MimeBodyPart calendar = new MimeBodyPart();
    calendar.setDataHandler(new DataHandler(new ByteArrayDataSource(ics, type)));
    calendar.setHeader("Content-Type", type);
    MimeMultipart alternative = new MimeMultipart("alternative");
    alternative.addBodyPart(text);
    alternative.addBodyPart(calendar);
    MimeBodyPart body = new MimeBodyPart();
    body.setContent(alternative);

    MimeBodyPart file = new MimeBodyPart();
    file.setDataHandler(
        new DataHandler(new ByteArrayDataSource(ics, "application/ics; name=invite.ics")));
    file.setFileName("invite.ics");
    file.setDisposition(jakarta.mail.Part.ATTACHMENT);
    MimeMultipart mixed = new MimeMultipart("mixed");
    mixed.addBodyPart(body);
    mixed.addBodyPart(file);
    msg.setContent(mixed);
    msg.saveChanges();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    msg.writeTo(out);
    return out.toByteArray();
  }

  private String summaryJa(EventRow m, String method, Sender sender, List<Itip.Invitee> invitees) {
    ZoneId zone = ZoneId.of(m.timeZone());
    StringBuilder b = new StringBuilder();
    b.append(sender.name())
        .append(method.equals("CANCEL") ? " さんが次の予定を中止しました。\n\n" : " さんから次の予定への招待が届いています。\n\n");
    b.append("件名: ").append(m.title()).append('\n');
    b.append("日時: ").append(when(m, zone, JA_DAY, "終日")).append('\n');
    if (m.rrule() != null) {
      b.append("繰り返し: ").append(m.rrule()).append('\n');
    }
    if (!m.location().isEmpty()) {
      b.append("場所: ").append(m.location()).append('\n');
    }
    String files = attachmentNames(m);
    if (!files.isEmpty() && !method.equals("CANCEL")) {
      b.append("添付ファイル: ").append(files).append('\n');
    }
    b.append("主催者: ").append(sender.name()).append(" <").append(sender.address()).append(">");
    if (!method.equals("CANCEL")) {
      b.append("\n参加者:");
      invitees.forEach(i -> b.append("\n  ").append(who(i)));
    }
    return b.toString();
  }

  private String summaryEn(EventRow m, String method, Sender sender, List<Itip.Invitee> invitees) {
    ZoneId zone = ZoneId.of(m.timeZone());
    StringBuilder b = new StringBuilder();
    b.append(sender.name())
        .append(
            method.equals("CANCEL")
                ? " has cancelled this event.\n\n"
                : " invites you to this event.\n\n");
    b.append("Title: ").append(m.title()).append('\n');
    b.append("When: ").append(when(m, zone, EN_DAY, "all day")).append('\n');
    if (m.rrule() != null) {
      b.append("Repeats: ").append(m.rrule()).append('\n');
    }
    if (!m.location().isEmpty()) {
      b.append("Where: ").append(m.location()).append('\n');
    }
    String files = attachmentNames(m);
    if (!files.isEmpty() && !method.equals("CANCEL")) {
      b.append("Attachments: ").append(files).append('\n');
    }
    b.append("Organiser: ").append(sender.name()).append(" <").append(sender.address()).append(">");
    if (!method.equals("CANCEL")) {
      b.append("\nAttendees:");
      invitees.forEach(i -> b.append("\n  ").append(who(i)));
    }
    return b.toString();
  }

  /**
   * The names of the event's attachments, for the invitation text (outside attendees cannot open
   * the files, which stay in the organiser's company).
   */
  private String attachmentNames(EventRow m) {
    return String.join(
        ", ",
        store.attachments(m.tenantId(), List.of(m.id())).stream()
            .map(a -> a.name().replaceAll("\\p{Cntrl}", ""))
            .toList());
  }

  private static String who(Itip.Invitee i) {
    if (i.name().isEmpty() || i.name().equalsIgnoreCase(i.address())) {
      return i.address();
    }
    return i.address().isEmpty() ? i.name() : i.name() + " <" + i.address() + ">";
  }

  /** The first occurrence's day and times in the event's own zone. */
  static String when(EventRow m, ZoneId zone, DateTimeFormatter day, String allDay) {
    LocalDateTime s = LocalDateTime.ofInstant(m.startAt(), zone);
    LocalDateTime e = LocalDateTime.ofInstant(m.endAt(), zone);
    if (m.allDay()) {
      return day.format(s) + " " + allDay;
    }
    String end =
        e.toLocalDate().equals(s.toLocalDate()) ? HM.format(e) : day.format(e) + " " + HM.format(e);
    return day.format(s) + " " + HM.format(s) + "–" + end + " (" + zone.getId() + ")";
  }

  // ---- in: REPLYs in the organiser's inbox ------------------------------------------------------

  /**
   * A message in a member's inbox that is an iTIP REPLY updates the answer of the outside attendee
   * it names, on the event with that UID the member organises, when that address was invited, sent
   * the message, and the REPLY answers the current version (its SEQUENCE is not older than the last
   * one sent).
   */
  @ApplicationModuleListener
  void on(MailReceived e) {
    Optional<Mailboxes.CalendarPart> part =
        mailboxes.calendarPart(e.tenantId(), e.memberId(), e.messageId());
    if (part.isEmpty()) {
      return;
    }
    int applied = replies(e.tenantId(), e.memberId(), part.get().from(), part.get().text());
    if (applied > 0) {
      log.info("iMIP REPLY applied to {} event(s) (company {})", applied, e.tenantId());
    }
  }

  /**
   * Applies the answers of a REPLY an organiser received from {@code from}; returns how many were
   * applied. An attendee answers only for themselves: the ATTENDEE must be the sender (RFC 6047
   * §3.1).
   */
  public int replies(UUID tenantId, UUID organizerId, String from, String calendarText) {
    int applied = 0;
    for (Itip.Reply r : Itip.readReply(calendarText)) {
      if (!r.attendee().equalsIgnoreCase(from.strip())) {
        continue;
      }
      for (EventRow m : store.organizedByUid(tenantId, organizerId, r.uid())) {
        State state = imip.state(tenantId, m.calendarId(), m.uid()).orElse(null);
        if (state == null || r.sequence() < state.sequence()) {
          continue;
        }
        boolean invited =
            outside(tenantId, m.id()).stream().anyMatch(a -> a.email().equals(r.attendee()));
        if (!invited) {
          continue;
        }
        if (r.recurrenceId() != null) {
          // RFC 5546 §3.2.3: an answer for one instance; it must name an occurrence of the series.
          Instant rid = r.recurrenceId().at(ZoneId.of(m.timeZone()));
          if (!isOccurrence(tenantId, m, rid)) {
            continue;
          }
          answers.set(
              tenantId,
              new OccurrenceAnswers.Answer(m.id(), rid, r.attendee(), null, r.partstat()));
          store.touchEvent(tenantId, m.id(), ids.secret(12), clock.instant());
          store.touchCalendar(tenantId, m.calendarId());
          applied++;
        } else if (store.setOutsideAttendeeStatus(tenantId, m.id(), r.attendee(), r.partstat())
            > 0) {
          answers.clearAttendee(tenantId, m.id(), r.attendee());
          Instant now = clock.instant();
          store.touchEvent(tenantId, m.id(), ids.secret(12), now);
          store.touchCalendar(tenantId, m.calendarId());
          applied++;
        }
      }
    }
    return applied;
  }

  // ---- shared ---------------------------------------------------------------------------------

  /** Whether an instant is the original start of an occurrence the series still has. */
  private boolean isOccurrence(UUID tenantId, EventRow m, Instant rid) {
    if ((m.rrule() == null && m.rdates().isEmpty()) || m.exdates().contains(rid)) {
      return false;
    }
    return store.overrides(tenantId, List.of(m.id())).stream()
            .anyMatch(o -> rid.equals(o.recurrenceId()))
        || Recurrence.isOccurrence(
            m.startLocal(), ZoneId.of(m.timeZone()), m.duration(), m.rrule(), m.rdates(), rid);
  }

  /**
   * Everyone invited, as the invitation lists them: members by name and e-mail (they answer in
   * Musubi, so without RSVP), then the outside addresses.
   */
  private List<Itip.Invitee> invitees(UUID tenantId, UUID eventId) {
    List<AttendeeRow> all = store.attendees(tenantId, List.of(eventId));
    java.util.Map<UUID, String> emails = new java.util.HashMap<>();
    List<UUID> memberIds = all.stream().map(AttendeeRow::memberId).filter(x -> x != null).toList();
    for (CalendarStore.Person p : store.activeMembers(tenantId, memberIds)) {
      if (p.email() != null && Itip.plainAddress(p.email())) {
        emails.put(p.id(), p.email());
      }
    }
    List<Itip.Invitee> out = new ArrayList<>();
    for (AttendeeRow a : all) {
      if (a.memberId() != null && emails.containsKey(a.memberId())) {
        out.add(new Itip.Invitee(emails.get(a.memberId()), a.name(), a.required(), false));
      }
    }
    for (AttendeeRow a : outside(tenantId, eventId)) {
      out.add(new Itip.Invitee(a.email(), a.name(), a.required()));
    }
    return out;
  }

  private List<AttendeeRow> outside(UUID tenantId, UUID eventId) {
    List<AttendeeRow> out = new ArrayList<>();
    for (AttendeeRow a : store.attendees(tenantId, List.of(eventId))) {
      if (a.memberId() == null && Itip.plainAddress(a.email())) {
        out.add(a);
      }
    }
    return out;
  }

  /** The organiser as a sender: their primary address; null when they cannot send mail. */
  @Nullable Sender sender(UUID tenantId, UUID memberId) {
    ImipStore.Sender s = imip.sender(tenantId, memberId).orElse(null);
    if (s == null) {
      return null;
    }
    MemberPrincipal p =
        new MemberPrincipal(tenantId, memberId, s.loginId(), Set.of(), null, null, Set.of());
    try {
      return sending.identities(p).stream()
          .filter(MailSending.Identity::primary)
          .findFirst()
          .map(i -> new Sender(i.address(), s.displayName(), p))
          .orElse(null);
    } catch (RuntimeException e) {
      log.debug("No mail identity for an organiser: {}", e.getClass().getSimpleName());
      return null;
    }
  }
}
