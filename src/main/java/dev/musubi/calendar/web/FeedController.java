package dev.musubi.calendar.web;

import dev.musubi.calendar.CalendarFiles;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /ical/{token}.ics}: a calendar's secret, read-only subscription feed. The token is the
 * only credential; unknown or revoked tokens answer 404 with no body.
 */
@RestController
class FeedController {

  private final CalendarFiles files;

  FeedController(CalendarFiles files) {
    this.files = files;
  }

  @GetMapping("/ical/{token}.ics")
  ResponseEntity<String> feed(@PathVariable String token) {
    String ics = files.feed(token);
    if (ics == null) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND).build();
    }
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType("text/calendar;charset=UTF-8"))
        .header("Cache-Control", "private, max-age=300")
        .body(ics);
  }
}
