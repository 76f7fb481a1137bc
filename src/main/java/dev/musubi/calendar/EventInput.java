package dev.musubi.calendar;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a create or update of an event may set; on update, null fields keep their value.
 *
 * @param start for timed events a local date-time in {@code timeZone} ({@code 2026-03-09T09:00}) or
 *     an instant with offset; for all-day events a date
 * @param end exclusive end, in the same form as {@code start}
 * @param rrule an RFC 5545 RRULE value, or "" to remove the recurrence
 * @param visibility public, private or busy
 * @param reminders minutes before the start (shown in the web client)
 * @param emailReminders minutes before the start at which a reminder mail is sent
 * @param facilityId a facility to book for every occurrence, or "" to release it
 * @param attachments the event's attachments in order (at most 20), replacing the earlier ones
 * @param transparency RFC 5545 TRANSP: OPAQUE (the time is busy, the default) or TRANSPARENT (shown
 *     as free)
 * @param status RFC 5545 STATUS: CONFIRMED (the default), TENTATIVE or CANCELLED
 */
public record EventInput(
    @Nullable String title,
    @Nullable String location,
    @Nullable String description,
    @Nullable Boolean allDay,
    @Nullable String timeZone,
    @Nullable String start,
    @Nullable String end,
    @Nullable String rrule,
    @Nullable List<String> exdates,
    @Nullable List<String> rdates,
    @Nullable String visibility,
    @Nullable List<Integer> reminders,
    @Nullable List<AttendeeInput> attendees,
    @Nullable String facilityId,
    @Nullable List<Integer> emailReminders,
    @Nullable List<AttachmentInput> attachments,
    @Nullable String transparency,
    @Nullable String status) {

  /** An attendee: a member of the company by ID, or an outside e-mail address. */
  public record AttendeeInput(
      @Nullable String memberId,
      @Nullable String email,
      @Nullable String name,
      @Nullable Boolean required) {}

  /**
   * An attachment: a Drive file by its ID (the caller must be able to read it, unless it is already
   * attached), or a link (an http or https URL with a file name, as CalDAV clients send them).
   */
  public record AttachmentInput(
      @Nullable String fileId, @Nullable String url, @Nullable String name) {}

  /** The same input with other attendees. */
  public EventInput withAttendees(@Nullable List<AttendeeInput> list) {
    return with(list, attachments, transparency, status);
  }

  /** The same input with other attachments. */
  public EventInput withAttachments(@Nullable List<AttachmentInput> list) {
    return with(attendees, list, transparency, status);
  }

  /** The same input with another transparency and status (null keeps the stored ones). */
  public EventInput withShowAs(@Nullable String transparency, @Nullable String status) {
    return with(attendees, attachments, transparency, status);
  }

  private EventInput with(
      @Nullable List<AttendeeInput> attendees,
      @Nullable List<AttachmentInput> attachments,
      @Nullable String transparency,
      @Nullable String status) {
    return new EventInput(
        title,
        location,
        description,
        allDay,
        timeZone,
        start,
        end,
        rrule,
        exdates,
        rdates,
        visibility,
        reminders,
        attendees,
        facilityId,
        emailReminders,
        attachments,
        transparency,
        status);
  }

  public EventInput(
      @Nullable String title,
      @Nullable String location,
      @Nullable String description,
      @Nullable Boolean allDay,
      @Nullable String timeZone,
      @Nullable String start,
      @Nullable String end,
      @Nullable String rrule,
      @Nullable List<String> exdates,
      @Nullable List<String> rdates,
      @Nullable String visibility,
      @Nullable List<Integer> reminders,
      @Nullable List<AttendeeInput> attendees,
      @Nullable String facilityId,
      @Nullable List<Integer> emailReminders) {
    this(
        title,
        location,
        description,
        allDay,
        timeZone,
        start,
        end,
        rrule,
        exdates,
        rdates,
        visibility,
        reminders,
        attendees,
        facilityId,
        emailReminders,
        null,
        null,
        null);
  }

  public static EventInput empty() {
    return new EventInput(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null);
  }
}
