package dev.musubi.messaging.web;

import dev.musubi.messaging.Messages;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.web.Problems;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/search/messages}: full-text search over the caller's rooms. */
@RestController
class SearchController {

  private final Messages messages;

  SearchController(Messages messages) {
    this.messages = messages;
  }

  @GetMapping("/api/v1/search/messages")
  Map<String, List<Messages.Hit>> search(
      @RequestParam(required = false) @Nullable String q,
      @RequestParam(required = false) @Nullable String room,
      @RequestParam(required = false) @Nullable String sender,
      @RequestParam(required = false) @Nullable String after,
      @RequestParam(required = false) @Nullable String before) {
    var actor = CurrentMember.get();
    UUID roomId = null;
    if (room != null && !room.isEmpty()) {
      roomId = Ids.parseOrNull(room);
      if (roomId == null) {
        throw Problems.notFound();
      }
    }
    UUID senderId = null;
    if (sender != null && !sender.isEmpty()) {
      senderId = Ids.parseOrNull(sender);
      if (senderId == null) {
        throw Problems.invalid("sender", "invalid", "A member ID.");
      }
    }
    return Map.of(
        "hits",
        messages.search(
            actor, q, roomId, senderId, instant("after", after), instant("before", before)));
  }

  private static @Nullable Instant instant(String field, @Nullable String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw Problems.invalid(field, "invalid", "An ISO-8601 instant, e.g. 2026-04-01T00:00:00Z.");
    }
  }
}
