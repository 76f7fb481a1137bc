package dev.musubi.messaging.internal;

import dev.musubi.messaging.MessageCreated;
import dev.musubi.messaging.internal.IntegrationStore.BotRow;
import dev.musubi.messaging.internal.IntegrationStore.OutboxRow;
import dev.musubi.messaging.internal.TalkStore.MessageRow;
import dev.musubi.platform.Ids;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers messages to the bots of their room. A message and its outbox rows commit together (the
 * rows are written in the sending transaction), so nothing is lost on a crash; a poller then POSTs
 * each due row to the bot's callback, signed, and retries failures with exponential backoff (5 s,
 * 10 s, 20 s, … up to {@link #MAX_ATTEMPTS} attempts). The outbox row is the delivery log: status,
 * attempts and the last error (an HTTP status or an error class, never message text). Postbacks (a
 * member pressed a data button of the bot's message) go through the same outbox and retries.
 */
@Component
public class BotDelivery {

  /** Attempts before a delivery is given up ({@code failed}). */
  public static final int MAX_ATTEMPTS = 8;

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(BotDelivery.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final IntegrationStore store;
  private final TalkStore talk;
  private final CallbackGuard guard;
  private final Ids ids;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  BotDelivery(IntegrationStore store, TalkStore talk, CallbackGuard guard, Ids ids, Clock clock) {
    this.store = store;
    this.talk = talk;
    this.guard = guard;
    this.ids = ids;
    this.clock = clock;
  }

  /** In the sending transaction: one outbox row per bot of the room (not for the bot's own). */
  @EventListener
  void on(MessageCreated e) {
    for (BotRow bot : store.botsInRoom(e.tenantId(), e.roomId())) {
      if (!bot.id().equals(e.senderId())) {
        store.enqueue(
            ids.next(), e.tenantId(), bot.id(), e.roomId(), e.messageId(), clock.instant());
      }
    }
  }

  /** Delivers what is due; one caller at a time. Returns how many rows were attempted. */
  @Scheduled(
      fixedDelayString = "${musubi.talk.bots.poll-interval:PT1S}",
      initialDelayString = "${musubi.talk.bots.poll-interval:PT1S}")
  public synchronized int deliverDue() {
    List<OutboxRow> due = store.due(clock.instant(), 50);
    for (OutboxRow row : due) {
      try {
        deliver(row);
      } catch (RuntimeException ex) {
        log.warn("Bot delivery {} failed unexpectedly", row.id(), ex);
      }
    }
    return due.size();
  }

  private void deliver(OutboxRow row) {
    BotRow bot = store.bot(row.tenantId(), row.botId()).orElse(null);
    MessageRow m = talk.findMessage(row.tenantId(), row.roomId(), row.messageId()).orElse(null);
    if (bot == null || m == null || m.recalledAt() != null) {
      store.dropped(row.id(), m == null || bot == null ? "gone" : "recalled", clock.instant());
      return;
    }
    if (!store.botInRoom(row.tenantId(), row.roomId(), row.botId())) {
      store.dropped(row.id(), "removed from room", clock.instant());
      return;
    }
    int attempts = row.attempts() + 1;
    String error;
    try {
      URI uri = guard.check(bot.callbackUrl());
      Map<String, Object> event;
      if ("postback".equals(row.event())) {
        String data = row.button() == null ? null : RichPayload.dataOf(m.payload(), row.button());
        if (data == null || row.memberId() == null) {
          store.dropped(row.id(), "gone", clock.instant());
          return;
        }
        event = postback(row, bot, data);
      } else {
        event = payload(row, bot, m);
      }
      byte[] body = JSON.writeValueAsBytes(event);
      String timestamp = Long.toString(clock.instant().getEpochSecond());
      byte[] signed = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
      byte[] data = new byte[signed.length + body.length];
      System.arraycopy(signed, 0, data, 0, signed.length);
      System.arraycopy(body, 0, data, signed.length, body.length);
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .header("User-Agent", "Musubi-Bot-Delivery")
              .header("X-Musubi-Delivery", row.id().toString())
              .header("X-Musubi-Timestamp", timestamp)
              .header("X-Musubi-Signature", "sha256=" + Secrets.hmac(bot.secret(), data))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 == 2) {
        store.delivered(row.id(), attempts, clock.instant());
        return;
      }
      error = "HTTP " + response.statusCode();
    } catch (CallbackGuard.Refused ex) {
      error = "refused: " + ex.getMessage();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      error = "interrupted";
    } catch (java.io.IOException ex) {
      error = ex.getClass().getSimpleName();
    }
    Instant now = clock.instant();
    @Nullable Instant next =
        attempts >= MAX_ATTEMPTS
            ? null
            : now.plus(FIRST_BACKOFF.multipliedBy(1L << (attempts - 1)));
    store.retryLater(row.id(), attempts, error, next, now);
  }

  private static Map<String, Object> postback(OutboxRow row, BotRow bot, String data) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", "postback");
    p.put("deliveryId", row.id().toString());
    p.put("botId", bot.id().toString());
    p.put("roomId", row.roomId().toString());
    p.put("messageId", row.messageId().toString());
    p.put("memberId", String.valueOf(row.memberId()));
    p.put("data", data);
    return p;
  }

  private static Map<String, Object> payload(OutboxRow row, BotRow bot, MessageRow m) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("id", m.id().toString());
    message.put("seq", m.seq());
    message.put("senderId", m.senderId().toString());
    message.put("kind", m.kind());
    message.put("text", m.body());
    message.put("createdAt", m.createdAt().toString());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", "message.created");
    p.put("deliveryId", row.id().toString());
    p.put("botId", bot.id().toString());
    p.put("roomId", row.roomId().toString());
    p.put("message", message);
    return p;
  }
}
