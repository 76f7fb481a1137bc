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
 * @param attachments the files attached to it (Drive files open at {@code
 *     /api/v1/events/{id}/attachments/{fileId}}) and links
 * @param transparency OPAQUE (busy, the default) or TRANSPARENT (shown as free)
 * @param status CONFIRMED (the default), TENTATIVE or CANCELLED
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
    List<OccurrenceAnswer> occurrenceAnswers,
    List<Attachment> attachments,
    String transparency,
    String status) {

  /**
   * A file attached to the event: a Drive file ({@code fileId}, its name, size and type as when it
   * was attached) or a link ({@code url}).
   */
  public record Attachment(
      @Nullable UUID fileId, @Nullable String url, String name, long size, String contentType) {}

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
