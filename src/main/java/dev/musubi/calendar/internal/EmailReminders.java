package dev.musubi.calendar.internal;

import dev.musubi.calendar.internal.CalendarStore.AttendeeRow;
import dev.musubi.calendar.internal.CalendarStore.EventRow;
import dev.musubi.mail.MailSending;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.MemberPrincipal;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reminder mails: every minute, each reminder whose time has come (at most {@link #GRACE} ago, so a
 * node that was down sends late ones but not stale ones) goes once to the organiser and to every
 * invited member who has not declined, from their own address to themselves. The row recording the
 * send is written in the transaction that delivers the mail; its primary key makes a second node,
 * or a second run after a restart, skip it.
 */
@Component
public class EmailReminders {

  /** How late a reminder may still be sent. */
  public static final Duration GRACE = Duration.ofHours(1);

  /** The longest reminder (28 days) bounds how far ahead occurrences are looked for. */
  static final Duration LOOKAHEAD = Duration.ofMinutes(40_320).plusMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(EmailReminders.class);
  private static final DateTimeFormatter JA =
      DateTimeFormatter.ofPattern("uuuu年M月d日(E) HH:mm", Locale.JAPANESE);
  private static final DateTimeFormatter EN =
      DateTimeFormatter.ofPattern("EEE d MMM uuuu HH:mm", Locale.ENGLISH);

  private final CalendarStore store;
  private final ImipStore imip;
  private final OccurrenceAnswers answers;
  private final MailSending sending;
  private final Ids ids;
  private final Clock clock;
  private final TransactionTemplate tx;
  private final Session session = Session.getInstance(new Properties());

  EmailReminders(
      CalendarStore store,
      ImipStore imip,
      OccurrenceAnswers answers,
      MailSending sending,
      Ids ids,
      Clock clock,
      PlatformTransactionManager transactions) {
    this.store = store;
    this.imip = imip;
    this.answers = answers;
    this.sending = sending;
    this.ids = ids;
    this.clock = clock;
    this.tx = new TransactionTemplate(transactions);
  }

  @Scheduled(
      fixedDelayString = "${musubi.calendar.reminder-interval:PT1M}",
      initialDelayString = "${musubi.calendar.reminder-interval:PT1M}")
  void scheduled() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      log.warn("Reminder run failed: {}", e.getClass().getSimpleName());
    }
  }

  /** Sends the reminders that are due now; returns how many mails were sent. */
  public synchronized int runOnce() {
    Instant now = clock.instant();
    int sent = 0;
    for (EventRow m : store.withEmailReminders(now.minus(GRACE), now.plus(LOOKAHEAD), 10_000)) {
      try {
        sent += remind(m, now);
      } catch (RuntimeException e) {
        log.warn("Reminders of one event failed: {}", e.getClass().getSimpleName());
      }
    }
    imip.forgetRemindersBefore(now.minus(Duration.ofDays(60)));
    return sent;
  }

  private int remind(EventRow m, Instant now) {
    List<EventRow> overrides = store.overrides(m.tenantId(), List.of(m.id()));
    int sent = 0;
    List<AttendeeRow> attendees = null;
    Map<Instant, Map<UUID, String>> answered = null;
    for (EventRow occ :
        Occurrences.between(m, overrides, now.minus(GRACE), now.plus(LOOKAHEAD), 1000)) {
      for (Integer minutes : occ.emailReminders()) {
        Instant due = occ.startAt().minus(Duration.ofMinutes(minutes));
        if (due.isAfter(now) || !due.isAfter(now.minus(GRACE))) {
          continue;
        }
        if (attendees == null) {
          attendees = store.attendees(m.tenantId(), List.of(m.id()));
          answered = new HashMap<>();
          for (OccurrenceAnswers.Answer a : answers.of(m.tenantId(), List.of(m.id()))) {
            if (a.memberId() != null) {
              answered
                  .computeIfAbsent(a.occurrence(), k -> new HashMap<>())
                  .put(a.memberId(), a.status());
            }
          }
        }
        Instant occurrence = occ.recurrenceId() != null ? occ.recurrenceId() : occ.startAt();
        for (UUID member : recipients(m, attendees, answered.getOrDefault(occurrence, Map.of()))) {
          if (imip.reminderSent(m.id(), occurrence, minutes, member)) {
            continue;
          }
          if (send(m, occ, occurrence, minutes, member, now)) {
            sent++;
          }
        }
      }
    }
    return sent;
  }

  /**
   * The organiser and the invited members who have not declined this occurrence (their answer for
   * it, else their answer for the series).
   */
  private static List<UUID> recipients(
      EventRow m, List<AttendeeRow> attendees, Map<UUID, String> atOccurrence) {
    Set<UUID> out = new LinkedHashSet<>();
    if (m.organizerId() != null) {
      out.add(m.organizerId());
    }
    Set<UUID> declined = new HashSet<>();
    for (AttendeeRow a : attendees) {
      if (a.memberId() == null) {
        continue;
      }
      if (atOccurrence.getOrDefault(a.memberId(), a.status()).equals("declined")) {
        declined.add(a.memberId());
      } else {
        out.add(a.memberId());
      }
    }
    out.removeAll(declined);
    return new ArrayList<>(out);
  }

  private boolean send(
      EventRow m, EventRow occ, Instant occurrence, int minutes, UUID member, Instant now) {
    ImipStore.Sender who = imip.sender(m.tenantId(), member).orElse(null);
    if (who == null) {
      return false;
    }
    MemberPrincipal p =
        new MemberPrincipal(m.tenantId(), member, who.loginId(), Set.of(), null, null, Set.of());
    try {
      String address =
          sending.identities(p).stream()
              .filter(MailSending.Identity::primary)
              .findFirst()
              .orElseThrow()
              .address();
      byte[] raw = mime(address, who.displayName(), occ);
      // The claim and the hand-over to mail commit together: whoever inserts the row first (this
      // node or another) sends it, the others get a duplicate key and roll back; a failed
      // hand-over leaves no claim, so the next run tries again.
      try {
        tx.executeWithoutResult(
            s -> {
              imip.claimReminder(m.tenantId(), m.id(), occurrence, minutes, member, now);
              try {
                sending.submit(p, address, List.of(address), raw, false);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
      } catch (DuplicateKeyException e) {
        throw e;
      } catch (RuntimeException e) {
        log.warn(
            "Reminder mail for event {} not handed over: {}", m.id(), e.getClass().getSimpleName());
        return false;
      }
      log.info("Reminder mail sent for event {} ({} minutes before)", m.id(), minutes);
      return true;
    } catch (DuplicateKeyException e) {
      // Another node recorded it first (its transaction held the key).
      return false;
    } catch (RuntimeException e) {
      log.warn("Reminder mail for event {} failed: {}", m.id(), e.getClass().getSimpleName());
      return false;
    }
  }

  private byte[] mime(String address, String name, EventRow occ) {
    try {
      ZoneId zone = ZoneId.of(occ.timeZone());
      LocalDateTime start = LocalDateTime.ofInstant(occ.startAt(), zone);
      String domain = address.substring(address.indexOf('@') + 1);
      String messageId = "<" + ids.next() + ".reminder@" + domain + ">";
      MimeMessage msg =
          new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
              setHeader("Message-ID", messageId);
            }
          };
      msg.setFrom(new InternetAddress(address, name, "UTF-8"));
      msg.setRecipient(
          jakarta.mail.Message.RecipientType.TO, new InternetAddress(address, name, "UTF-8"));
      msg.setSubject("リマインダー: " + occ.title() + " / Reminder: " + occ.title(), "UTF-8");
      msg.setSentDate(Date.from(clock.instant()));
      String when =
          occ.allDay()
              ? start.toLocalDate().toString()
              : JA.format(start) + " (" + zone.getId() + ")";
      String whenEn =
          occ.allDay()
              ? start.toLocalDate().toString()
              : EN.format(start) + " (" + zone.getId() + ")";
      StringBuilder b = new StringBuilder();
      b.append("予定のお知らせです。\n\n件名: ").append(occ.title()).append("\n日時: ").append(when);
      if (!occ.location().isEmpty()) {
        b.append("\n場所: ").append(occ.location());
      }
      b.append("\n\n----\n\nA reminder of your event.\n\nTitle: ")
          .append(occ.title())
          .append("\nWhen: ")
          .append(whenEn);
      if (!occ.location().isEmpty()) {
        b.append("\nWhere: ").append(occ.location());
      }
      b.append('\n');
      msg.setText(b.toString(), "UTF-8");
      msg.saveChanges();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      msg.writeTo(out);
      return out.toByteArray();
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException("reminder mail could not be built", e);
    }
  }
}
