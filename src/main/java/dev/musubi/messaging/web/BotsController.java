package dev.musubi.messaging.web;

import dev.musubi.messaging.Bots;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** Bots for admins ({@code /api/v1/admin/talk-bots}) and bots and webhooks of a room. */
@RestController
class BotsController {

  record BotRequest(@Nullable String name, @Nullable String callbackUrl) {}

  record RoomBotRequest(@Nullable String bot) {}

  record WebhookRequest(@Nullable String name) {}

  record PostbackRequest(@Nullable Integer button) {}

  private final Bots bots;

  BotsController(Bots bots) {
    this.bots = bots;
  }

  @PostMapping("/api/v1/admin/talk-bots")
  ResponseEntity<Bots.Registered> register(@RequestBody(required = false) @Nullable BotRequest b) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(
            bots.register(
                CurrentMember.get(),
                b == null ? null : b.name(),
                b == null ? null : b.callbackUrl()));
  }

  @GetMapping("/api/v1/admin/talk-bots")
  List<Bots.Bot> list() {
    return bots.list(CurrentMember.get());
  }

  @DeleteMapping("/api/v1/admin/talk-bots/{botId}")
  ResponseEntity<Void> delete(@PathVariable String botId) {
    var actor = CurrentMember.get();
    UUID id = Ids.parseOrNull(botId);
    if (id == null) {
      bots.list(actor); // 403 for non-admins first
      throw Problems.notFound();
    }
    bots.delete(actor, id);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/api/v1/admin/talk-bots/{botId}/deliveries")
  List<Bots.Delivery> deliveries(@PathVariable String botId) {
    var actor = CurrentMember.get();
    UUID id = Ids.parseOrNull(botId);
    if (id == null) {
      bots.list(actor);
      throw Problems.notFound();
    }
    return bots.deliveries(actor, id);
  }

  /** Sets the bot's icon from the request body (a JPEG, PNG or GIF image). */
  @PutMapping("/api/v1/admin/talk-bots/{botId}/icon")
  Bots.Bot setIcon(@PathVariable String botId, HttpServletRequest request) throws IOException {
    var actor = CurrentMember.get();
    UUID id = Ids.parseOrNull(botId);
    if (id == null) {
      bots.list(actor);
      throw Problems.notFound();
    }
    try (InputStream in = request.getInputStream()) {
      return bots.setIcon(actor, id, request.getContentLengthLong(), in);
    }
  }

  @DeleteMapping("/api/v1/admin/talk-bots/{botId}/icon")
  ResponseEntity<Void> removeIcon(@PathVariable String botId) {
    var actor = CurrentMember.get();
    UUID id = Ids.parseOrNull(botId);
    if (id == null) {
      bots.list(actor);
      throw Problems.notFound();
    }
    bots.removeIcon(actor, id);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/api/v1/admin/talk-bots/{botId}/icon")
  ResponseEntity<byte[]> adminIcon(
      @PathVariable String botId,
      @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false)
          @Nullable String ifNoneMatch) {
    var actor = CurrentMember.get();
    UUID id = Ids.parseOrNull(botId);
    bots.list(actor); // admins only
    if (id == null) {
      throw Problems.notFound();
    }
    return icon(bots.icon(actor, id), ifNoneMatch);
  }

  /** The company's bots, for room owners who add one to a room. */
  @GetMapping("/api/v1/talk/bots")
  List<Bots.BotCard> directory() {
    return bots.directory(CurrentMember.get());
  }

  /** A bot's icon for members of its company (shown beside its messages and its room). */
  @GetMapping("/api/v1/talk/bots/{botId}/icon")
  ResponseEntity<byte[]> memberIcon(
      @PathVariable String botId,
      @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false)
          @Nullable String ifNoneMatch) {
    return icon(bots.icon(CurrentMember.get(), id(botId)), ifNoneMatch);
  }

  /** A member pressed a postback button of a bot's message; the bot hears of it. */
  @PostMapping("/api/v1/rooms/{roomId}/messages/{messageId}/postback")
  ResponseEntity<Void> postback(
      @PathVariable String roomId,
      @PathVariable String messageId,
      @RequestBody(required = false) @Nullable PostbackRequest b) {
    bots.postback(CurrentMember.get(), id(roomId), id(messageId), b == null ? null : b.button());
    return ResponseEntity.accepted().build();
  }

  private static ResponseEntity<byte[]> icon(Bots.Icon icon, @Nullable String ifNoneMatch) {
    String etag = "\"" + icon.sha256() + "\"";
    boolean unchanged =
        ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.strip().equals("*"));
    ResponseEntity.BodyBuilder answer =
        (unchanged ? ResponseEntity.status(HttpStatus.NOT_MODIFIED) : ResponseEntity.ok())
            .eTag(etag)
            .cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePrivate())
            .header("X-Content-Type-Options", "nosniff")
            .header(HttpHeaders.CONTENT_DISPOSITION, "inline");
    return unchanged ? answer.build() : answer.contentType(MediaType.IMAGE_PNG).body(icon.png());
  }

  @GetMapping("/api/v1/rooms/{roomId}/bots")
  List<Bots.BotCard> roomBots(@PathVariable String roomId) {
    return bots.inRoom(CurrentMember.get(), id(roomId));
  }

  @PostMapping("/api/v1/rooms/{roomId}/bots")
  List<Bots.BotCard> addBot(
      @PathVariable String roomId, @RequestBody(required = false) @Nullable RoomBotRequest b) {
    UUID bot = b == null || b.bot() == null ? null : Ids.parseOrNull(b.bot());
    return bots.addToRoom(CurrentMember.get(), id(roomId), bot);
  }

  @DeleteMapping("/api/v1/rooms/{roomId}/bots/{botId}")
  ResponseEntity<Void> removeBot(@PathVariable String roomId, @PathVariable String botId) {
    var actor = CurrentMember.get();
    UUID room = id(roomId);
    UUID bot = Ids.parseOrNull(botId);
    if (bot == null) {
      bots.inRoom(actor, room);
      throw Problems.notFound();
    }
    bots.removeFromRoom(actor, room, bot);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/api/v1/rooms/{roomId}/webhooks")
  List<Bots.Webhook> webhooks(@PathVariable String roomId) {
    return bots.webhooks(CurrentMember.get(), id(roomId));
  }

  @PostMapping("/api/v1/rooms/{roomId}/webhooks")
  ResponseEntity<Bots.Webhook> createWebhook(
      @PathVariable String roomId, @RequestBody(required = false) @Nullable WebhookRequest b) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(bots.createWebhook(CurrentMember.get(), id(roomId), b == null ? null : b.name()));
  }

  @DeleteMapping("/api/v1/rooms/{roomId}/webhooks/{webhookId}")
  ResponseEntity<Void> deleteWebhook(@PathVariable String roomId, @PathVariable String webhookId) {
    var actor = CurrentMember.get();
    UUID room = id(roomId);
    UUID hook = Ids.parseOrNull(webhookId);
    if (hook == null) {
      bots.webhooks(actor, room);
      throw Problems.notFound();
    }
    bots.deleteWebhook(actor, room, hook);
    return ResponseEntity.noContent().build();
  }

  private static UUID id(String text) {
    UUID id = Ids.parseOrNull(text);
    if (id == null) {
      throw Problems.notFound();
    }
    return id;
  }
}
