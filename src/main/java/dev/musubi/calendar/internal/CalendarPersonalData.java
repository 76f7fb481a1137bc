package dev.musubi.calendar.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.calendar.Events;
import dev.musubi.calendar.internal.CalendarStore.CalendarRow;
import dev.musubi.platform.privacy.ExportSink;
import dev.musubi.platform.privacy.HeldScope;
import dev.musubi.platform.privacy.PersonalDataEraser;
import dev.musubi.platform.privacy.PersonalDataSource;
import dev.musubi.platform.privacy.RetentionTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Calendar's part of privacy: each of the member's personal calendars as an .ics file (written by
 * {@link Ics}), retention of events that ended before the cutoff (recurring events once their last
 * occurrence ended) and the erasure of a purged member's calendars and answers. Events in a held
 * member's calendars, or organised by a held member, stay.
 */
@Component
class CalendarPersonalData implements PersonalDataSource, RetentionTarget, PersonalDataEraser {

  private final CalendarStore store;
  private final Events events;
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;

  CalendarPersonalData(
      CalendarStore store, Events events, JdbcClient jdbc, TransactionTemplate tx) {
    this.store = store;
    this.events = events;
    this.jdbc = jdbc;
    this.tx = tx;
  }

  @Override
  public String name() {
    return "calendar";
  }

  @Override
  public String service() {
    return "calendar";
  }

  @Override
  public void export(UUID companyId, UUID memberId, ExportSink sink) throws IOException {
    Set<String> used = new HashSet<>();
    for (CalendarRow c : store.personalCalendars(companyId, List.of(memberId))) {
      List<Ics.Item> items =
          events.exportFeed(companyId, c.id()).stream()
              .map(r -> new Ics.Item(r.event(), r.attendees()))
              .toList();
      String base = c.name().isBlank() ? "calendar" : c.name();
      String file = base;
      for (int i = 2; !used.add(file); i++) {
        file = base + " (" + i + ")";
      }
      sink.write(
          "calendar/" + file + ".ics",
          Ics.write(c.name(), items, List.of()).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public int purgeOlderThan(UUID companyId, Instant cutoff, HeldScope held) {
    List<Object> params = new ArrayList<>();
    params.add(companyId);
    params.add(ts(cutoff));
    params.add(ts(cutoff));
    String heldOnly = "";
    if (!held.members().isEmpty()) {
      String marks = String.join(", ", java.util.Collections.nCopies(held.members().size(), "?"));
      heldOnly =
          " AND (c.owner_id IS NULL OR c.owner_id NOT IN ("
              + marks
              + ")) AND (e.organizer_id IS NULL OR e.organizer_id NOT IN ("
              + marks
              + "))";
      params.addAll(held.members());
      params.addAll(held.members());
    }
    List<UUID> ids =
        jdbc.sql(
                "SELECT e.id FROM cal_event e JOIN cal_calendar c ON c.id = e.calendar_id"
                    + " WHERE e.tenant_id = ? AND e.parent_id IS NULL"
                    + " AND ((e.rrule IS NULL AND e.end_at < ?)"
                    + " OR (e.rrule IS NOT NULL AND e.range_end IS NOT NULL AND e.range_end < ?))"
                    + heldOnly)
            .params(params)
            .query(UUID.class)
            .list();
    int n = 0;
    for (UUID id : ids) {
      tx.executeWithoutResult(s -> deleteEvent(companyId, id));
      n++;
    }
    return n;
  }

  @Override
  public int erase(UUID companyId, UUID memberId, HeldScope held) {
    int[] n = {0};
    tx.executeWithoutResult(
        s -> {
          for (CalendarRow c : store.personalCalendars(companyId, List.of(memberId))) {
            List<UUID> ids =
                jdbc.sql(
                        "SELECT id FROM cal_event WHERE tenant_id = ? AND calendar_id = ?"
                            + " AND parent_id IS NULL")
                    .params(companyId, c.id())
                    .query(UUID.class)
                    .list();
            for (UUID id : ids) {
              deleteEvent(companyId, id);
              n[0]++;
            }
            for (String table :
                List.of("cal_href", "cal_share", "cal_subscription", "cal_tombstone")) {
              jdbc.sql("DELETE FROM " + table + " WHERE tenant_id = ? AND calendar_id = ?")
                  .params(companyId, c.id())
                  .update();
            }
            jdbc.sql("DELETE FROM cal_imip_state WHERE tenant_id = ? AND calendar_id = ?")
                .params(companyId, c.id())
                .update();
            jdbc.sql("DELETE FROM cal_calendar WHERE tenant_id = ? AND id = ?")
                .params(companyId, c.id())
                .update();
          }
          jdbc.sql("DELETE FROM cal_reminder_sent WHERE tenant_id = ? AND member_id = ?")
              .params(companyId, memberId)
              .update();
          jdbc.sql(
                  "DELETE FROM cal_imip_sent WHERE tenant_id = ? AND outbox_id IN"
                      + " (SELECT id FROM cal_imip_outbox WHERE tenant_id = ? AND organizer_id = ?)")
              .params(companyId, companyId, memberId)
              .update();
          jdbc.sql("DELETE FROM cal_imip_outbox WHERE tenant_id = ? AND organizer_id = ?")
              .params(companyId, memberId)
              .update();
          jdbc.sql("DELETE FROM cal_attendee WHERE tenant_id = ? AND member_id = ?")
              .params(companyId, memberId)
              .update();
          jdbc.sql("DELETE FROM cal_occurrence_answer WHERE tenant_id = ? AND member_id = ?")
              .params(companyId, memberId)
              .update();
          jdbc.sql("DELETE FROM cal_subscription WHERE tenant_id = ? AND member_id = ?")
              .params(companyId, memberId)
              .update();
          jdbc.sql(
                  "DELETE FROM cal_share WHERE tenant_id = ? AND grantee_type = 'member'"
                      + " AND grantee_id = ?")
              .params(companyId, memberId)
              .update();
        });
    return n[0];
  }

  /** Deletes an event with its overridden occurrences and everything that points at them. */
  private void deleteEvent(UUID companyId, UUID id) {
    List<UUID> all =
        new ArrayList<>(
            jdbc.sql("SELECT id FROM cal_event WHERE tenant_id = ? AND parent_id = ?")
                .params(companyId, id)
                .query(UUID.class)
                .list());
    all.add(id);
    for (UUID e : all) {
      for (String table :
          List.of(
              "cal_booking",
              "cal_href",
              "cal_attendee",
              "cal_attachment",
              "cal_occurrence_answer",
              "cal_reminder_sent")) {
        jdbc.sql("DELETE FROM " + table + " WHERE tenant_id = ? AND event_id = ?")
            .params(companyId, e)
            .update();
      }
      jdbc.sql("DELETE FROM cal_event WHERE tenant_id = ? AND id = ?")
          .params(companyId, e)
          .update();
    }
  }
}
