package dev.musubi.messaging.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.platform.Jdbc;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Bots, their rooms, the delivery outbox and incoming webhooks. Every statement filters on tenant.
 */
@Repository
public class IntegrationStore {

  public record BotRow(
      UUID id,
      UUID tenantId,
      String name,
      String callbackUrl,
      String secret,
      UUID createdBy,
      Instant createdAt,
      @Nullable String iconSha256) {

    public BotRow(
        UUID id,
        UUID tenantId,
        String name,
        String callbackUrl,
        String secret,
        UUID createdBy,
        Instant createdAt) {
      this(id, tenantId, name, callbackUrl, secret, createdBy, createdAt, null);
    }
  }

  public record OutboxRow(
      UUID id,
      UUID tenantId,
      UUID botId,
      UUID roomId,
      UUID messageId,
      String status,
      int attempts,
      Instant nextAttemptAt,
      @Nullable String lastError,
      Instant createdAt,
      @Nullable Instant doneAt,
      String event,
      @Nullable UUID memberId,
      @Nullable Integer button) {}

  public record WebhookRow(
      UUID id, UUID tenantId, UUID roomId, String name, UUID createdBy, Instant createdAt) {}

  private final JdbcClient jdbc;

  IntegrationStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  // ---- bots --------------------------------------------------------------------------------

  public void insertBot(BotRow b, String tokenHash) {
    jdbc.sql(
            "INSERT INTO talk_bot (id, tenant_id, name, callback_url, secret, token_hash,"
                + " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            b.id(),
            b.tenantId(),
            b.name(),
            b.callbackUrl(),
            b.secret(),
            tokenHash,
            b.createdBy(),
            ts(b.createdAt()))
        .update();
  }

  public List<BotRow> bots(UUID tenantId) {
    return jdbc.sql("SELECT * FROM talk_bot WHERE tenant_id = ? ORDER BY created_at, id")
        .param(tenantId)
        .query(IntegrationStore::bot)
        .list();
  }

  public Optional<BotRow> bot(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM talk_bot WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(IntegrationStore::bot)
        .optional();
  }

  public Optional<BotRow> botByTokenHash(String tokenHash) {
    return jdbc.sql("SELECT * FROM talk_bot WHERE token_hash = ?")
        .param(tokenHash)
        .query(IntegrationStore::bot)
        .optional();
  }

  public void deleteBot(UUID tenantId, UUID id) {
    jdbc.sql("DELETE FROM talk_outbox WHERE tenant_id = ? AND bot_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM talk_room_bot WHERE tenant_id = ? AND bot_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM talk_bot WHERE tenant_id = ? AND id = ?").params(tenantId, id).update();
  }

  /** Sets or clears ({@code null}) the bot's icon; returns the previous icon's SHA-256. */
  public @Nullable String setIcon(UUID tenantId, UUID botId, @Nullable String sha256) {
    String old =
        jdbc.sql("SELECT icon_sha256 FROM talk_bot WHERE tenant_id = ? AND id = ?")
            .params(tenantId, botId)
            .query((rs, i) -> Optional.ofNullable(rs.getString(1)))
            .optional()
            .flatMap(o -> o)
            .orElse(null);
    jdbc.sql("UPDATE talk_bot SET icon_sha256 = ? WHERE tenant_id = ? AND id = ?")
        .params(sha256, tenantId, botId)
        .update();
    return old;
  }

  public boolean addBotToRoom(UUID tenantId, UUID roomId, UUID botId, UUID by, Instant now) {
    return jdbc.sql(
                "INSERT INTO talk_room_bot (tenant_id, room_id, bot_id, added_by, added_at)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .params(tenantId, roomId, botId, by, ts(now))
            .update()
        == 1;
  }

  public boolean removeBotFromRoom(UUID tenantId, UUID roomId, UUID botId) {
    return jdbc.sql("DELETE FROM talk_room_bot WHERE tenant_id = ? AND room_id = ? AND bot_id = ?")
            .params(tenantId, roomId, botId)
            .update()
        == 1;
  }

  public List<BotRow> botsInRoom(UUID tenantId, UUID roomId) {
    return jdbc.sql(
            "SELECT b.* FROM talk_bot b JOIN talk_room_bot rb ON rb.bot_id = b.id"
                + " AND rb.tenant_id = b.tenant_id WHERE b.tenant_id = ? AND rb.room_id = ?"
                + " ORDER BY rb.added_at, b.id")
        .params(tenantId, roomId)
        .query(IntegrationStore::bot)
        .list();
  }

  public boolean botInRoom(UUID tenantId, UUID roomId, UUID botId) {
    return jdbc.sql(
                "SELECT COUNT(*) FROM talk_room_bot WHERE tenant_id = ? AND room_id = ?"
                    + " AND bot_id = ?")
            .params(tenantId, roomId, botId)
            .query(Long.class)
            .single()
        > 0;
  }

  // ---- outbox ------------------------------------------------------------------------------

  public void enqueue(
      UUID id, UUID tenantId, UUID botId, UUID roomId, UUID messageId, Instant now) {
    jdbc.sql(
            "INSERT INTO talk_outbox (id, tenant_id, bot_id, room_id, message_id, status,"
                + " attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?,"
                + " ?)")
        .params(id, tenantId, botId, roomId, messageId, ts(now), ts(now))
        .update();
  }

  /** A postback: {@code member} pressed button {@code button} of the bot's message. */
  public void enqueuePostback(
      UUID id,
      UUID tenantId,
      UUID botId,
      UUID roomId,
      UUID messageId,
      UUID member,
      int button,
      Instant now) {
    jdbc.sql(
            "INSERT INTO talk_outbox (id, tenant_id, bot_id, room_id, message_id, status,"
                + " attempts, next_attempt_at, created_at, event, member_id, button)"
                + " VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, 'postback', ?, ?)")
        .params(id, tenantId, botId, roomId, messageId, ts(now), ts(now), member, button)
        .update();
  }

  /** Pending deliveries due at {@code now}, oldest first. */
  public List<OutboxRow> due(Instant now, int limit) {
    return jdbc.sql(
            "SELECT * FROM talk_outbox WHERE status = 'pending' AND next_attempt_at <= ?"
                + " ORDER BY next_attempt_at, id LIMIT ?")
        .params(ts(now), limit)
        .query(IntegrationStore::outbox)
        .list();
  }

  public void delivered(UUID id, int attempts, Instant now) {
    jdbc.sql(
            "UPDATE talk_outbox SET status = 'delivered', attempts = ?, last_error = NULL,"
                + " done_at = ? WHERE id = ?")
        .params(attempts, ts(now), id)
        .update();
  }

  public void dropped(UUID id, String reason, Instant now) {
    jdbc.sql("UPDATE talk_outbox SET status = 'dropped', last_error = ?, done_at = ? WHERE id = ?")
        .params(reason, ts(now), id)
        .update();
  }

  public void retryLater(UUID id, int attempts, String error, @Nullable Instant next, Instant now) {
    jdbc.sql(
            "UPDATE talk_outbox SET status = ?, attempts = ?, last_error = ?,"
                + " next_attempt_at = COALESCE(?, next_attempt_at), done_at = ? WHERE id = ?")
        .params(
            next == null ? "failed" : "pending",
            attempts,
            error,
            ts(next),
            next == null ? ts(now) : null,
            id)
        .update();
  }

  public List<OutboxRow> deliveries(UUID tenantId, UUID botId, int limit) {
    return jdbc.sql(
            "SELECT * FROM talk_outbox WHERE tenant_id = ? AND bot_id = ?"
                + " ORDER BY created_at DESC, id DESC LIMIT ?")
        .params(tenantId, botId, limit)
        .query(IntegrationStore::outbox)
        .list();
  }

  // ---- webhooks ----------------------------------------------------------------------------

  public void insertWebhook(WebhookRow w, String tokenHash) {
    jdbc.sql(
            "INSERT INTO talk_webhook (id, tenant_id, room_id, name, token_hash, created_by,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(
            w.id(), w.tenantId(), w.roomId(), w.name(), tokenHash, w.createdBy(), ts(w.createdAt()))
        .update();
  }

  public List<WebhookRow> webhooks(UUID tenantId, UUID roomId) {
    return jdbc.sql(
            "SELECT * FROM talk_webhook WHERE tenant_id = ? AND room_id = ?"
                + " ORDER BY created_at, id")
        .params(tenantId, roomId)
        .query(IntegrationStore::webhook)
        .list();
  }

  public Optional<WebhookRow> webhookByTokenHash(String tokenHash) {
    return jdbc.sql("SELECT * FROM talk_webhook WHERE token_hash = ?")
        .param(tokenHash)
        .query(IntegrationStore::webhook)
        .optional();
  }

  public boolean deleteWebhook(UUID tenantId, UUID roomId, UUID id) {
    return jdbc.sql("DELETE FROM talk_webhook WHERE tenant_id = ? AND room_id = ? AND id = ?")
            .params(tenantId, roomId, id)
            .update()
        == 1;
  }

  // ---- mapping -----------------------------------------------------------------------------

  private static BotRow bot(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
    return new BotRow(
        rs.getObject("id", UUID.class),
        rs.getObject("tenant_id", UUID.class),
        rs.getString("name"),
        rs.getString("callback_url"),
        rs.getString("secret"),
        rs.getObject("created_by", UUID.class),
        Jdbc.requiredInstant(rs, "created_at"),
        rs.getString("icon_sha256"));
  }

  private static OutboxRow outbox(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
    return new OutboxRow(
        rs.getObject("id", UUID.class),
        rs.getObject("tenant_id", UUID.class),
        rs.getObject("bot_id", UUID.class),
        rs.getObject("room_id", UUID.class),
        rs.getObject("message_id", UUID.class),
        rs.getString("status"),
        rs.getInt("attempts"),
        Jdbc.requiredInstant(rs, "next_attempt_at"),
        rs.getString("last_error"),
        Jdbc.requiredInstant(rs, "created_at"),
        Jdbc.instant(rs, "done_at"),
        rs.getString("event"),
        rs.getObject("member_id", UUID.class),
        (Integer) rs.getObject("button", Integer.class));
  }

  private static WebhookRow webhook(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
    return new WebhookRow(
        rs.getObject("id", UUID.class),
        rs.getObject("tenant_id", UUID.class),
        rs.getObject("room_id", UUID.class),
        rs.getString("name"),
        rs.getObject("created_by", UUID.class),
        Jdbc.requiredInstant(rs, "created_at"));
  }
}
