package dev.musubi.calendar.internal;

import static dev.musubi.platform.Jdbc.ts;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The calendar's mail bookkeeping: what outside attendees of a series were last sent, invitation
 * mails waiting for their commit, and reminder mails already sent. Every query filters on the
 * tenant.
 */
@Repository
public class ImipStore {

  private final JdbcClient jdbc;

  ImipStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** What was last sent for a series. */
  public record State(int sequence, String digest, List<String> recipients) {}

  public Optional<State> state(UUID tenantId, UUID calendarId, String uid) {
    return jdbc.sql(
            "SELECT sequence, digest, recipients FROM cal_imip_state WHERE tenant_id = ? AND"
                + " calendar_id = ? AND uid = ?")
        .params(tenantId, calendarId, uid)
        .query(
            (rs, i) ->
                new State(
                    rs.getInt("sequence"),
                    rs.getString("digest"),
                    split(rs.getString("recipients"))))
        .optional();
  }

  public void saveState(UUID tenantId, UUID calendarId, String uid, State s) {
    int n =
        jdbc.sql(
                "UPDATE cal_imip_state SET sequence = ?, digest = ?, recipients = ? WHERE"
                    + " tenant_id = ? AND calendar_id = ? AND uid = ?")
            .params(
                s.sequence(),
                s.digest(),
                String.join(" ", s.recipients()),
                tenantId,
                calendarId,
                uid)
            .update();
    if (n == 0) {
      jdbc.sql(
              "INSERT INTO cal_imip_state (tenant_id, calendar_id, uid, sequence, digest,"
                  + " recipients) VALUES (?, ?, ?, ?, ?, ?)")
          .params(
              tenantId, calendarId, uid, s.sequence(), s.digest(), String.join(" ", s.recipients()))
          .update();
    }
  }

  public void deleteState(UUID tenantId, UUID calendarId, String uid) {
    jdbc.sql("DELETE FROM cal_imip_state WHERE tenant_id = ? AND calendar_id = ? AND uid = ?")
        .params(tenantId, calendarId, uid)
        .update();
  }

  /** An invitation mail waiting to be sent. */
  public record Outgoing(
      UUID id,
      UUID tenantId,
      UUID organizerId,
      String method,
      List<String> recipients,
      String subject,
      String summaryJa,
      String summaryEn,
      String ics) {}

  public void enqueue(Outgoing o, Instant now) {
    jdbc.sql(
            "INSERT INTO cal_imip_outbox (id, tenant_id, organizer_id, method, recipients, title,"
                + " summary_ja, summary_en, ics, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            o.id(),
            o.tenantId(),
            o.organizerId(),
            o.method(),
            String.join(" ", o.recipients()),
            clip(o.subject(), 300),
            clip(o.summaryJa(), 2000),
            clip(o.summaryEn(), 2000),
            o.ics(),
            ts(now))
        .update();
  }

  public Optional<Outgoing> outgoing(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM cal_imip_outbox WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(
            (rs, i) ->
                new Outgoing(
                    rs.getObject("id", UUID.class),
                    rs.getObject("tenant_id", UUID.class),
                    rs.getObject("organizer_id", UUID.class),
                    rs.getString("method"),
                    split(rs.getString("recipients")),
                    rs.getString("title"),
                    rs.getString("summary_ja"),
                    rs.getString("summary_en"),
                    rs.getString("ics")))
        .optional();
  }

  /** Deletes an outbox row with its record of the attendees already mailed. */
  public void deleteOutgoing(UUID tenantId, UUID id) {
    jdbc.sql("DELETE FROM cal_imip_sent WHERE tenant_id = ? AND outbox_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM cal_imip_outbox WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .update();
  }

  /**
   * Records, in the caller's transaction, that the mail of an outbox row is handed to the mail
   * module for one attendee; false when that was recorded before (an earlier run of the listener
   * did). On PostgreSQL a second run doing the same at once waits for the first one's commit.
   */
  public boolean markHandedOff(UUID tenantId, UUID outboxId, String recipient, Instant now) {
    return jdbc.sql(
                "INSERT INTO cal_imip_sent (tenant_id, outbox_id, recipient, sent_at)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .params(tenantId, outboxId, recipient, ts(now))
            .update()
        == 1;
  }

  /** A member as a mail sender: login ID and display name; empty when not active. */
  public record Sender(String loginId, String displayName) {}

  public Optional<Sender> sender(UUID tenantId, UUID memberId) {
    return jdbc.sql(
            "SELECT login_id, display_name FROM member WHERE tenant_id = ? AND id = ? AND status ="
                + " 'ACTIVE' AND deleted_at IS NULL")
        .params(tenantId, memberId)
        .query((rs, i) -> new Sender(rs.getString("login_id"), rs.getString("display_name")))
        .optional();
  }

  /**
   * Records that a reminder is being sent; throws {@link
   * org.springframework.dao.DuplicateKeyException} when it was already recorded (by this or another
   * node).
   */
  public void claimReminder(
      UUID tenantId, UUID eventId, Instant occurrence, int minutes, UUID memberId, Instant now) {
    jdbc.sql(
            "INSERT INTO cal_reminder_sent (tenant_id, event_id, occurrence_at, minutes,"
                + " member_id, sent_at) VALUES (?, ?, ?, ?, ?, ?)")
        .params(tenantId, eventId, ts(occurrence), minutes, memberId, ts(now))
        .update();
  }

  public boolean reminderSent(UUID eventId, Instant occurrence, int minutes, UUID memberId) {
    return jdbc.sql(
                "SELECT COUNT(*) FROM cal_reminder_sent WHERE event_id = ? AND occurrence_at = ?"
                    + " AND minutes = ? AND member_id = ?")
            .params(eventId, ts(occurrence), minutes, memberId)
            .query(Integer.class)
            .single()
        > 0;
  }

  /** Forgets reminders sent before {@code before}; they can no longer be due. */
  public int forgetRemindersBefore(Instant before) {
    return jdbc.sql("DELETE FROM cal_reminder_sent WHERE sent_at < ?").params(ts(before)).update();
  }

  private static List<String> split(String s) {
    return s.isBlank() ? List.of() : Arrays.asList(s.strip().split(" +"));
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
