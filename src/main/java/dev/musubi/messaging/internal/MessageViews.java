package dev.musubi.messaging.internal;

import dev.musubi.messaging.Message;
import dev.musubi.messaging.Message.Reaction;
import dev.musubi.messaging.internal.TalkStore.MemberRow;
import dev.musubi.messaging.internal.TalkStore.MessageRow;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Turns message rows into {@link Message}s with unread counts: the room's read pointers are loaded
 * once per page and sorted, and each message's count is a binary search (never a row per message
 * and reader).
 */
@Component
public class MessageViews {

  private final TalkStore store;
  private final AttachmentStore attachments;

  MessageViews(TalkStore store, AttachmentStore attachments) {
    this.store = store;
    this.attachments = attachments;
  }

  public List<Message> views(UUID tenantId, UUID roomId, List<MessageRow> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    return views(tenantId, roomId, rows, store.members(tenantId, roomId));
  }

  /** As above, with the room's members (and their read pointers) already read by the caller. */
  public List<Message> views(
      UUID tenantId, UUID roomId, List<MessageRow> rows, List<MemberRow> members) {
    if (rows.isEmpty()) {
      return List.of();
    }
    long[] pointers = new long[members.size()];
    Map<UUID, Long> pointerOf = new HashMap<>();
    for (int i = 0; i < members.size(); i++) {
      pointers[i] = members.get(i).lastReadSeq();
      pointerOf.put(members.get(i).memberId(), pointers[i]);
    }
    Arrays.sort(pointers);
    Map<UUID, List<Reaction>> reactions =
        store.reactions(tenantId, rows.stream().map(MessageRow::id).toList());
    Map<UUID, List<dev.musubi.messaging.Attachment>> files =
        attachments.ofMessages(tenantId, rows.stream().map(MessageRow::id).toList());
    java.util.Set<UUID> pinned = new java.util.HashSet<>(store.pinnedIds(tenantId, roomId));
    return rows.stream()
        .map(
            r -> {
              int below = lowerBound(pointers, r.seq());
              Long senderPointer = pointerOf.get(r.senderId());
              if (senderPointer != null && senderPointer < r.seq()) {
                below--;
              }
              return toView(
                  r,
                  reactions.getOrDefault(r.id(), List.of()),
                  below,
                  pinned.contains(r.id()),
                  files.getOrDefault(r.id(), List.of()));
            })
        .toList();
  }

  /**
   * The view of a message created in the caller's transaction without files, read from nothing: no
   * reactions, not pinned, and unread by every member of {@code members} but its sender (whose
   * pointer the send moved to it).
   */
  public Message created(MessageRow r, java.util.Set<UUID> members) {
    int unread = members.size() - (members.contains(r.senderId()) ? 1 : 0);
    return toView(r, List.of(), unread, false, List.of());
  }

  private static Message toView(
      MessageRow r,
      List<Reaction> reactions,
      int unread,
      boolean pinned,
      List<dev.musubi.messaging.Attachment> files) {
    boolean recalled = r.recalledAt() != null;
    return new Message(
        r.id(),
        r.roomId(),
        r.seq(),
        r.senderId(),
        recalled ? null : r.body(),
        r.replyTo(),
        recalled ? List.of() : r.mentions(),
        !recalled && r.mentionsAll(),
        r.createdAt(),
        r.editedAt(),
        recalled,
        reactions,
        unread,
        r.kind(),
        r.forwarded(),
        pinned,
        r.senderName(),
        recalled ? List.of() : files,
        recalled ? null : RichPayload.buttonsOf(r.payload()),
        recalled ? null : RichPayload.linkOf(r.payload()));
  }

  public Optional<Message> view(UUID tenantId, UUID roomId, UUID messageId) {
    return store
        .findMessage(tenantId, roomId, messageId)
        .map(r -> views(tenantId, roomId, List.of(r)).get(0));
  }

  /** How many values are strictly below {@code key} in a sorted array. */
  static int lowerBound(long[] sorted, long key) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
