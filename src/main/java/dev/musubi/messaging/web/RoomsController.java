package dev.musubi.messaging.web;

import dev.musubi.messaging.Message;
import dev.musubi.messaging.Messages;
import dev.musubi.messaging.Room;
import dev.musubi.messaging.Rooms;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.web.Problems;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
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

/** {@code /api/v1/rooms}: the caller's talk rooms and their messages. */
@RestController
@RequestMapping("/api/v1/rooms")
class RoomsController {

  record RoomRequest(
      @Nullable String type,
      @Nullable String name,
      @Nullable List<String> members,
      @Nullable String department,
      @Nullable Boolean includeSubDepartments,
      @Nullable List<String> groups) {}

  record MembersRequest(@Nullable List<String> members, @Nullable List<String> groups) {}

  record ReadRequest(@Nullable Long upTo) {}

  record MessageRequest(
      @Nullable String text,
      @Nullable String idempotencyKey,
      @Nullable String replyTo,
      @Nullable List<String> mentions,
      @Nullable String sticker,
      @Nullable List<String> attachments) {}

  record ForwardRequest(@Nullable String room, @Nullable String idempotencyKey) {}

  private final Rooms rooms;
  private final Messages messages;

  RoomsController(Rooms rooms, Messages messages) {
    this.rooms = rooms;
    this.messages = messages;
  }

  @GetMapping
  List<Room> list(@RequestParam(required = false, defaultValue = "false") boolean archived) {
    return rooms.list(CurrentMember.get(), archived);
  }

  @GetMapping("/unread")
  Map<String, Long> unread() {
    return Map.of("unread", rooms.unreadTotal(CurrentMember.get()));
  }

  @PostMapping
  ResponseEntity<Room> create(@RequestBody RoomRequest b) {
    UUID department = null;
    if (b.department() != null) {
      department = Ids.parseOrNull(b.department());
      if (department == null) {
        throw Problems.invalid("department", "unknown_department", "No such department.");
      }
    }
    Rooms.Creation c =
        rooms.create(
            CurrentMember.get(),
            b.type(),
            b.name(),
            b.members(),
            department,
            Boolean.TRUE.equals(b.includeSubDepartments()),
            b.groups());
    return ResponseEntity.status(c.created() ? HttpStatus.CREATED : HttpStatus.OK).body(c.room());
  }

  @GetMapping("/{roomId}")
  Room get(@PathVariable String roomId) {
    return rooms.get(CurrentMember.get(), id(roomId));
  }

  @PatchMapping("/{roomId}")
  Room rename(@PathVariable String roomId, @RequestBody(required = false) @Nullable RoomRequest b) {
    return rooms.rename(CurrentMember.get(), id(roomId), b == null ? null : b.name());
  }

  @PostMapping("/{roomId}/members")
  Room addMembers(
      @PathVariable String roomId, @RequestBody(required = false) @Nullable MembersRequest b) {
    return rooms.addMembers(
        CurrentMember.get(),
        id(roomId),
        b == null ? null : b.members(),
        b == null ? null : b.groups());
  }

  @DeleteMapping("/{roomId}/members/{memberId}")
  ResponseEntity<Void> removeMember(@PathVariable String roomId, @PathVariable String memberId) {
    var actor = CurrentMember.get();
    UUID room = id(roomId);
    UUID member = Ids.parseOrNull(memberId);
    if (member == null) {
      rooms.get(actor, room); // 404 for a room the caller cannot see, before anything else
      throw Problems.notFound();
    }
    rooms.removeMember(actor, room, member);
    return ResponseEntity.noContent().build();
  }

  @PutMapping("/{roomId}/owners/{memberId}")
  Room grantOwner(@PathVariable String roomId, @PathVariable String memberId) {
    return setOwner(roomId, memberId, true);
  }

  @DeleteMapping("/{roomId}/owners/{memberId}")
  Room revokeOwner(@PathVariable String roomId, @PathVariable String memberId) {
    return setOwner(roomId, memberId, false);
  }

  private Room setOwner(String roomId, String memberId, boolean owner) {
    var actor = CurrentMember.get();
    UUID room = id(roomId);
    UUID member = Ids.parseOrNull(memberId);
    if (member == null) {
      rooms.get(actor, room); // 404 for a room the caller cannot see, before anything else
      throw Problems.notFound();
    }
    return rooms.setOwner(actor, room, member, owner);
  }

  @PostMapping("/{roomId}/mute")
  Room mute(@PathVariable String roomId) {
    return rooms.setFlag(CurrentMember.get(), id(roomId), "muted", true);
  }

  @PostMapping("/{roomId}/unmute")
  Room unmute(@PathVariable String roomId) {
    return rooms.setFlag(CurrentMember.get(), id(roomId), "muted", false);
  }

  @PostMapping("/{roomId}/pin")
  Room pin(@PathVariable String roomId) {
    return rooms.setFlag(CurrentMember.get(), id(roomId), "pinned", true);
  }

  @PostMapping("/{roomId}/unpin")
  Room unpin(@PathVariable String roomId) {
    return rooms.setFlag(CurrentMember.get(), id(roomId), "pinned", false);
  }

  @PostMapping("/{roomId}/archive")
  Room archive(@PathVariable String roomId) {
    return rooms.setFlag(CurrentMember.get(), id(roomId), "archived", true);
  }

  @PostMapping("/{roomId}/unarchive")
  Room unarchive(@PathVariable String roomId) {
    return rooms.setFlag(CurrentMember.get(), id(roomId), "archived", false);
  }

  @GetMapping("/{roomId}/pins")
  List<Message> pins(@PathVariable String roomId) {
    return messages.pins(CurrentMember.get(), id(roomId));
  }

  @PostMapping("/{roomId}/read")
  Room read(@PathVariable String roomId, @RequestBody(required = false) @Nullable ReadRequest b) {
    return rooms.markRead(CurrentMember.get(), id(roomId), b == null ? null : b.upTo());
  }

  // ---- messages ----------------------------------------------------------------------------

  @GetMapping("/{roomId}/messages")
  List<Message> messages(
      @PathVariable String roomId,
      @RequestParam(required = false) @Nullable Long before,
      @RequestParam(required = false) @Nullable Long after,
      @RequestParam(required = false) @Nullable Integer limit) {
    return messages.page(CurrentMember.get(), id(roomId), before, after, limit);
  }

  @PostMapping("/{roomId}/messages")
  ResponseEntity<Message> send(
      @PathVariable String roomId, @RequestBody(required = false) @Nullable MessageRequest b) {
    var actor = CurrentMember.get();
    UUID room = id(roomId);
    MessageRequest r = b == null ? new MessageRequest(null, null, null, null, null, null) : b;
    UUID replyTo = null;
    if (r.replyTo() != null) {
      replyTo = Ids.parseOrNull(r.replyTo());
      if (replyTo == null) {
        rooms.get(actor, room);
        throw Problems.invalid("replyTo", "unknown_message", "Not a message of this room.");
      }
    }
    Messages.Sent sent =
        messages.send(
            actor,
            room,
            new Messages.NewMessage(
                r.text(), r.idempotencyKey(), replyTo, r.mentions(), r.sticker(), r.attachments()));
    return ResponseEntity.status(sent.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(sent.message());
  }

  @GetMapping("/{roomId}/messages/{messageId}")
  Message message(@PathVariable String roomId, @PathVariable String messageId) {
    return messages.get(CurrentMember.get(), id(roomId), messageId(roomId, messageId));
  }

  @PatchMapping("/{roomId}/messages/{messageId}")
  Message edit(
      @PathVariable String roomId,
      @PathVariable String messageId,
      @RequestBody(required = false) @Nullable MessageRequest b) {
    return messages.edit(
        CurrentMember.get(), id(roomId), messageId(roomId, messageId), b == null ? null : b.text());
  }

  @PostMapping("/{roomId}/messages/{messageId}/recall")
  Message recall(@PathVariable String roomId, @PathVariable String messageId) {
    return messages.recall(CurrentMember.get(), id(roomId), messageId(roomId, messageId));
  }

  @PostMapping("/{roomId}/messages/{messageId}/forward")
  ResponseEntity<Message> forward(
      @PathVariable String roomId,
      @PathVariable String messageId,
      @RequestBody(required = false) @Nullable ForwardRequest b) {
    var actor = CurrentMember.get();
    UUID room = id(roomId);
    UUID message = messageId(roomId, messageId);
    UUID target = null;
    if (b != null && b.room() != null) {
      target = Ids.parseOrNull(b.room());
      if (target == null) {
        messages.get(actor, room, message); // 404 first for what the caller cannot see
        throw Problems.notFound(); // like any room that is not the caller's
      }
    }
    Messages.Sent sent =
        messages.forward(actor, room, message, target, b == null ? null : b.idempotencyKey());
    return ResponseEntity.status(sent.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(sent.message());
  }

  @PutMapping("/{roomId}/messages/{messageId}/pin")
  Message pin(@PathVariable String roomId, @PathVariable String messageId) {
    return messages.pin(CurrentMember.get(), id(roomId), messageId(roomId, messageId), true);
  }

  @DeleteMapping("/{roomId}/messages/{messageId}/pin")
  Message unpin(@PathVariable String roomId, @PathVariable String messageId) {
    return messages.pin(CurrentMember.get(), id(roomId), messageId(roomId, messageId), false);
  }

  @GetMapping("/{roomId}/messages/{messageId}/readers")
  Messages.Readers readers(@PathVariable String roomId, @PathVariable String messageId) {
    return messages.readers(CurrentMember.get(), id(roomId), messageId(roomId, messageId));
  }

  @PostMapping("/{roomId}/messages/{messageId}/hide")
  ResponseEntity<Void> hide(@PathVariable String roomId, @PathVariable String messageId) {
    messages.hide(CurrentMember.get(), id(roomId), messageId(roomId, messageId));
    return ResponseEntity.noContent().build();
  }

  @PutMapping("/{roomId}/messages/{messageId}/reactions/{emoji}")
  Message react(
      @PathVariable String roomId, @PathVariable String messageId, @PathVariable String emoji) {
    return messages.react(
        CurrentMember.get(), id(roomId), messageId(roomId, messageId), emoji, true);
  }

  @DeleteMapping("/{roomId}/messages/{messageId}/reactions/{emoji}")
  Message unreact(
      @PathVariable String roomId, @PathVariable String messageId, @PathVariable String emoji) {
    return messages.react(
        CurrentMember.get(), id(roomId), messageId(roomId, messageId), emoji, false);
  }

  private static UUID id(String text) {
    UUID id = Ids.parseOrNull(text);
    if (id == null) {
      throw Problems.notFound();
    }
    return id;
  }

  private static UUID messageId(String roomId, String text) {
    return id(text);
  }
}
