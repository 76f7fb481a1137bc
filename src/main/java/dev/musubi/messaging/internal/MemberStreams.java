package dev.musubi.messaging.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each member's realtime stream: a per-member sequence number, the last {@value #LOG_SIZE} events
 * (so a client that reconnects with {@code since} gets what it missed) and the member's open
 * sockets. The log lives in memory under an epoch (random per server start and per stream): after a
 * restart, or when an idle stream was dropped, clients see a new epoch and resynchronise.
 *
 * <p>Memory stays bounded: only members who are connected, or were within {@link #IDLE}, have a
 * stream; events for others are not kept (they load the current state when they connect).
 */
@Component
public class MemberStreams {

  static final int LOG_SIZE = 1000;
  static final java.time.Duration IDLE = java.time.Duration.ofMinutes(10);
  static final String SESSION_ID = "musubi.sessionId";

  private static final Logger log = LoggerFactory.getLogger(MemberStreams.class);

  private final String epoch;
  private final JsonMapper json;
  private final java.time.Clock clock;
  private final java.util.concurrent.atomic.AtomicLong generations =
      new java.util.concurrent.atomic.AtomicLong();
  private final Map<UUID, Stream> streams = new ConcurrentHashMap<>();

  MemberStreams(
      JsonMapper json, java.time.Clock clock, io.micrometer.core.instrument.MeterRegistry meters) {
    this.json = json;
    this.clock = clock;
    io.micrometer.core.instrument.Gauge.builder(
            "musubi.websocket.connections", this, MemberStreams::socketCount)
        .description("Open realtime sockets (web and phone clients)")
        .register(meters);
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    this.epoch = HexFormat.of().formatHex(b);
  }

  private record Entry(long seq, String text) {}

  /** Whether the member has a realtime socket open now (web or phone client). */
  boolean online(UUID member) {
    Stream s = streams.get(member);
    return s != null && !s.sockets.isEmpty();
  }

  /** Open sockets over all members (for the {@code musubi.websocket.connections} gauge). */
  int socketCount() {
    int n = 0;
    for (Stream s : streams.values()) {
      n += s.sockets.size();
    }
    return n;
  }

  private static final class Stream {
    final String epoch;
    long seq;
    boolean dead;
    java.time.Instant idleSince;

    Stream(String epoch, java.time.Instant now) {
      this.epoch = epoch;
      this.idleSince = now;
    }

    final ArrayDeque<Entry> log = new ArrayDeque<>();
    final List<WebSocketSession> sockets = new CopyOnWriteArrayList<>();
  }

  private Stream newStream() {
    return new Stream(epoch + "-" + generations.incrementAndGet(), clock.instant());
  }

  /** Drops the streams of members without a socket for longer than {@link #IDLE}. */
  @org.springframework.scheduling.annotation.Scheduled(fixedDelay = 60_000)
  void evictIdle() {
    java.time.Instant horizon = clock.instant().minus(IDLE);
    for (Map.Entry<UUID, Stream> e : streams.entrySet()) {
      Stream s = e.getValue();
      synchronized (s) {
        if (s.sockets.isEmpty() && s.idleSince.isBefore(horizon)) {
          s.dead = true;
          streams.remove(e.getKey(), s);
        }
      }
    }
  }

  /**
   * Appends an event to each member's stream and sends it to their open sockets: {@code {"seq",
   * "type", "room", "data"}}.
   */
  public void publish(Collection<UUID> members, String type, UUID room, Object data) {
    String dataJson = json.writeValueAsString(data);
    String tail = ",\"type\":\"" + type + "\",\"room\":\"" + room + "\",\"data\":" + dataJson + "}";
    for (UUID member : members) {
      Stream s = streams.get(member);
      if (s == null) {
        continue;
      }
      synchronized (s) {
        if (s.dead) {
          continue;
        }
        long seq = ++s.seq;
        String text = "{\"seq\":" + seq + tail;
        s.log.addLast(new Entry(seq, text));
        if (s.log.size() > LOG_SIZE) {
          s.log.pollFirst();
        }
        for (WebSocketSession ws : s.sockets) {
          send(ws, text);
        }
      }
    }
  }

  /** Sends an event that is neither numbered nor kept (typing), only to open sockets. */
  public void ephemeral(Collection<UUID> members, String type, UUID room, Object data) {
    String text =
        "{\"type\":\""
            + type
            + "\",\"room\":\""
            + room
            + "\",\"data\":"
            + json.writeValueAsString(data)
            + "}";
    for (UUID member : members) {
      Stream s = streams.get(member);
      if (s != null) {
        synchronized (s) {
          for (WebSocketSession ws : s.sockets) {
            send(ws, text);
          }
        }
      }
    }
  }

  /**
   * Registers a socket: sends {@code hello} with the epoch and the member's current sequence, then,
   * when the client names {@code since} (and the epoch it had), every event after it in order, or
   * {@code resync} when they are no longer all in the log.
   */
  public void connect(
      UUID member, WebSocketSession ws, @Nullable Long since, @Nullable String clientEpoch) {
    while (true) {
      Stream s = streams.computeIfAbsent(member, k -> newStream());
      synchronized (s) {
        if (s.dead) {
          continue; // evicted meanwhile: take the new one
        }
        register(s, ws, since, clientEpoch);
        return;
      }
    }
  }

  /** Under the stream's lock. */
  private static void register(
      Stream s, WebSocketSession ws, @Nullable Long since, @Nullable String clientEpoch) {
    send(ws, "{\"type\":\"hello\",\"epoch\":\"" + s.epoch + "\",\"seq\":" + s.seq + "}");
    if (since != null) {
      boolean covered =
          s.epoch.equals(clientEpoch)
              && since >= 0
              && since <= s.seq
              && (since == s.seq || (!s.log.isEmpty() && s.log.peekFirst().seq() <= since + 1));
      if (!covered) {
        send(ws, "{\"type\":\"resync\"}");
      } else {
        for (Entry e : s.log) {
          if (e.seq() > since) {
            send(ws, e.text());
          }
        }
      }
    }
    s.sockets.add(ws);
  }

  public void disconnect(UUID member, WebSocketSession ws) {
    Stream s = streams.get(member);
    if (s != null) {
      synchronized (s) {
        if (s.sockets.remove(ws) && s.sockets.isEmpty()) {
          s.idleSince = clock.instant();
        }
      }
    }
  }

  /** Closes every socket of the member (suspended, deleted). */
  public void closeMember(UUID member) {
    Stream s = streams.get(member);
    if (s != null) {
      for (WebSocketSession ws : s.sockets) {
        close(ws, s);
      }
    }
  }

  /** Closes the member's sockets opened from these sessions. */
  public void closeSessions(UUID member, Set<UUID> sessionIds) {
    Stream s = streams.get(member);
    if (s != null) {
      for (WebSocketSession ws : s.sockets) {
        if (ws.getAttributes().get(SESSION_ID) instanceof UUID id && sessionIds.contains(id)) {
          close(ws, s);
        }
      }
    }
  }

  private static void close(WebSocketSession ws, Stream s) {
    s.sockets.remove(ws);
    try {
      ws.close(CloseStatus.POLICY_VIOLATION.withReason("signed out"));
    } catch (IOException | RuntimeException e) {
      log.debug("Closing a socket failed", e);
    }
  }

  private static void send(WebSocketSession ws, String text) {
    try {
      if (ws.isOpen()) {
        ws.sendMessage(new TextMessage(text));
      }
    } catch (IOException | RuntimeException e) {
      // A slow or broken client: the decorator has closed it or will; it reconnects with since.
      log.debug("Sending to a socket failed", e);
      try {
        ws.close(CloseStatus.SESSION_NOT_RELIABLE);
      } catch (IOException | RuntimeException ignored) {
        // already gone
      }
    }
  }
}
