package dev.musubi.calendar.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.platform.Jdbc;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Answers for single occurrences of a series ("this event"): each takes the place of the attendee's
 * series answer for that occurrence. Rows belong to the series master and are keyed by the
 * occurrence's original start and the attendee's key in {@code cal_attendee}. Every query filters
 * on the tenant.
 */
@Repository
public class OccurrenceAnswers {

  private final JdbcClient jdbc;

  OccurrenceAnswers(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** One answer for one occurrence. */
  public record Answer(
      UUID eventId, Instant occurrence, String email, @Nullable UUID memberId, String status) {}

  /** The answers given for occurrences of these masters, by occurrence and attendee key. */
  public List<Answer> of(UUID tenantId, Collection<UUID> eventIds) {
    if (eventIds.isEmpty()) {
      return List.of();
    }
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    params.addAll(eventIds);
    return jdbc.sql(
            "SELECT * FROM cal_occurrence_answer WHERE tenant_id = ? AND event_id IN ("
                + String.join(", ", Collections.nCopies(eventIds.size(), "?"))
                + ") ORDER BY recurrence_id, email")
        .params(params)
        .query(
            (rs, i) ->
                new Answer(
                    rs.getObject("event_id", UUID.class),
                    Jdbc.requiredInstant(rs, "recurrence_id"),
                    rs.getString("email"),
                    rs.getObject("member_id", UUID.class),
                    rs.getString("status")))
        .list();
  }

  /** Sets one attendee's answer for one occurrence, replacing an earlier one. */
  public void set(UUID tenantId, Answer a) {
    jdbc.sql(
            "DELETE FROM cal_occurrence_answer WHERE tenant_id = ? AND event_id = ? AND"
                + " recurrence_id = ? AND email = ?")
        .params(tenantId, a.eventId(), ts(a.occurrence()), a.email())
        .update();
    jdbc.sql(
            "INSERT INTO cal_occurrence_answer (tenant_id, event_id, recurrence_id, email,"
                + " member_id, status) VALUES (?, ?, ?, ?, ?, ?)")
        .params(tenantId, a.eventId(), ts(a.occurrence()), a.email(), a.memberId(), a.status())
        .update();
  }

  /** Forgets one attendee's occurrence answers (they answered for the whole series). */
  public void clearAttendee(UUID tenantId, UUID eventId, String email) {
    jdbc.sql("DELETE FROM cal_occurrence_answer WHERE tenant_id = ? AND event_id = ? AND email = ?")
        .params(tenantId, eventId, email)
        .update();
  }

  /** Forgets the answers for one occurrence (it moved or was removed). */
  public void clearOccurrence(UUID tenantId, UUID eventId, Instant occurrence) {
    jdbc.sql(
            "DELETE FROM cal_occurrence_answer WHERE tenant_id = ? AND event_id = ? AND"
                + " recurrence_id = ?")
        .params(tenantId, eventId, ts(occurrence))
        .update();
  }

  /** Forgets the answers for the occurrences at or after {@code from}; all when null. */
  public void clearFrom(UUID tenantId, UUID eventId, @Nullable Instant from) {
    if (from == null) {
      jdbc.sql("DELETE FROM cal_occurrence_answer WHERE tenant_id = ? AND event_id = ?")
          .params(tenantId, eventId)
          .update();
    } else {
      jdbc.sql(
              "DELETE FROM cal_occurrence_answer WHERE tenant_id = ? AND event_id = ? AND"
                  + " recurrence_id >= ?")
          .params(tenantId, eventId, ts(from))
          .update();
    }
  }

  /** Moves the answers for occurrences at or after {@code from} to another master. */
  public void moveFrom(UUID tenantId, UUID eventId, Instant from, UUID toEventId) {
    jdbc.sql(
            "UPDATE cal_occurrence_answer SET event_id = ? WHERE tenant_id = ? AND event_id = ?"
                + " AND recurrence_id >= ?")
        .params(toEventId, tenantId, eventId, ts(from))
        .update();
  }

  /** Forgets the answers of people who are no longer attendees of the master. */
  public void retainAttendees(UUID tenantId, UUID eventId) {
    jdbc.sql(
            "DELETE FROM cal_occurrence_answer WHERE tenant_id = ? AND event_id = ? AND email NOT"
                + " IN (SELECT a.email FROM cal_attendee a WHERE a.tenant_id = ? AND a.event_id"
                + " = ?)")
        .params(tenantId, eventId, tenantId, eventId)
        .update();
  }
}
