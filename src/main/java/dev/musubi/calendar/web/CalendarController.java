package dev.musubi.calendar.web;

import dev.musubi.calendar.CalendarFiles;
import dev.musubi.calendar.Calendars;
import dev.musubi.calendar.Calendars.CalendarInfo;
import dev.musubi.calendar.Calendars.CalendarInput;
import dev.musubi.calendar.Calendars.Share;
import dev.musubi.calendar.EventDetail;
import dev.musubi.calendar.EventInput;
import dev.musubi.calendar.Events;
import dev.musubi.calendar.Facilities;
import dev.musubi.calendar.Facilities.Booking;
import dev.musubi.calendar.Facilities.Facility;
import dev.musubi.calendar.Facilities.FacilityInput;
import dev.musubi.calendar.Occurrence;
import dev.musubi.drive.Drives;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.web.ByteRanges;
import dev.musubi.platform.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/calendars}, {@code /api/v1/events}, {@code /api/v1/freebusy} and {@code
 * /api/v1/facilities}: the calendar API. IDs that are not UUIDs answer 404 like unknown ones.
 */
@RestController
@RequestMapping("/api/v1")
class CalendarController {

  record SharesRequest(@Nullable List<Share> shares) {}

  record ReplyRequest(@Nullable String status, @Nullable String occurrence) {}

  private final Calendars calendars;
  private final Events events;
  private final Facilities facilities;
  private final CalendarFiles files;
  private final Drives drives;

  CalendarController(
      Calendars calendars,
      Events events,
      Facilities facilities,
      CalendarFiles files,
      Drives drives) {
    this.drives = drives;
    this.calendars = calendars;
    this.events = events;
    this.facilities = facilities;
    this.files = files;
  }

  // ---- calendars -----------------------------------------------------------------------------

  @GetMapping("/calendars")
  List<CalendarInfo> calendars() {
    return calendars.list(CurrentMember.get());
  }

  @PostMapping("/calendars")
  ResponseEntity<CalendarInfo> create(@RequestBody(required = false) @Nullable CalendarInput in) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(calendars.create(CurrentMember.get(), orEmpty(in)));
  }

  @GetMapping("/calendars/{calendarId}")
  CalendarInfo calendar(@PathVariable String calendarId) {
    return calendars.get(CurrentMember.get(), id(calendarId));
  }

  @PatchMapping("/calendars/{calendarId}")
  CalendarInfo update(
      @PathVariable String calendarId, @RequestBody(required = false) @Nullable CalendarInput in) {
    return calendars.update(CurrentMember.get(), id(calendarId), orEmpty(in));
  }

  @DeleteMapping("/calendars/{calendarId}")
  ResponseEntity<Void> delete(@PathVariable String calendarId) {
    calendars.delete(CurrentMember.get(), id(calendarId));
    return ResponseEntity.noContent().build();
  }

  @PutMapping("/calendars/{calendarId}/shares")
  CalendarInfo share(
      @PathVariable String calendarId, @RequestBody(required = false) @Nullable SharesRequest b) {
    return calendars.share(CurrentMember.get(), id(calendarId), b == null ? null : b.shares());
  }

  @PutMapping("/calendars/{calendarId}/subscription")
  CalendarInfo subscribe(@PathVariable String calendarId) {
    return calendars.subscribe(CurrentMember.get(), id(calendarId));
  }

  @DeleteMapping("/calendars/{calendarId}/subscription")
  ResponseEntity<Void> unsubscribe(@PathVariable String calendarId) {
    calendars.unsubscribe(CurrentMember.get(), id(calendarId));
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/calendars/{calendarId}/feed")
  ResponseEntity<Map<String, String>> createFeed(@PathVariable String calendarId) {
    String token = calendars.createFeed(CurrentMember.get(), id(calendarId));
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(Map.of("token", token, "path", "/ical/" + token + ".ics"));
  }

  @DeleteMapping("/calendars/{calendarId}/feed")
  ResponseEntity<Void> revokeFeed(@PathVariable String calendarId) {
    calendars.revokeFeed(CurrentMember.get(), id(calendarId));
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/calendars/{calendarId}/export")
  ResponseEntity<String> export(@PathVariable String calendarId) {
    String ics = files.export(CurrentMember.get(), id(calendarId));
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType("text/calendar;charset=UTF-8"))
        .header("Content-Disposition", "attachment; filename=\"calendar.ics\"")
        .body(ics);
  }

  @PostMapping(value = "/calendars/{calendarId}/import")
  ResponseEntity<CalendarFiles.Imported> importFile(
      @PathVariable String calendarId, @RequestBody(required = false) @Nullable String body) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(files.importFile(CurrentMember.get(), id(calendarId), body));
  }

  @GetMapping("/calendars/{calendarId}/events")
  List<Occurrence> occurrences(
      @PathVariable String calendarId,
      @RequestParam(required = false) @Nullable String from,
      @RequestParam(required = false) @Nullable String to) {
    return events.occurrences(CurrentMember.get(), id(calendarId), from, to);
  }

  @PostMapping("/calendars/{calendarId}/events")
  ResponseEntity<EventDetail> createEvent(
      @PathVariable String calendarId, @RequestBody(required = false) @Nullable EventInput in) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(events.create(CurrentMember.get(), id(calendarId), in));
  }

  // ---- events --------------------------------------------------------------------------------

  // Not /events: that path is the realtime socket (messaging).
  @GetMapping("/agenda")
  List<Occurrence> agenda(
      @RequestParam(required = false) @Nullable String from,
      @RequestParam(required = false) @Nullable String to,
      @RequestParam(required = false) @Nullable String calendars) {
    return events.agenda(CurrentMember.get(), from, to, split(calendars));
  }

  @GetMapping("/events/{eventId}")
  EventDetail event(
      @PathVariable String eventId, @RequestParam(required = false) @Nullable String occurrence) {
    return events.get(CurrentMember.get(), id(eventId), occurrence);
  }

  @PatchMapping("/events/{eventId}")
  EventDetail updateEvent(
      @PathVariable String eventId,
      @RequestParam(required = false) @Nullable String scope,
      @RequestParam(required = false) @Nullable String occurrence,
      @RequestBody(required = false) @Nullable EventInput in) {
    return events.update(CurrentMember.get(), id(eventId), scope, occurrence, in);
  }

  @DeleteMapping("/events/{eventId}")
  ResponseEntity<Void> deleteEvent(
      @PathVariable String eventId,
      @RequestParam(required = false) @Nullable String scope,
      @RequestParam(required = false) @Nullable String occurrence) {
    events.delete(CurrentMember.get(), id(eventId), scope, occurrence);
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/events/{eventId}/reply")
  EventDetail reply(
      @PathVariable String eventId,
      @RequestParam(required = false) @Nullable String occurrence,
      @RequestBody(required = false) @Nullable ReplyRequest b) {
    // The occurrence may come as a query parameter, as for PATCH and DELETE, or in the body.
    String at = occurrence != null ? occurrence : b == null ? null : b.occurrence();
    return events.reply(CurrentMember.get(), id(eventId), b == null ? null : b.status(), at);
  }

  /** Types a browser shows but never runs; anything else goes out as octet-stream. */
  private static final Set<String> PASSIVE =
      Set.of(
          "image/png",
          "image/jpeg",
          "image/gif",
          "image/webp",
          "application/pdf",
          "text/plain",
          "application/zip",
          "application/octet-stream");

  /**
   * A Drive file attached to an event, streamed from the drive for anyone who may see the event's
   * details: always as an attachment, {@code nosniff}, sandboxed, with byte ranges and ETag.
   */
  @GetMapping("/events/{eventId}/attachments/{fileId}")
  void attachment(
      @PathVariable String eventId,
      @PathVariable String fileId,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    Drives.Download d = events.openAttachment(CurrentMember.get(), id(eventId), id(fileId));
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader(
        "Content-Security-Policy", "default-src 'none'; sandbox; frame-ancestors 'none'");
    if (ByteRanges.notModified(request, response, d.etag())) {
      return;
    }
    response.setHeader("Content-Disposition", disposition(d.name()));
    response.setContentType(
        PASSIVE.contains(d.contentType()) ? d.contentType() : "application/octet-stream");
    ByteRanges.send(request, response, d.size(), d.etag(), offset -> drives.open(d, offset));
  }

  /** {@code attachment} with an ASCII fallback name and the UTF-8 name (RFC 6266, RFC 8187). */
  static String disposition(String name) {
    StringBuilder ascii = new StringBuilder();
    for (char c : name.toCharArray()) {
      ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ';' ? c : '_');
    }
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }

  // ---- free/busy -----------------------------------------------------------------------------

  @GetMapping("/freebusy")
  Map<UUID, List<Events.Busy>> freeBusy(
      @RequestParam(required = false) @Nullable String members,
      @RequestParam(required = false) @Nullable String from,
      @RequestParam(required = false) @Nullable String to) {
    return events.freeBusy(CurrentMember.get(), split(members), from, to);
  }

  @GetMapping("/freebusy/slots")
  List<Events.Slot> findTime(
      @RequestParam(required = false) @Nullable String members,
      @RequestParam(required = false) @Nullable String facility,
      @RequestParam(required = false) @Nullable String from,
      @RequestParam(required = false) @Nullable String to,
      @RequestParam(required = false) @Nullable Integer minutes,
      @RequestParam(required = false) @Nullable String dayStart,
      @RequestParam(required = false) @Nullable String dayEnd,
      @RequestParam(required = false) @Nullable String timeZone) {
    return events.findTime(
        CurrentMember.get(),
        split(members),
        facility,
        from,
        to,
        minutes,
        dayStart,
        dayEnd,
        timeZone);
  }

  // ---- facilities ----------------------------------------------------------------------------

  @GetMapping("/facilities")
  List<Facility> facilities() {
    return facilities.list(CurrentMember.get());
  }

  @PostMapping("/facilities")
  ResponseEntity<Facility> createFacility(
      @RequestBody(required = false) @Nullable FacilityInput in) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(facilities.create(CurrentMember.get(), orEmpty(in)));
  }

  @GetMapping("/facilities/{facilityId}")
  Facility facility(@PathVariable String facilityId) {
    return facilities.get(CurrentMember.get(), id(facilityId));
  }

  @PatchMapping("/facilities/{facilityId}")
  Facility updateFacility(
      @PathVariable String facilityId, @RequestBody(required = false) @Nullable FacilityInput in) {
    return facilities.update(CurrentMember.get(), id(facilityId), orEmpty(in));
  }

  @DeleteMapping("/facilities/{facilityId}")
  ResponseEntity<Void> deleteFacility(@PathVariable String facilityId) {
    facilities.delete(CurrentMember.get(), id(facilityId));
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/facilities/{facilityId}/bookings")
  List<Booking> bookings(
      @PathVariable String facilityId,
      @RequestParam(required = false) @Nullable String from,
      @RequestParam(required = false) @Nullable String to) {
    return facilities.bookings(CurrentMember.get(), id(facilityId), from, to);
  }

  @PostMapping("/facilities/{facilityId}/bookings/{bookingId}/approve")
  Booking approve(@PathVariable String facilityId, @PathVariable String bookingId) {
    return facilities.decide(CurrentMember.get(), id(facilityId), id(bookingId), true);
  }

  @PostMapping("/facilities/{facilityId}/bookings/{bookingId}/reject")
  Booking reject(@PathVariable String facilityId, @PathVariable String bookingId) {
    return facilities.decide(CurrentMember.get(), id(facilityId), id(bookingId), false);
  }

  // ------------------------------------------------------------------------------------------

  private static CalendarInput orEmpty(@Nullable CalendarInput in) {
    return in == null ? new CalendarInput(null, null, null, null) : in;
  }

  private static FacilityInput orEmpty(@Nullable FacilityInput in) {
    return in == null
        ? new FacilityInput(null, null, null, null, null, null, null, null, null, null)
        : in;
  }

  private static @Nullable List<String> split(@Nullable String csv) {
    if (csv == null || csv.isBlank()) {
      return null;
    }
    String[] parts = csv.split(",");
    if (parts.length > 1000) {
      throw Problems.invalid("members", "too_many", "Too many IDs.");
    }
    return Arrays.stream(parts).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static UUID id(String text) {
    UUID id = Ids.parseOrNull(text);
    if (id == null) {
      throw Problems.notFound();
    }
    return id;
  }
}
