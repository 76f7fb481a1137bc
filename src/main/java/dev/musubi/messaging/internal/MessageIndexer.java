package dev.musubi.messaging.internal;

import dev.musubi.messaging.MessageCreated;
import dev.musubi.messaging.MessageEdited;
import dev.musubi.messaging.MessageRecalled;
import dev.musubi.platform.AfterCommit;
import dev.musubi.platform.search.SearchDocument;
import dev.musubi.platform.search.SearchIndex;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Feeds the search index after commit: type {@code message}, scope the room, author the sender.
 * Does nothing when no index is configured (the index is rebuildable from the store).
 */
@Component
class MessageIndexer {

  static final String TYPE = "message";

  private final TalkStore store;
  private final ObjectProvider<SearchIndex> index;

  MessageIndexer(TalkStore store, ObjectProvider<SearchIndex> index) {
    this.store = store;
    this.index = index;
  }

  @EventListener
  void on(MessageCreated e) {
    var created = e.message();
    if (created != null) {
      AfterCommit.run(
          () -> {
            SearchIndex i = index.getIfAvailable();
            if (i != null && created.text() != null && searchable(created.kind())) {
              i.index(
                  document(
                      e.tenantId(),
                      created.id(),
                      created.roomId(),
                      created.senderId(),
                      created.createdAt(),
                      created.text()));
            }
          });
      return;
    }
    AfterCommit.run(() -> reindex(e.tenantId(), e.roomId(), e.messageId()));
  }

  @EventListener
  void on(MessageEdited e) {
    AfterCommit.run(() -> reindex(e.tenantId(), e.roomId(), e.messageId()));
  }

  @EventListener
  void on(MessageRecalled e) {
    AfterCommit.run(
        () -> {
          SearchIndex i = index.getIfAvailable();
          if (i != null) {
            i.delete(e.tenantId(), TYPE, e.messageId().toString());
          }
        });
  }

  private void reindex(UUID tenantId, UUID roomId, UUID messageId) {
    SearchIndex i = index.getIfAvailable();
    if (i == null) {
      return;
    }
    store
        .findMessage(tenantId, roomId, messageId)
        .filter(m -> m.recalledAt() == null && m.body() != null && searchable(m.kind()))
        .ifPresent(m -> i.index(document(m)));
  }

  /** Text, and bots' buttons (their text) and link cards (their title), are searchable. */
  static boolean searchable(String kind) {
    return "text".equals(kind) || "buttons".equals(kind) || "link".equals(kind);
  }

  /** The search document of a live text message. */
  static SearchDocument document(TalkStore.MessageRow m) {
    return document(
        m.tenantId(),
        m.id(),
        m.roomId(),
        m.senderId(),
        m.createdAt(),
        m.body() == null ? "" : m.body());
  }

  private static SearchDocument document(
      UUID tenantId, UUID id, UUID roomId, UUID senderId, java.time.Instant at, String text) {
    return new SearchDocument(
        tenantId, TYPE, id.toString(), roomId.toString(), senderId.toString(), at, text);
  }
}
