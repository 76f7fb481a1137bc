package dev.musubi.calendar;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An event (a single event, a series master or an overridden occurrence) with everything its viewer
 * may see. {@code start} and {@code end} are local to {@code timeZone} (dates for all-day).
 *
 * @param occurrence when read for one occurrence of a series, its original start: {@code attendees}
 *     and {@code myStatus} then show the answers for that occurrence
 * @param occurrenceAnswers the answers given for single occurrences of the series (each takes the
 *     place of that attendee's series answer for that occurrence)
 */
public record EventDetail(
    UUID id,
    UUID calendarId,
    String uid,
    @Nullable UUID parentId,
    @Nullable Instant recurrenceId,
    String title,
    String location,
    String description,
    boolean allDay,
    String timeZone,
    String start,
    String end,
    Instant startAt,
    Instant endAt,
    @Nullable String rrule,
    List<Instant> exdates,
    List<Instant> rdates,
    String visibility,
    List<Integer> reminders,
    @Nullable UUID organizerId,
    List<Attendee> attendees,
    @Nullable UUID facilityId,
    @Nullable String bookingStatus,
    int sequence,
    String etag,
    boolean canEdit,
    @Nullable String myStatus,
    List<Integer> emailReminders,
    @Nullable Instant occurrence,
    List<OccurrenceAnswer> occurrenceAnswers) {

  /** An attendee and their answer: needs-action, accepted, tentative or declined. */
  public record Attendee(
      @Nullable UUID memberId,
      @Nullable String email,
      String name,
      String status,
      boolean required) {}

  /** An attendee's answer for one occurrence: a member's ID or an outside address. */
  public record OccurrenceAnswer(
      Instant occurrence, @Nullable UUID memberId, @Nullable String email, String status) {}
}
