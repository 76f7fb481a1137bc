package dev.musubi.messaging.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The socket at {@code /api/v1/events}: registers it with the member's stream and handles what
 * clients send ({@code typing}).
 */
@Component
class RealtimeGateway extends TextWebSocketHandler {

  static final Duration TYPING_EVERY = Duration.ofSeconds(3);
  static final int TYPING_MAX_MEMBERS = 100;
  private static final String OUT = "musubi.out";

  private final MemberStreams streams;
  private final TalkStore store;
  private final JsonMapper json;
  private final Clock clock;
  private final Map<String, Instant> lastTyping = new ConcurrentHashMap<>();

  RealtimeGateway(MemberStreams streams, TalkStore store, JsonMapper json, Clock clock) {
    this.streams = streams;
    this.store = store;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public void afterConnectionEstablished(WebSocketSession session) {
    // Sends may come from many threads at once; the decorator serialises them and drops a client
    // that falls too far behind (it reconnects with since=…).
    WebSocketSession out = new ConcurrentWebSocketSessionDecorator(session, 10_000, 1 << 20);
    session.getAttributes().put(OUT, out);
    streams.connect(
        member(session),
        out,
        (Long) session.getAttributes().get(HandshakeGuard.SINCE),
        (String) session.getAttributes().get(HandshakeGuard.EPOCH));
  }

  @Override
  protected void handleTextMessage(WebSocketSession session, TextMessage message) {
    if (message.getPayloadLength() > 1000) {
      return;
    }
    JsonNode n;
    try {
      n = json.readTree(message.getPayload());
    } catch (RuntimeException e) {
      return;
    }
    if ("typing".equals(n.path("type").asString(""))) {
      UUID room = dev.musubi.platform.Ids.parseOrNull(n.path("room").asString(""));
      if (room != null) {
        typing((UUID) session.getAttributes().get(HandshakeGuard.TENANT_ID), member(session), room);
      }
    }
  }

  /** Tells the room's other members; at most once per {@link #TYPING_EVERY}, never stored. */
  private void typing(UUID tenantId, UUID member, UUID room) {
    Instant now = clock.instant();
    String key = member + ":" + room;
    Instant last = lastTyping.get(key);
    if (last != null && last.plus(TYPING_EVERY).isAfter(now)) {
      return;
    }
    if (store.membership(tenantId, room, member).isEmpty()) {
      return;
    }
    List<UUID> members = store.memberIds(tenantId, room);
    if (members.size() > TYPING_MAX_MEMBERS) {
      return;
    }
    lastTyping.put(key, now);
    if (lastTyping.size() > 10_000) {
      lastTyping.values().removeIf(t -> t.plus(TYPING_EVERY).isBefore(now));
    }
    streams.ephemeral(
        members.stream().filter(m -> !m.equals(member)).toList(),
        "typing",
        room,
        Map.of("member", member));
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    if (session.getAttributes().get(OUT) instanceof WebSocketSession out) {
      streams.disconnect(member(session), out);
    }
  }

  private static UUID member(WebSocketSession session) {
    return (UUID) session.getAttributes().get(HandshakeGuard.MEMBER_ID);
  }
}
