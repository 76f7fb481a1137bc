package dev.musubi.calendar;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One occurrence in a window as the viewer may see it: with free/busy access, or for a private or
 * "busy" event of someone else, only the times ({@code busyOnly}, no title).
 *
 * @param eventId the event (for a series: the master), null for a public holiday
 * @param recurrenceId the occurrence's original start, for occurrences of a series
 * @param startDate for all-day occurrences, the first day
 * @param endDate for all-day occurrences, the day after the last
 * @param invitation whether it shows because the viewer is invited
 * @param myStatus the viewer's answer when invited
 * @param reminders minutes before the start at which the web client reminds the viewer: the event's
 *     reminders when the viewer organises it or is invited and has not declined, else none
 * @param transparency OPAQUE (busy) or TRANSPARENT (shown as free)
 * @param status CONFIRMED, TENTATIVE or CANCELLED
 */
public record Occurrence(
    @Nullable UUID eventId,
    UUID calendarId,
    @Nullable String recurrenceId,
    Instant start,
    Instant end,
    boolean allDay,
    @Nullable String startDate,
    @Nullable String endDate,
    @Nullable String title,
    @Nullable String location,
    String visibility,
    boolean recurring,
    boolean busyOnly,
    boolean invitation,
    @Nullable String myStatus,
    @Nullable UUID facilityId,
    String timeZone,
    List<Integer> reminders,
    String transparency,
    String status) {}
