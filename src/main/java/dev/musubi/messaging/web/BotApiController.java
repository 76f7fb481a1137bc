package dev.musubi.messaging.web;

import dev.musubi.messaging.Bots;
import dev.musubi.messaging.Message;
import dev.musubi.messaging.Messages;
import dev.musubi.messaging.Room;
import dev.musubi.platform.Ids;
import dev.musubi.platform.web.Problems;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The bot API ({@code /bot/v1}, header {@code Authorization: Bot <token>}) and incoming webhooks
 * ({@code POST /hooks/talk/<secret>}). Neither uses a member session: the token or the secret is
 * the credential.
 */
@RestController
class BotApiController {

  record PostRequest(@Nullable String text, @Nullable String idempotencyKey) {}

  private final Bots bots;

  BotApiController(Bots bots) {
    this.bots = bots;
  }

  @GetMapping("/bot/v1/me")
  Bots.Bot me(@RequestHeader(name = "Authorization", required = false) @Nullable String auth) {
    return bots.authenticate(token(auth));
  }

  @GetMapping("/bot/v1/rooms/{roomId}")
  Room.Summary room(
      @RequestHeader(name = "Authorization", required = false) @Nullable String auth,
      @PathVariable String roomId) {
    String token = token(auth);
    bots.authenticate(token);
    return bots.roomInfo(token, id(roomId));
  }

  @PostMapping("/bot/v1/rooms/{roomId}/messages")
  ResponseEntity<Message> post(
      @RequestHeader(name = "Authorization", required = false) @Nullable String auth,
      @PathVariable String roomId,
      @RequestBody(required = false) @Nullable PostRequest b) {
    String token = token(auth);
    bots.authenticate(token);
    Messages.Sent sent =
        bots.post(
            token, id(roomId), b == null ? null : b.text(), b == null ? null : b.idempotencyKey());
    return ResponseEntity.status(sent.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(sent.message());
  }

  @PostMapping("/hooks/talk/{secret}")
  ResponseEntity<Message> hook(
      @PathVariable String secret, @RequestBody(required = false) @Nullable PostRequest b) {
    Messages.Sent sent = bots.postByWebhook(secret, b == null ? null : b.text());
    return ResponseEntity.status(HttpStatus.CREATED).body(sent.message());
  }

  private static @Nullable String token(@Nullable String auth) {
    if (auth == null || !auth.regionMatches(true, 0, "Bot ", 0, 4)) {
      throw Problems.unauthenticated();
    }
    return auth.substring(4).strip();
  }

  private static UUID id(String text) {
    UUID id = Ids.parseOrNull(text);
    if (id == null) {
      throw Problems.notFound();
    }
    return id;
  }
}
