package dev.musubi.calendar.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.platform.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** JDBC access to the calendar tables. Every query filters on the tenant. */
@Component
public class CalendarStore {

  private final JdbcClient jdbc;
  private final java.time.Clock clock;

  CalendarStore(JdbcClient jdbc, java.time.Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  // ---- calendars ----------------------------------------------------------------------------

  public record CalendarRow(
      UUID id,
      UUID tenantId,
      String kind,
      @Nullable UUID ownerId,
      @Nullable UUID departmentId,
      String name,
      String color,
      @Nullable String uniqueKey,
      boolean hasFeed,
      long version,
      Instant createdAt) {}

  private static final RowMapper<CalendarRow> CALENDAR =
      (rs, i) ->
          new CalendarRow(
              rs.getObject("id", UUID.class),
              rs.getObject("tenant_id", UUID.class),
              rs.getString("kind"),
              rs.getObject("owner_id", UUID.class),
              rs.getObject("department_id", UUID.class),
              rs.getString("name"),
              rs.getString("color"),
              rs.getString("unique_key"),
              rs.getString("feed_hash") != null,
              rs.getLong("version"),
              Jdbc.requiredInstant(rs, "created_at"));

  public void insertCalendar(CalendarRow c) {
    jdbc.sql(
            "INSERT INTO cal_calendar (id, tenant_id, kind, owner_id, department_id, name, color,"
                + " unique_key, version, created_at) VALUES (?,?,?,?,?,?,?,?,0,?)")
        .params(
            c.id(),
            c.tenantId(),
            c.kind(),
            c.ownerId(),
            c.departmentId(),
            c.name(),
            c.color(),
            c.uniqueKey(),
            ts(c.createdAt()))
        .update();
  }

  public Optional<CalendarRow> calendar(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM cal_calendar WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(CALENDAR)
        .optional();
  }

  public Optional<CalendarRow> calendarByKey(UUID tenantId, String key) {
    return jdbc.sql("SELECT * FROM cal_calendar WHERE tenant_id = ? AND unique_key = ?")
        .params(tenantId, key)
        .query(CALENDAR)
        .optional();
  }

  public Optional<CalendarRow> calendarByFeed(String feedHash) {
    return jdbc.sql("SELECT * FROM cal_calendar WHERE feed_hash = ?")
        .param(feedHash)
        .query(CALENDAR)
        .optional();
  }

  /**
   * Calendars a member may know of: their own, the company's, their departments', ones shared with
   * them or their departments or groups ({@code departments} holds both), and the ones they
   * subscribe to.
   */
  public List<CalendarRow> candidateCalendars(
      UUID tenantId, UUID memberId, Collection<UUID> departments) {
    List<Object> params = new ArrayList<>(List.of(tenantId, memberId, memberId, memberId));
    String depts = "";
    if (!departments.isEmpty()) {
      depts =
          " OR (kind = 'department' AND department_id IN ("
              + marks(departments.size())
              + ")) OR id IN (SELECT calendar_id FROM cal_share WHERE tenant_id = ? AND"
              + " grantee_type IN ('department', 'group') AND grantee_id IN ("
              + marks(departments.size())
              + "))";
      params.addAll(departments);
      params.add(tenantId);
      params.addAll(departments);
    }
    return jdbc.sql(
            "SELECT * FROM cal_calendar WHERE tenant_id = ? AND (owner_id = ? OR kind IN"
                + " ('company', 'holidays') OR id IN (SELECT calendar_id FROM cal_share WHERE"
                + " grantee_type = 'member' AND grantee_id = ?) OR id IN (SELECT calendar_id FROM"
                + " cal_subscription WHERE member_id = ?)"
                + depts
                + ") ORDER BY created_at, id")
        .params(params)
        .query(CALENDAR)
        .list();
  }

  public List<CalendarRow> personalCalendars(UUID tenantId, Collection<UUID> owners) {
    if (owners.isEmpty()) {
      return List.of();
    }
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    params.addAll(owners);
    return jdbc.sql(
            "SELECT * FROM cal_calendar WHERE tenant_id = ? AND kind = 'personal' AND owner_id IN ("
                + marks(owners.size())
                + ")")
        .params(params)
        .query(CALENDAR)
        .list();
  }

  public void renameCalendar(UUID tenantId, UUID id, String name, String color) {
    jdbc.sql("UPDATE cal_calendar SET name = ?, color = ? WHERE tenant_id = ? AND id = ?")
        .params(name, color, tenantId, id)
        .update();
  }

  public void setFeed(UUID tenantId, UUID id, @Nullable String hash) {
    jdbc.sql("UPDATE cal_calendar SET feed_hash = ? WHERE tenant_id = ? AND id = ?")
        .params(hash, tenantId, id)
        .update();
  }

  public void touchCalendar(UUID tenantId, UUID id) {
    jdbc.sql("UPDATE cal_calendar SET version = version + 1 WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .update();
  }

  public void deleteCalendar(UUID tenantId, UUID id) {
    List<UUID> events =
        jdbc.sql("SELECT id FROM cal_event WHERE tenant_id = ? AND calendar_id = ?")
            .params(tenantId, id)
            .query(UUID.class)
            .list();
    for (UUID e : events) {
      deleteEventRows(tenantId, e);
    }
    jdbc.sql("DELETE FROM cal_share WHERE tenant_id = ? AND calendar_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM cal_subscription WHERE tenant_id = ? AND calendar_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM cal_calendar WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .update();
  }

  // ---- shares and subscriptions ---------------------------------------------------------------

  public record ShareRow(UUID calendarId, String granteeType, UUID granteeId, String level) {}

  public List<ShareRow> shares(UUID tenantId, Collection<UUID> calendarIds) {
    if (calendarIds.isEmpty()) {
      return List.of();
    }
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    params.addAll(calendarIds);
    // A share to a group or department deleted since matches nobody: it is left out, so the
    // owner's share list shows only live grantees and saving it again drops the stale row.
    return jdbc.sql(
            "SELECT s.* FROM cal_share s WHERE s.tenant_id = ? AND s.calendar_id IN ("
                + marks(calendarIds.size())
                + ") AND (s.grantee_type NOT IN ('group', 'department')"
                + " OR (s.grantee_type = 'group' AND EXISTS (SELECT 1 FROM member_group g"
                + " WHERE g.tenant_id = s.tenant_id AND g.id = s.grantee_id))"
                + " OR (s.grantee_type = 'department' AND EXISTS (SELECT 1 FROM department d"
                + " WHERE d.tenant_id = s.tenant_id AND d.id = s.grantee_id)))"
                + " ORDER BY s.grantee_type, s.grantee_id")
        .params(params)
        .query(
            (rs, i) ->
                new ShareRow(
                    rs.getObject("calendar_id", UUID.class),
                    rs.getString("grantee_type"),
                    rs.getObject("grantee_id", UUID.class),
                    rs.getString("level")))
        .list();
  }

  public void replaceShares(UUID tenantId, UUID calendarId, List<ShareRow> shares) {
    jdbc.sql("DELETE FROM cal_share WHERE tenant_id = ? AND calendar_id = ?")
        .params(tenantId, calendarId)
        .update();
    for (ShareRow s : shares) {
      jdbc.sql(
              "INSERT INTO cal_share (tenant_id, calendar_id, grantee_type, grantee_id, level)"
                  + " VALUES (?,?,?,?,?)")
          .params(tenantId, calendarId, s.granteeType(), s.granteeId(), s.level())
          .update();
    }
  }

  public List<UUID> subscriptions(UUID tenantId, UUID memberId) {
    return jdbc.sql(
            "SELECT calendar_id FROM cal_subscription WHERE tenant_id = ? AND member_id = ?")
        .params(tenantId, memberId)
        .query(UUID.class)
        .list();
  }

  public void subscribe(UUID tenantId, UUID memberId, UUID calendarId) {
    int n =
        jdbc.sql(
                "SELECT COUNT(*) FROM cal_subscription WHERE tenant_id = ? AND member_id = ? AND"
                    + " calendar_id = ?")
            .params(tenantId, memberId, calendarId)
            .query(Integer.class)
            .single();
    if (n == 0) {
      jdbc.sql("INSERT INTO cal_subscription (tenant_id, member_id, calendar_id) VALUES (?,?,?)")
          .params(tenantId, memberId, calendarId)
          .update();
    }
  }

  public void unsubscribe(UUID tenantId, UUID memberId, UUID calendarId) {
    jdbc.sql(
            "DELETE FROM cal_subscription WHERE tenant_id = ? AND member_id = ? AND calendar_id ="
                + " ?")
        .params(tenantId, memberId, calendarId)
        .update();
  }

  // ---- events ---------------------------------------------------------------------------------

  public record EventRow(
      UUID id,
      UUID tenantId,
      UUID calendarId,
      String uid,
      @Nullable UUID parentId,
      @Nullable Instant recurrenceId,
      @Nullable UUID organizerId,
      String title,
      String location,
      String description,
      boolean allDay,
      String timeZone,
      LocalDateTime startLocal,
      Instant startAt,
      Instant endAt,
      Duration duration,
      @Nullable String rrule,
      List<Instant> exdates,
      List<Instant> rdates,
      @Nullable Instant rangeEnd,
      String visibility,
      List<Integer> reminders,
      List<Integer> emailReminders,
      @Nullable UUID facilityId,
      int sequence,
      String etag,
      Instant createdAt,
      Instant updatedAt,
      String transparency,
      String status) {

    /** RFC 5545 §3.8.2.7: whether the event takes its time (OPAQUE, the default) or not. */
    public static final String OPAQUE = "OPAQUE";

    public static final String TRANSPARENT = "TRANSPARENT";

    /** RFC 5545 §3.8.1.11: the status of an event; CONFIRMED is the default. */
    public static final String CONFIRMED = "CONFIRMED";

    public static final String TENTATIVE = "TENTATIVE";

    public static final String CANCELLED = "CANCELLED";

    /** Whether the event's time is free in free/busy: transparent or cancelled. */
    public boolean free() {
      return TRANSPARENT.equals(transparency) || CANCELLED.equals(status);
    }
  }

  private static final RowMapper<EventRow> EVENT =
      (rs, i) ->
          new EventRow(
              rs.getObject("id", UUID.class),
              rs.getObject("tenant_id", UUID.class),
              rs.getObject("calendar_id", UUID.class),
              rs.getString("uid"),
              rs.getObject("parent_id", UUID.class),
              Jdbc.instant(rs, "recurrence_id"),
              rs.getObject("organizer_id", UUID.class),
              rs.getString("title"),
              rs.getString("location"),
              rs.getString("description"),
              rs.getBoolean("all_day"),
              rs.getString("time_zone"),
              LocalDateTime.parse(rs.getString("start_local")),
              Jdbc.requiredInstant(rs, "start_at"),
              Jdbc.requiredInstant(rs, "end_at"),
              Duration.ofSeconds(rs.getLong("duration_s")),
              rs.getString("rrule"),
              instants(rs.getString("exdates")),
              instants(rs.getString("rdates")),
              Jdbc.instant(rs, "range_end"),
              rs.getString("visibility"),
              ints(rs.getString("reminders")),
              ints(rs.getString("email_reminders")),
              rs.getObject("facility_id", UUID.class),
              rs.getInt("sequence"),
              rs.getString("etag"),
              Jdbc.requiredInstant(rs, "created_at"),
              Jdbc.requiredInstant(rs, "updated_at"),
              rs.getString("transparency"),
              rs.getString("status"));

  public void insertEvent(EventRow e) {
    jdbc.sql(
            "INSERT INTO cal_event (id, tenant_id, calendar_id, uid, parent_id, recurrence_id,"
                + " organizer_id, title, location, description, all_day, time_zone, start_local,"
                + " start_at, end_at, duration_s, rrule, exdates, rdates, range_end, visibility,"
                + " reminders, email_reminders, facility_id, sequence, etag, created_at, updated_at,"
                + " transparency, status)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        .params(
            e.id(),
            e.tenantId(),
            e.calendarId(),
            e.uid(),
            e.parentId(),
            ts(e.recurrenceId()),
            e.organizerId(),
            e.title(),
            e.location(),
            e.description(),
            e.allDay(),
            e.timeZone(),
            e.startLocal().toString(),
            ts(e.startAt()),
            ts(e.endAt()),
            e.duration().toSeconds(),
            e.rrule(),
            join(e.exdates()),
            join(e.rdates()),
            ts(e.rangeEnd()),
            e.visibility(),
            joinInts(e.reminders()),
            joinInts(e.emailReminders()),
            e.facilityId(),
            e.sequence(),
            e.etag(),
            ts(e.createdAt()),
            ts(e.updatedAt()),
            e.transparency(),
            e.status())
        .update();
  }

  public void updateEvent(EventRow e) {
    jdbc.sql(
            "UPDATE cal_event SET calendar_id = ?, title = ?, location = ?, description = ?, all_day"
                + " = ?, time_zone = ?, start_local = ?, start_at = ?, end_at = ?, duration_s = ?,"
                + " rrule = ?, exdates = ?, rdates = ?, range_end = ?, visibility = ?, reminders ="
                + " ?, email_reminders = ?, facility_id = ?, sequence = ?, etag = ?, updated_at = ?,"
                + " transparency = ?, status = ? WHERE tenant_id = ? AND id = ?")
        .params(
            e.calendarId(),
            e.title(),
            e.location(),
            e.description(),
            e.allDay(),
            e.timeZone(),
            e.startLocal().toString(),
            ts(e.startAt()),
            ts(e.endAt()),
            e.duration().toSeconds(),
            e.rrule(),
            join(e.exdates()),
            join(e.rdates()),
            ts(e.rangeEnd()),
            e.visibility(),
            joinInts(e.reminders()),
            joinInts(e.emailReminders()),
            e.facilityId(),
            e.sequence(),
            e.etag(),
            ts(e.updatedAt()),
            e.transparency(),
            e.status(),
            e.tenantId(),
            e.id())
        .update();
  }

  public Optional<EventRow> event(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM cal_event WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(EVENT)
        .optional();
  }

  public Optional<EventRow> eventByUid(UUID tenantId, UUID calendarId, String uid) {
    return jdbc.sql(
            "SELECT * FROM cal_event WHERE tenant_id = ? AND calendar_id = ? AND uid = ? AND"
                + " parent_id IS NULL")
        .params(tenantId, calendarId, uid)
        .query(EVENT)
        .optional();
  }

  /** Masters and single events of the calendars that may have an occurrence in the window. */
  public List<EventRow> masters(
      UUID tenantId, Collection<UUID> calendarIds, Instant from, Instant to) {
    if (calendarIds.isEmpty()) {
      return List.of();
    }
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    params.addAll(calendarIds);
    params.add(ts(to));
    params.add(ts(from));
    return jdbc.sql(
            "SELECT * FROM cal_event WHERE tenant_id = ? AND calendar_id IN ("
                + marks(calendarIds.size())
                + ") AND parent_id IS NULL AND start_at < ? AND (range_end IS NULL OR range_end >"
                + " ?) ORDER BY start_at, id")
        .params(params)
        .query(EVENT)
        .list();
  }

  /** Masters and single events a member is invited to that may have an occurrence in the window. */
  public List<EventRow> invitations(UUID tenantId, UUID memberId, Instant from, Instant to) {
    return jdbc.sql(
            "SELECT e.* FROM cal_event e JOIN cal_attendee a ON a.event_id = e.id WHERE"
                + " a.tenant_id = ? AND a.member_id = ? AND e.tenant_id = ? AND e.parent_id IS NULL"
                + " AND e.start_at < ? AND (e.range_end IS NULL OR e.range_end > ?) ORDER BY"
                + " e.start_at, e.id")
        .params(tenantId, memberId, tenantId, ts(to), ts(from))
        .query(EVENT)
        .list();
  }

  public List<EventRow> overrides(UUID tenantId, Collection<UUID> masterIds) {
    if (masterIds.isEmpty()) {
      return List.of();
    }
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    params.addAll(masterIds);
    return jdbc.sql(
            "SELECT * FROM cal_event WHERE tenant_id = ? AND parent_id IN ("
                + marks(masterIds.size())
                + ") ORDER BY start_at")
        .params(params)
        .query(EVENT)
        .list();
  }

  public List<EventRow> allEvents(UUID tenantId, UUID calendarId, int limit) {
    return jdbc.sql(
            "SELECT * FROM cal_event WHERE tenant_id = ? AND calendar_id = ? ORDER BY start_at, id"
                + " LIMIT ?")
        .params(tenantId, calendarId, limit)
        .query(EVENT)
        .list();
  }

  /** Deletes an event with its overrides, attendees and bookings. */
  public void deleteEventRows(UUID tenantId, UUID id) {
    List<UUID> children =
        jdbc.sql("SELECT id FROM cal_event WHERE tenant_id = ? AND parent_id = ?")
            .params(tenantId, id)
            .query(UUID.class)
            .list();
    for (UUID c : children) {
      deleteEventRows(tenantId, c);
    }
    jdbc.sql("DELETE FROM cal_booking WHERE tenant_id = ? AND event_id = ?")
        .params(tenantId, id)
        .update();
    // A deleted master leaves a tombstone for CalDAV sync under its resource name.
    jdbc.sql(
            "INSERT INTO cal_tombstone (tenant_id, calendar_id, href, deleted_at) SELECT e.tenant_id,"
                + " e.calendar_id, COALESCE(h.href, CAST(e.id AS VARCHAR(40)) || '.ics'),"
                + " ? FROM cal_event e LEFT JOIN cal_href h ON h.event_id = e.id"
                + " WHERE e.tenant_id = ? AND e.id = ? AND e.parent_id IS NULL")
        .params(ts(clock.instant()), tenantId, id)
        .update();
    jdbc.sql("DELETE FROM cal_href WHERE tenant_id = ? AND event_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM cal_attendee WHERE tenant_id = ? AND event_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM cal_attachment WHERE tenant_id = ? AND event_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM cal_occurrence_answer WHERE tenant_id = ? AND event_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM cal_reminder_sent WHERE tenant_id = ? AND event_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM cal_event WHERE tenant_id = ? AND id = ?").params(tenantId, id).update();
  }

  /** The masters with this UID that a member organises (one per calendar at most). */
  public List<EventRow> organizedByUid(UUID tenantId, UUID organizerId, String uid) {
    return jdbc.sql(
            "SELECT * FROM cal_event WHERE tenant_id = ? AND organizer_id = ? AND uid = ? AND"
                + " parent_id IS NULL")
        .params(tenantId, organizerId, uid)
        .query(EVENT)
        .list();
  }

  /**
   * Masters (of every company) with e-mail reminders, on themselves or an overridden occurrence,
   * that may have an occurrence starting in {@code [from, to)}.
   */
  public List<EventRow> withEmailReminders(Instant from, Instant to, int limit) {
    return jdbc.sql(
            "SELECT * FROM cal_event e WHERE e.parent_id IS NULL AND e.start_at < ? AND"
                + " (e.range_end IS NULL OR e.range_end > ?) AND (e.email_reminders <> '' OR"
                + " EXISTS (SELECT 1 FROM cal_event o WHERE o.parent_id = e.id AND"
                + " o.email_reminders <> '')) ORDER BY e.start_at, e.id LIMIT ?")
        .params(ts(to), ts(from), limit)
        .query(EVENT)
        .list();
  }

  /** Marks an event changed (new ETag, next sequence) for CalDAV clients and the web. */
  public void touchEvent(UUID tenantId, UUID id, String etag, Instant now) {
    jdbc.sql(
            "UPDATE cal_event SET etag = ?, sequence = sequence + 1, updated_at = ? WHERE"
                + " tenant_id = ? AND id = ?")
        .params(etag, ts(now), tenantId, id)
        .update();
  }

  // ---- attachments ----------------------------------------------------------------------------

  /**
   * A file attached to an event: a Drive file ({@code fileId}) or a link ({@code uri}) kept from a
   * CalDAV client; exactly one of the two is set.
   */
  public record AttachmentRow(
      UUID eventId,
      @Nullable UUID fileId,
      @Nullable String uri,
      String name,
      long size,
      String contentType,
      @Nullable UUID attachedBy) {}

  private static final RowMapper<AttachmentRow> ATTACHMENT =
      (rs, i) ->
          new AttachmentRow(
              rs.getObject("event_id", UUID.class),
              rs.getObject("file_id", UUID.class),
              rs.getString("uri"),
              rs.getString("name"),
              rs.getLong("size"),
              rs.getString("content_type"),
              rs.getObject("attached_by", UUID.class));

  /** The attachments of the given events, in their order per event. */
  public List<AttachmentRow> attachments(UUID tenantId, Collection<UUID> eventIds) {
    return ofEvents("cal_attachment", "event_id, position", ATTACHMENT, tenantId, eventIds);
  }

  /** The rows of {@code table} that belong to the given events, in {@code order}. */
  private <T> List<T> ofEvents(
      String table, String order, RowMapper<T> mapper, UUID tenantId, Collection<UUID> eventIds) {
    if (eventIds.isEmpty()) {
      return List.of();
    }
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    params.addAll(eventIds);
    return jdbc.sql(
            "SELECT * FROM "
                + table
                + " WHERE tenant_id = ? AND event_id IN ("
                + marks(eventIds.size())
                + ") ORDER BY "
                + order)
        .params(params)
        .query(mapper)
        .list();
  }

  public void replaceAttachments(UUID tenantId, UUID eventId, List<AttachmentRow> rows) {
    jdbc.sql("DELETE FROM cal_attachment WHERE tenant_id = ? AND event_id = ?")
        .params(tenantId, eventId)
        .update();
    int position = 0;
    for (AttachmentRow a : rows) {
      jdbc.sql(
              "INSERT INTO cal_attachment (tenant_id, event_id, position, file_id, uri, name, size,"
                  + " content_type, attached_by) VALUES (?,?,?,?,?,?,?,?,?)")
          .params(
              tenantId,
              eventId,
              position++,
              a.fileId(),
              a.uri(),
              a.name(),
              a.size(),
              a.contentType(),
              a.attachedBy())
          .update();
    }
  }

  // ---- attendees ------------------------------------------------------------------------------

  public record AttendeeRow(
      UUID eventId,
      @Nullable UUID memberId,
      String email,
      String name,
      String status,
      boolean required) {}

  private static final RowMapper<AttendeeRow> ATTENDEE =
      (rs, i) ->
          new AttendeeRow(
              rs.getObject("event_id", UUID.class),
              rs.getObject("member_id", UUID.class),
              rs.getString("email"),
              rs.getString("name"),
              rs.getString("status"),
              rs.getBoolean("required"));

  public List<AttendeeRow> attendees(UUID tenantId, Collection<UUID> eventIds) {
    return ofEvents("cal_attendee", "email", ATTENDEE, tenantId, eventIds);
  }

  public void replaceAttendees(UUID tenantId, UUID eventId, List<AttendeeRow> rows) {
    jdbc.sql("DELETE FROM cal_attendee WHERE tenant_id = ? AND event_id = ?")
        .params(tenantId, eventId)
        .update();
    for (AttendeeRow a : rows) {
      jdbc.sql(
              "INSERT INTO cal_attendee (tenant_id, event_id, member_id, email, name, status,"
                  + " required) VALUES (?,?,?,?,?,?,?)")
          .params(tenantId, eventId, a.memberId(), a.email(), a.name(), a.status(), a.required())
          .update();
    }
  }

  public int setAttendeeStatus(UUID tenantId, UUID eventId, UUID memberId, String status) {
    return jdbc.sql(
            "UPDATE cal_attendee SET status = ? WHERE tenant_id = ? AND event_id = ? AND member_id"
                + " = ?")
        .params(status, tenantId, eventId, memberId)
        .update();
  }

  /** Sets an outside attendee's answer (not a member's); returns how many rows changed. */
  public int setOutsideAttendeeStatus(UUID tenantId, UUID eventId, String email, String status) {
    return jdbc.sql(
            "UPDATE cal_attendee SET status = ? WHERE tenant_id = ? AND event_id = ? AND email = ?"
                + " AND member_id IS NULL")
        .params(status, tenantId, eventId, email)
        .update();
  }

  // ---- facilities and bookings ----------------------------------------------------------------

  public record FacilityRow(
      UUID id,
      UUID tenantId,
      String name,
      String kind,
      int capacity,
      String location,
      boolean needsApproval,
      int openFrom,
      int openTo,
      int maxMinutes,
      String timeZone,
      List<UUID> departments,
      Instant createdAt) {}

  private static final RowMapper<FacilityRow> FACILITY =
      (rs, i) ->
          new FacilityRow(
              rs.getObject("id", UUID.class),
              rs.getObject("tenant_id", UUID.class),
              rs.getString("name"),
              rs.getString("kind"),
              rs.getInt("capacity"),
              rs.getString("location"),
              rs.getBoolean("needs_approval"),
              rs.getInt("open_from"),
              rs.getInt("open_to"),
              rs.getInt("max_minutes"),
              rs.getString("time_zone"),
              uuids(rs.getString("departments")),
              Jdbc.requiredInstant(rs, "created_at"));

  public void insertFacility(FacilityRow f) {
    jdbc.sql(
            "INSERT INTO cal_facility (id, tenant_id, name, kind, capacity, location,"
                + " needs_approval, open_from, open_to, max_minutes, time_zone, departments,"
                + " created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
        .params(
            f.id(),
            f.tenantId(),
            f.name(),
            f.kind(),
            f.capacity(),
            f.location(),
            f.needsApproval(),
            f.openFrom(),
            f.openTo(),
            f.maxMinutes(),
            f.timeZone(),
            joinUuids(f.departments()),
            ts(f.createdAt()))
        .update();
  }

  public void updateFacility(FacilityRow f) {
    jdbc.sql(
            "UPDATE cal_facility SET name = ?, kind = ?, capacity = ?, location = ?,"
                + " needs_approval = ?, open_from = ?, open_to = ?, max_minutes = ?, time_zone = ?,"
                + " departments = ? WHERE tenant_id = ? AND id = ?")
        .params(
            f.name(),
            f.kind(),
            f.capacity(),
            f.location(),
            f.needsApproval(),
            f.openFrom(),
            f.openTo(),
            f.maxMinutes(),
            f.timeZone(),
            joinUuids(f.departments()),
            f.tenantId(),
            f.id())
        .update();
  }

  public void deleteFacility(UUID tenantId, UUID id) {
    jdbc.sql("UPDATE cal_facility SET deleted = TRUE WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .update();
  }

  public Optional<FacilityRow> facility(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM cal_facility WHERE tenant_id = ? AND id = ? AND NOT deleted")
        .params(tenantId, id)
        .query(FACILITY)
        .optional();
  }

  /** Locks the facility row until the transaction ends: bookings of it are written one by one. */
  public boolean lockFacility(UUID tenantId, UUID id) {
    return !jdbc.sql(
            "SELECT id FROM cal_facility WHERE tenant_id = ? AND id = ? AND NOT deleted FOR UPDATE")
        .params(tenantId, id)
        .query(UUID.class)
        .list()
        .isEmpty();
  }

  public List<FacilityRow> facilities(UUID tenantId) {
    return jdbc.sql("SELECT * FROM cal_facility WHERE tenant_id = ? AND NOT deleted ORDER BY name")
        .param(tenantId)
        .query(FACILITY)
        .list();
  }

  public record BookingRow(
      UUID id,
      UUID facilityId,
      UUID eventId,
      Instant startAt,
      Instant endAt,
      String status,
      UUID bookedBy) {}

  private static final RowMapper<BookingRow> BOOKING =
      (rs, i) ->
          new BookingRow(
              rs.getObject("id", UUID.class),
              rs.getObject("facility_id", UUID.class),
              rs.getObject("event_id", UUID.class),
              Jdbc.requiredInstant(rs, "start_at"),
              Jdbc.requiredInstant(rs, "end_at"),
              rs.getString("status"),
              rs.getObject("booked_by", UUID.class));

  /** Bookings of a facility overlapping the window, other than those of {@code exceptEvents}. */
  public List<BookingRow> bookings(
      UUID tenantId, UUID facilityId, Instant from, Instant to, Collection<UUID> exceptEvents) {
    List<Object> params = new ArrayList<>(List.of(tenantId, facilityId, ts(to), ts(from)));
    String except = "";
    if (!exceptEvents.isEmpty()) {
      except = " AND event_id NOT IN (" + marks(exceptEvents.size()) + ")";
      params.addAll(exceptEvents);
    }
    return jdbc.sql(
            "SELECT * FROM cal_booking WHERE tenant_id = ? AND facility_id = ? AND start_at < ? AND"
                + " end_at > ?"
                + except
                + " ORDER BY start_at")
        .params(params)
        .query(BOOKING)
        .list();
  }

  public Optional<BookingRow> booking(UUID tenantId, UUID facilityId, UUID id) {
    return jdbc.sql("SELECT * FROM cal_booking WHERE tenant_id = ? AND facility_id = ? AND id = ?")
        .params(tenantId, facilityId, id)
        .query(BOOKING)
        .optional();
  }

  public List<BookingRow> bookingsOfEvent(UUID tenantId, UUID eventId) {
    return jdbc.sql("SELECT * FROM cal_booking WHERE tenant_id = ? AND event_id = ?")
        .params(tenantId, eventId)
        .query(BOOKING)
        .list();
  }

  public void insertBooking(UUID tenantId, BookingRow b, Instant now) {
    jdbc.sql(
            "INSERT INTO cal_booking (id, tenant_id, facility_id, event_id, start_at, end_at,"
                + " status, booked_by, created_at) VALUES (?,?,?,?,?,?,?,?,?)")
        .params(
            b.id(),
            tenantId,
            b.facilityId(),
            b.eventId(),
            ts(b.startAt()),
            ts(b.endAt()),
            b.status(),
            b.bookedBy(),
            ts(now))
        .update();
  }

  public void deleteBookingsOfEvent(UUID tenantId, UUID eventId) {
    jdbc.sql("DELETE FROM cal_booking WHERE tenant_id = ? AND event_id = ?")
        .params(tenantId, eventId)
        .update();
  }

  public void setBookingStatus(UUID tenantId, UUID eventId, String status) {
    jdbc.sql("UPDATE cal_booking SET status = ? WHERE tenant_id = ? AND event_id = ?")
        .params(status, tenantId, eventId)
        .update();
  }

  // ---- members (read-only view of identity's tables) ------------------------------------------

  /** A member as the calendar needs them. */
  public record Person(UUID id, String displayName, String timeZone, String email) {}

  /**
   * Active members of the company among {@code ids}. Reads the identity module's {@code member}
   * table (read only) until identity offers a lookup by ID to non-admins.
   */
  public List<Person> activeMembers(UUID tenantId, Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    params.addAll(ids);
    return jdbc.sql(
            "SELECT id, display_name, time_zone, email FROM member WHERE tenant_id = ? AND status ="
                + " 'ACTIVE' AND deleted_at IS NULL AND id IN ("
                + marks(ids.size())
                + ")")
        .params(params)
        .query(
            (rs, i) ->
                new Person(
                    rs.getObject("id", UUID.class),
                    rs.getString("display_name"),
                    rs.getString("time_zone"),
                    rs.getString("email")))
        .list();
  }

  /** The departments a member belongs to (identity's {@code member_department}, read only). */
  public List<UUID> departmentsOf(UUID tenantId, UUID memberId) {
    return jdbc.sql(
            "SELECT department_id FROM member_department WHERE tenant_id = ? AND member_id = ?")
        .params(tenantId, memberId)
        .query(UUID.class)
        .list();
  }

  public boolean departmentExists(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT COUNT(*) FROM department WHERE tenant_id = ? AND id = ?")
            .params(tenantId, id)
            .query(Integer.class)
            .single()
        > 0;
  }

  // ---- CalDAV resource names and tombstones ---------------------------------------------------

  /** The master event a resource name points to, by its recorded name or '<id>.ics'. */
  public Optional<EventRow> eventByHref(UUID tenantId, UUID calendarId, String href) {
    Optional<UUID> mapped =
        jdbc.sql(
                "SELECT event_id FROM cal_href WHERE tenant_id = ? AND calendar_id = ? AND href = ?")
            .params(tenantId, calendarId, href)
            .query(UUID.class)
            .optional();
    UUID id = mapped.orElse(null);
    if (id == null && href.endsWith(".ics")) {
      id = dev.musubi.platform.Ids.parseOrNull(href.substring(0, href.length() - 4));
    }
    if (id == null) {
      return Optional.empty();
    }
    return event(tenantId, id)
        .filter(e -> e.calendarId().equals(calendarId) && e.parentId() == null);
  }

  /** Resource names of the masters of a calendar that have one recorded. */
  public java.util.Map<UUID, String> hrefs(UUID tenantId, UUID calendarId) {
    java.util.Map<UUID, String> out = new java.util.HashMap<>();
    jdbc.sql("SELECT event_id, href FROM cal_href WHERE tenant_id = ? AND calendar_id = ?")
        .params(tenantId, calendarId)
        .query(
            (rs, i) -> {
              out.put(rs.getObject("event_id", UUID.class), rs.getString("href"));
              return null;
            })
        .list();
    return out;
  }

  public void setHref(UUID tenantId, UUID calendarId, String href, UUID eventId) {
    jdbc.sql("DELETE FROM cal_href WHERE tenant_id = ? AND calendar_id = ? AND href = ?")
        .params(tenantId, calendarId, href)
        .update();
    jdbc.sql("INSERT INTO cal_href (tenant_id, calendar_id, href, event_id) VALUES (?,?,?,?)")
        .params(tenantId, calendarId, href, eventId)
        .update();
  }

  /** Masters (and overrides' masters) changed after {@code since}. */
  public List<UUID> changedMasters(UUID tenantId, UUID calendarId, Instant since) {
    return jdbc.sql(
            "SELECT DISTINCT COALESCE(parent_id, id) FROM cal_event WHERE tenant_id = ? AND"
                + " calendar_id = ? AND updated_at > ?")
        .params(tenantId, calendarId, ts(since))
        .query(UUID.class)
        .list();
  }

  public List<String> deletedSince(UUID tenantId, UUID calendarId, Instant since) {
    return jdbc.sql(
            "SELECT DISTINCT href FROM cal_tombstone WHERE tenant_id = ? AND calendar_id = ? AND"
                + " deleted_at > ?")
        .params(tenantId, calendarId, ts(since))
        .query(String.class)
        .list();
  }

  /** The latest change of a calendar's events (for its CTag), or null when it has none. */
  public @Nullable Instant lastChange(UUID tenantId, UUID calendarId) {
    Instant a =
        jdbc.sql(
                "SELECT MAX(updated_at) AS last_change FROM cal_event WHERE tenant_id = ? AND"
                    + " calendar_id = ?")
            .params(tenantId, calendarId)
            .query((rs, i) -> Jdbc.instant(rs, "last_change"))
            .optional()
            .orElse(null);
    return a;
  }

  // ---- helpers --------------------------------------------------------------------------------

  static String marks(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  private static List<Instant> instants(@Nullable String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(text.split(",")).map(Instant::parse).toList();
  }

  private static List<Integer> ints(@Nullable String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(text.split(",")).map(Integer::valueOf).toList();
  }

  private static List<UUID> uuids(@Nullable String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(text.split(",")).map(UUID::fromString).toList();
  }

  private static String join(List<Instant> list) {
    return String.join(",", list.stream().map(Instant::toString).toList());
  }

  private static String joinInts(List<Integer> list) {
    return String.join(",", list.stream().map(String::valueOf).toList());
  }

  private static String joinUuids(List<UUID> list) {
    return String.join(",", list.stream().map(UUID::toString).toList());
  }

  static @Nullable UUID uuidOrNull(ResultSet rs, String c) throws SQLException {
    return rs.getObject(c, UUID.class);
  }
}
