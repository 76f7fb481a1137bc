package dev.musubi.messaging;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.messaging.Rooms.Access;
import dev.musubi.messaging.internal.CallbackGuard;
import dev.musubi.messaging.internal.IntegrationStore;
import dev.musubi.messaging.internal.IntegrationStore.BotRow;
import dev.musubi.messaging.internal.IntegrationStore.WebhookRow;
import dev.musubi.messaging.internal.Secrets;
import dev.musubi.messaging.internal.TalkStore;
import dev.musubi.messaging.internal.TalkStore.RoomRow;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Bots and incoming webhooks. Admins register bots (name and callback URL); room owners add bots to
 * rooms and create incoming webhooks. Bots post with their token; a webhook posts through its
 * secret URL. Tokens and webhook secrets are shown once and stored only as SHA-256 hashes.
 */
@Service
public class Bots {

  private final IntegrationStore store;
  private final TalkStore talk;
  private final Rooms rooms;
  private final Messages messages;
  private final CallbackGuard guard;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;

  Bots(
      IntegrationStore store,
      TalkStore talk,
      Rooms rooms,
      Messages messages,
      CallbackGuard guard,
      AuditTrail audit,
      Ids ids,
      Clock clock) {
    this.store = store;
    this.talk = talk;
    this.rooms = rooms;
    this.messages = messages;
    this.guard = guard;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  /** A bot as admins and room members see it (no secrets). */
  public record Bot(UUID id, String name, String callbackUrl, Instant createdAt) {}

  /** A newly registered bot with its API token and signing secret, shown only now. */
  public record Registered(
      UUID id, String name, String callbackUrl, Instant createdAt, String token, String secret) {}

  /** One delivery attempt record of a bot. */
  public record Delivery(
      UUID id,
      UUID roomId,
      UUID messageId,
      String status,
      int attempts,
      @Nullable String lastError,
      Instant createdAt,
      @Nullable Instant doneAt) {}

  /** An incoming webhook; {@code url} (with its secret) only in the answer that created it. */
  public record Webhook(
      UUID id, UUID roomId, String name, Instant createdAt, @Nullable String url) {}

  // ---- admin -------------------------------------------------------------------------------

  @Transactional
  public Registered register(
      MemberPrincipal actor, @Nullable String name, @Nullable String callbackUrl) {
    requireAdmin(actor);
    List<FieldError> errors = new ArrayList<>();
    String n = name == null ? "" : name.strip();
    if (n.isEmpty() || n.codePointCount(0, n.length()) > 100) {
      errors.add(new FieldError("name", "invalid", "1 to 100 characters."));
    } else if (n.chars().anyMatch(Character::isISOControl)) {
      errors.add(new FieldError("name", "control", "Control characters are not allowed."));
    }
    String url = callbackUrl == null ? "" : callbackUrl.strip();
    if (url.isEmpty() || url.length() > 2000) {
      errors.add(new FieldError("callbackUrl", "invalid", "A URL of at most 2000 characters."));
    } else {
      try {
        guard.check(url);
      } catch (CallbackGuard.Refused e) {
        errors.add(new FieldError("callbackUrl", "refused", e.getMessage()));
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    String token = Secrets.random("mbt_");
    String secret = Secrets.random("mbs_");
    BotRow row =
        new BotRow(ids.next(), actor.tenantId(), n, url, secret, actor.memberId(), clock.instant());
    store.insertBot(row, Secrets.sha256(token));
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.BOT_CREATED)
            .actor(actor.memberId(), actor.loginId())
            .target("bot", row.id())
            .with("name", n));
    return new Registered(row.id(), n, url, row.createdAt(), token, secret);
  }

  public List<Bot> list(MemberPrincipal actor) {
    requireAdmin(actor);
    return store.bots(actor.tenantId()).stream().map(Bots::view).toList();
  }

  @Transactional
  public void delete(MemberPrincipal actor, UUID botId) {
    requireAdmin(actor);
    store.bot(actor.tenantId(), botId).orElseThrow(Problems::notFound);
    store.deleteBot(actor.tenantId(), botId);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.BOT_DELETED)
            .actor(actor.memberId(), actor.loginId())
            .target("bot", botId));
  }

  /** The newest 50 deliveries of a bot. */
  public List<Delivery> deliveries(MemberPrincipal actor, UUID botId) {
    requireAdmin(actor);
    store.bot(actor.tenantId(), botId).orElseThrow(Problems::notFound);
    return store.deliveries(actor.tenantId(), botId, 50).stream()
        .map(
            o ->
                new Delivery(
                    o.id(),
                    o.roomId(),
                    o.messageId(),
                    o.status(),
                    o.attempts(),
                    o.lastError(),
                    o.createdAt(),
                    o.doneAt()))
        .toList();
  }

  // ---- rooms -------------------------------------------------------------------------------

  public List<Bot> inRoom(MemberPrincipal actor, UUID roomId) {
    rooms.access(actor, roomId);
    return store.botsInRoom(actor.tenantId(), roomId).stream().map(Bots::view).toList();
  }

  @Transactional
  public List<Bot> addToRoom(MemberPrincipal actor, UUID roomId, @Nullable UUID botId) {
    Access a = ownerOf(actor, roomId);
    if (a.room().type() == RoomType.DIRECT) {
      throw Problems.conflict("direct-room", "A direct room always has its two members.");
    }
    if (botId == null || store.bot(actor.tenantId(), botId).isEmpty()) {
      throw Problems.invalid("bot", "unknown_bot", "Not a bot of your company.");
    }
    if (store.addBotToRoom(actor.tenantId(), roomId, botId, actor.memberId(), clock.instant())) {
      audit.record(
          AuditRecord.of(actor.tenantId(), AuditAction.BOT_ADDED_TO_ROOM)
              .actor(actor.memberId(), actor.loginId())
              .target("room", roomId)
              .with("bot", botId.toString()));
    }
    return inRoom(actor, roomId);
  }

  @Transactional
  public void removeFromRoom(MemberPrincipal actor, UUID roomId, UUID botId) {
    ownerOf(actor, roomId);
    if (!store.removeBotFromRoom(actor.tenantId(), roomId, botId)) {
      throw Problems.notFound();
    }
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.BOT_REMOVED_FROM_ROOM)
            .actor(actor.memberId(), actor.loginId())
            .target("room", roomId)
            .with("bot", botId.toString()));
  }

  // ---- bot API -----------------------------------------------------------------------------

  /** The bot a token belongs to; 401 otherwise. */
  public Bot authenticate(@Nullable String token) {
    return view(botOf(token));
  }

  /** Room info for a bot in the room; 404 otherwise. */
  public Room.Summary roomInfo(@Nullable String token, UUID roomId) {
    BotRow bot = botOf(token);
    RoomRow room = roomOfBot(bot, roomId);
    return new Room.Summary(
        room.id(),
        room.type(),
        room.name(),
        talk.memberIds(bot.tenantId(), roomId).size(),
        room.lastSeq());
  }

  /** Posts text as the bot into a room it is in; 404 otherwise. */
  public Messages.Sent post(
      @Nullable String token, UUID roomId, @Nullable String text, @Nullable String key) {
    BotRow bot = botOf(token);
    roomOfBot(bot, roomId);
    return messages.postAs(bot.tenantId(), roomId, bot.id(), bot.name(), text, key);
  }

  // ---- webhooks ----------------------------------------------------------------------------

  @Transactional
  public Webhook createWebhook(MemberPrincipal actor, UUID roomId, @Nullable String name) {
    Access a = ownerOf(actor, roomId);
    if (a.room().type() == RoomType.DIRECT) {
      throw Problems.conflict("direct-room", "Direct rooms have no webhooks.");
    }
    String n = name == null ? "" : name.strip();
    if (n.isEmpty() || n.codePointCount(0, n.length()) > 100) {
      throw Problems.invalid("name", "invalid", "1 to 100 characters.");
    }
    if (n.chars().anyMatch(Character::isISOControl)) {
      throw Problems.invalid("name", "control", "Control characters are not allowed.");
    }
    String token = Secrets.random("mwh_");
    WebhookRow w =
        new WebhookRow(ids.next(), actor.tenantId(), roomId, n, actor.memberId(), clock.instant());
    store.insertWebhook(w, Secrets.sha256(token));
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.WEBHOOK_CREATED)
            .actor(actor.memberId(), actor.loginId())
            .target("room", roomId)
            .with("webhook", w.id().toString()));
    return new Webhook(w.id(), roomId, n, w.createdAt(), "/hooks/talk/" + token);
  }

  public List<Webhook> webhooks(MemberPrincipal actor, UUID roomId) {
    ownerOf(actor, roomId);
    return store.webhooks(actor.tenantId(), roomId).stream()
        .map(w -> new Webhook(w.id(), w.roomId(), w.name(), w.createdAt(), null))
        .toList();
  }

  @Transactional
  public void deleteWebhook(MemberPrincipal actor, UUID roomId, UUID webhookId) {
    ownerOf(actor, roomId);
    if (!store.deleteWebhook(actor.tenantId(), roomId, webhookId)) {
      throw Problems.notFound();
    }
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.WEBHOOK_DELETED)
            .actor(actor.memberId(), actor.loginId())
            .target("room", roomId)
            .with("webhook", webhookId.toString()));
  }

  /** Posts through a webhook's secret; 404 for an unknown secret. */
  public Messages.Sent postByWebhook(@Nullable String secret, @Nullable String text) {
    if (secret == null || secret.length() > 200) {
      throw Problems.notFound();
    }
    WebhookRow w = store.webhookByTokenHash(Secrets.sha256(secret)).orElseThrow(Problems::notFound);
    return messages.postAs(w.tenantId(), w.roomId(), w.id(), w.name(), text, null);
  }

  // ------------------------------------------------------------------------------------------

  private BotRow botOf(@Nullable String token) {
    if (token == null || token.isBlank() || token.length() > 200) {
      throw Problems.unauthenticated();
    }
    return store
        .botByTokenHash(Secrets.sha256(token.strip()))
        .orElseThrow(Problems::unauthenticated);
  }

  private RoomRow roomOfBot(BotRow bot, UUID roomId) {
    if (!store.botInRoom(bot.tenantId(), roomId, bot.id())) {
      throw Problems.notFound();
    }
    return talk.findRoom(bot.tenantId(), roomId).orElseThrow(Problems::notFound);
  }

  private Access ownerOf(MemberPrincipal actor, UUID roomId) {
    Access a = rooms.access(actor, roomId);
    if (!a.me().owner()) {
      throw Problems.forbidden("not-owner", "Only the room's owners can do this.");
    }
    return a;
  }

  private static void requireAdmin(MemberPrincipal actor) {
    if (!actor.hasAny(Role.SUPER_ADMIN, Role.MEMBER_ADMIN)) {
      throw Problems.forbidden("You need an admin role for this.");
    }
  }

  private static Bot view(BotRow b) {
    return new Bot(b.id(), b.name(), b.callbackUrl(), b.createdAt());
  }
}
