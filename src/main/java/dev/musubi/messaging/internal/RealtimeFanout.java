package dev.musubi.messaging.internal;

import dev.musubi.identity.MemberSuspended;
import dev.musubi.identity.SessionsEnded;
import dev.musubi.messaging.MessageCreated;
import dev.musubi.messaging.MessageEdited;
import dev.musubi.messaging.MessagePinned;
import dev.musubi.messaging.MessageRecalled;
import dev.musubi.messaging.ReactionChanged;
import dev.musubi.messaging.ReadMoved;
import dev.musubi.messaging.RoomChanged;
import dev.musubi.messaging.internal.TalkStore.MemberRow;
import dev.musubi.platform.AfterCommit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * After commit, turns talk events into realtime events for the room's current members, and closes
 * the sockets of suspended members and ended sessions.
 */
@Component
class RealtimeFanout {

  private final MemberStreams streams;
  private final TalkStore store;
  private final MessageViews views;

  RealtimeFanout(MemberStreams streams, TalkStore store, MessageViews views) {
    this.streams = streams;
    this.store = store;
    this.views = views;
  }

  @EventListener
  void on(MessageCreated e) {
    var created = e.message();
    if (created != null) {
      AfterCommit.run(
          () ->
              streams.publish(
                  store.memberIds(e.tenantId(), e.roomId()),
                  "message.created",
                  e.roomId(),
                  created));
      return;
    }
    AfterCommit.run(() -> message(e.tenantId(), e.roomId(), e.messageId(), "message.created"));
  }

  @EventListener
  void on(MessageEdited e) {
    AfterCommit.run(() -> message(e.tenantId(), e.roomId(), e.messageId(), "message.edited"));
  }

  @EventListener
  void on(MessageRecalled e) {
    AfterCommit.run(() -> message(e.tenantId(), e.roomId(), e.messageId(), "message.recalled"));
  }

  @EventListener
  void on(MessagePinned e) {
    AfterCommit.run(() -> message(e.tenantId(), e.roomId(), e.messageId(), "message.pinned"));
  }

  @EventListener
  void on(ReactionChanged e) {
    AfterCommit.run(
        () -> {
          views
              .view(e.tenantId(), e.roomId(), e.messageId())
              .ifPresent(
                  m ->
                      streams.publish(
                          store.memberIds(e.tenantId(), e.roomId()),
                          "reaction.changed",
                          e.roomId(),
                          Map.of("messageId", m.id(), "seq", m.seq(), "reactions", m.reactions())));
        });
  }

  @EventListener
  void on(ReadMoved e) {
    AfterCommit.run(
        () -> {
          streams.publish(
              store.memberIds(e.tenantId(), e.roomId()),
              "read.moved",
              e.roomId(),
              Map.of("member", e.memberId(), "upTo", e.upTo()));
        });
  }

  @EventListener
  void on(RoomChanged e) {
    AfterCommit.run(
        () -> {
          var room = store.findRoom(e.tenantId(), e.roomId());
          if (room.isEmpty()) {
            return;
          }
          List<MemberRow> members = store.members(e.tenantId(), e.roomId());
          Map<String, Object> data = new LinkedHashMap<>();
          data.put("id", room.get().id());
          data.put("type", room.get().type());
          data.put("name", room.get().name());
          data.put("members", members.stream().map(MemberRow::memberId).toList());
          data.put(
              "owners",
              members.stream().filter(MemberRow::owner).map(MemberRow::memberId).toList());
          String key = room.get().directKey();
          if (room.get().type() == dev.musubi.messaging.RoomType.BOT && key != null) {
            data.put("botId", key.substring(4, key.lastIndexOf(':'))); // key: bot:<bot>:<member>
          }
          Set<UUID> recipients = new LinkedHashSet<>();
          members.forEach(m -> recipients.add(m.memberId()));
          recipients.addAll(e.formerMembers());
          streams.publish(recipients, e.kind(), e.roomId(), data);
        });
  }

  @EventListener
  void on(MemberSuspended e) {
    AfterCommit.run(() -> streams.closeMember(e.memberId()));
  }

  @EventListener
  void on(SessionsEnded e) {
    Set<UUID> sessions = Set.copyOf(e.sessionIds());
    AfterCommit.run(() -> streams.closeSessions(e.memberId(), sessions));
  }

  private void message(UUID tenantId, UUID roomId, UUID messageId, String type) {
    views
        .view(tenantId, roomId, messageId)
        .ifPresent(m -> streams.publish(store.memberIds(tenantId, roomId), type, roomId, m));
  }
}
