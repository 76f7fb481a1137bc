package dev.musubi.messaging.web;

import dev.musubi.messaging.Attachment;
import dev.musubi.messaging.Bots;
import dev.musubi.messaging.Message;
import dev.musubi.messaging.Messages;
import dev.musubi.messaging.Room;
import dev.musubi.platform.Ids;
import dev.musubi.platform.web.MultipartReader;
import dev.musubi.platform.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
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

  /** Text (with files), buttons or a link card into a room the bot is in. */
  @PostMapping("/bot/v1/rooms/{roomId}/messages")
  ResponseEntity<Message> post(
      @RequestHeader(name = "Authorization", required = false) @Nullable String auth,
      @PathVariable String roomId,
      @RequestBody(required = false) Bots.@Nullable BotMessage b) {
    String token = token(auth);
    bots.authenticate(token);
    return answer(bots.post(token, id(roomId), b));
  }

  /** Recalls one of the bot's own messages (within the company's recall window). */
  @PostMapping("/bot/v1/rooms/{roomId}/messages/{messageId}/recall")
  Message recall(
      @RequestHeader(name = "Authorization", required = false) @Nullable String auth,
      @PathVariable String roomId,
      @PathVariable String messageId) {
    String token = token(auth);
    bots.authenticate(token);
    return bots.recall(token, id(roomId), id(messageId));
  }

  /** A message to a member, in the bot's room with them (created on first use). */
  @PostMapping("/bot/v1/members/{memberId}/messages")
  ResponseEntity<Message> postToMember(
      @RequestHeader(name = "Authorization", required = false) @Nullable String auth,
      @PathVariable String memberId,
      @RequestBody(required = false) Bots.@Nullable BotMessage b) {
    String token = token(auth);
    bots.authenticate(token);
    return answer(bots.postToMember(token, id(memberId), b));
  }

  /**
   * Uploads a file for a later message: the request body is the file ({@code ?name=} its name,
   * Content-Type its type), or {@code multipart/form-data} with one {@code file} part. Streamed to
   * the blob store under the company's limits.
   */
  @PostMapping("/bot/v1/rooms/{roomId}/attachments")
  ResponseEntity<Attachment> upload(
      @RequestHeader(name = "Authorization", required = false) @Nullable String auth,
      @PathVariable String roomId,
      HttpServletRequest request)
      throws IOException {
    // The name is read from the query string itself: asking the container for a parameter would
    // make it parse a multipart body before we stream it.
    String name = queryParam(request.getQueryString(), "name");
    String token = token(auth);
    bots.authenticate(token);
    UUID room = id(roomId);
    String type = request.getContentType();
    long length = request.getContentLengthLong();
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
      String boundary = MultipartReader.boundary(type);
      if (boundary == null) {
        throw Problems.invalid(
            "file", "multipart", "Send the file as multipart/form-data in the field 'file'.");
      }
      try (InputStream in = request.getInputStream()) {
        MultipartReader reader = new MultipartReader(in, boundary);
        MultipartReader.Part part;
        while ((part = reader.next()) != null) {
          if (part.name().equals("file") && part.filename() != null) {
            // The body's length bounds the file's; the blob store enforces the exact limit.
            Attachment a =
                bots.upload(
                    token,
                    room,
                    part.filename(),
                    part.contentType(),
                    length == -1 ? -1 : Math.max(0, length - 8192),
                    part.body());
            return ResponseEntity.status(HttpStatus.CREATED).body(a);
          }
        }
      } catch (MultipartReader.MalformedException e) {
        throw Problems.invalid("file", "multipart", "The multipart body is malformed.");
      }
      throw Problems.invalid("file", "required", "Required: a file in the field 'file'.");
    }
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form")) {
      throw Problems.invalid(
          "file", "form", "Send the file as the body, or as multipart/form-data in 'file'.");
    }
    try (InputStream body = request.getInputStream()) {
      return ResponseEntity.status(HttpStatus.CREATED)
          .body(bots.upload(token, room, name, type, length, body));
    }
  }

  @PostMapping("/hooks/talk/{secret}")
  ResponseEntity<Message> hook(
      @PathVariable String secret, @RequestBody(required = false) @Nullable PostRequest b) {
    Messages.Sent sent = bots.postByWebhook(secret, b == null ? null : b.text());
    return ResponseEntity.status(HttpStatus.CREATED).body(sent.message());
  }

  private static @Nullable String queryParam(@Nullable String query, String key) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      if (k.equals(key)) {
        try {
          return URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw Problems.invalid("name", "invalid", "The name is not well-formed.");
        }
      }
    }
    return null;
  }

  private static ResponseEntity<Message> answer(Messages.Sent sent) {
    return ResponseEntity.status(sent.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(sent.message());
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
