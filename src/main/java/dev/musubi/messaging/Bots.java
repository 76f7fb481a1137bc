package dev.musubi.messaging;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.messaging.Rooms.Access;
import dev.musubi.messaging.internal.ActiveMembers;
import dev.musubi.messaging.internal.CallbackGuard;
import dev.musubi.messaging.internal.IntegrationStore;
import dev.musubi.messaging.internal.IntegrationStore.BotRow;
import dev.musubi.messaging.internal.IntegrationStore.WebhookRow;
import dev.musubi.messaging.internal.RichPayload;
import dev.musubi.messaging.internal.Secrets;
import dev.musubi.messaging.internal.SendRateLimiter;
import dev.musubi.messaging.internal.TalkStore;
import dev.musubi.messaging.internal.TalkStore.MessageRow;
import dev.musubi.messaging.internal.TalkStore.RoomRow;
import dev.musubi.messaging.internal.Thumbnails;
import dev.musubi.platform.Ids;
import dev.musubi.platform.blob.BlobNotFoundException;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobReferences;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Bots and incoming webhooks. Admins register bots (name, callback URL and an icon); room owners
 * add bots to rooms and create incoming webhooks. Bots post text, files, buttons and link cards
 * with their token, into rooms they are in or to a member directly (one bot room per bot and
 * member); a webhook posts through its secret URL. Tokens and webhook secrets are shown once and
 * stored only as SHA-256 hashes.
 */
@Service
public class Bots {

  /** The largest icon upload, in bytes (5 MiB); larger ones answer 413 before decoding. */
  public static final int MAX_ICON_BYTES = 5 * 1024 * 1024;

  /** The side of a stored icon, in pixels. */
  public static final int ICON_SIDE = 128;

  private final IntegrationStore store;
  private final TalkStore talk;
  private final Rooms rooms;
  private final Messages messages;
  private final TalkAttachments attachments;
  private final CallbackGuard guard;
  private final ActiveMembers activeMembers;
  private final SendRateLimiter rateLimiter;
  private final Thumbnails thumbnails;
  private final BlobStore blobs;
  private final BlobReferences references;
  private final AuditTrail audit;
  private final ApplicationEventPublisher events;
  private final TransactionTemplate tx;
  private final Ids ids;
  private final Clock clock;

  Bots(
      IntegrationStore store,
      TalkStore talk,
      Rooms rooms,
      Messages messages,
      TalkAttachments attachments,
      CallbackGuard guard,
      ActiveMembers activeMembers,
      SendRateLimiter rateLimiter,
      Thumbnails thumbnails,
      BlobStore blobs,
      BlobReferences references,
      AuditTrail audit,
      ApplicationEventPublisher events,
      PlatformTransactionManager transactions,
      Ids ids,
      Clock clock) {
    this.store = store;
    this.talk = talk;
    this.rooms = rooms;
    this.messages = messages;
    this.attachments = attachments;
    this.guard = guard;
    this.activeMembers = activeMembers;
    this.rateLimiter = rateLimiter;
    this.thumbnails = thumbnails;
    this.blobs = blobs;
    this.references = references;
    this.audit = audit;
    this.events = events;
    this.tx = new TransactionTemplate(transactions);
    this.ids = ids;
    this.clock = clock;
  }

  /**
   * A bot as admins and room members see it (no secrets); {@code icon} is the version (SHA-256) of
   * its icon, null when it has none.
   */
  public record Bot(
      UUID id, String name, String callbackUrl, Instant createdAt, @Nullable String icon) {}

  /** A bot as any member of its company may see it: name and icon version only. */
  public record BotCard(UUID id, String name, @Nullable String icon) {}

  /** A bot's icon: a square PNG and its SHA-256 (its version, for ETags). */
  public record Icon(String sha256, byte[] png) {
    public static final String CONTENT_TYPE = "image/png";
  }

  /**
   * What a bot sends: {@code kind} {@code text} (the default; text, files or both), {@code buttons}
   * (text and buttons) or {@code link} (url, title, description).
   */
  public record BotMessage(
      @Nullable String kind,
      @Nullable String text,
      @Nullable List<RichPayload.ButtonIn> buttons,
      @Nullable String url,
      @Nullable String title,
      @Nullable String description,
      @Nullable List<String> attachments,
      @Nullable String idempotencyKey) {}

  /** A newly registered bot with its API token and signing secret, shown only now. */
  public record Registered(
      UUID id, String name, String callbackUrl, Instant createdAt, String token, String secret) {}

  /** One delivery of a bot ({@code event} {@code message} or {@code postback}). */
  public record Delivery(
      UUID id,
      String event,
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

  /** The company's bots for members (room owners pick from them); no callback URLs. */
  public List<BotCard> directory(MemberPrincipal actor) {
    return store.bots(actor.tenantId()).stream()
        .map(b -> new BotCard(b.id(), b.name(), b.iconSha256()))
        .toList();
  }

  @Transactional
  public void delete(MemberPrincipal actor, UUID botId) {
    requireAdmin(actor);
    BotRow bot = store.bot(actor.tenantId(), botId).orElseThrow(Problems::notFound);
    if (bot.iconSha256() != null) {
      references.remove(actor.tenantId(), bot.iconSha256(), iconOwner(botId));
    }
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
                    o.event(),
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

  /** The bots in one of the caller's rooms: name and icon, no callback URLs. */
  public List<BotCard> inRoom(MemberPrincipal actor, UUID roomId) {
    rooms.access(actor, roomId);
    return store.botsInRoom(actor.tenantId(), roomId).stream()
        .map(b -> new BotCard(b.id(), b.name(), b.iconSha256()))
        .toList();
  }

  @Transactional
  public List<BotCard> addToRoom(MemberPrincipal actor, UUID roomId, @Nullable UUID botId) {
    Access a = ownerOf(actor, roomId);
    if (a.room().type() == RoomType.DIRECT || a.room().type() == RoomType.BOT) {
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
    return post(token, roomId, new BotMessage(null, text, null, null, null, null, null, key));
  }

  /**
   * Posts a message as the bot into a room it is in (404 otherwise); 422 with field errors for a
   * message that is not well-formed (see {@link RichPayload} for buttons and link cards).
   */
  public Messages.Sent post(@Nullable String token, UUID roomId, @Nullable BotMessage message) {
    BotRow bot = botOf(token);
    roomOfBot(bot, roomId);
    return postChecked(bot, roomId, message);
  }

  /** Recalls one of the bot's own messages in a room it is in; 404 otherwise. */
  public Message recall(@Nullable String token, UUID roomId, UUID messageId) {
    BotRow bot = botOf(token);
    roomOfBot(bot, roomId);
    return messages.recallAs(bot.tenantId(), roomId, bot.id(), bot.name(), messageId);
  }

  /**
   * Posts a message as the bot to an active member of its company, in the bot room of the two
   * (created on the first message, then reused); 404 for anyone else.
   */
  public Messages.Sent postToMember(
      @Nullable String token, UUID memberId, @Nullable BotMessage message) {
    BotRow bot = botOf(token);
    if (activeMembers.activeAmong(bot.tenantId(), Set.of(memberId)).isEmpty()) {
      throw Problems.notFound();
    }
    UUID roomId = botRoom(bot, memberId);
    return postChecked(bot, roomId, message);
  }

  /**
   * Uploads a file as the bot into a room it is in, pending until the bot sends it with a message
   * ({@code attachments}); the company's limits for files apply as for members.
   */
  public Attachment upload(
      @Nullable String token,
      UUID roomId,
      @Nullable String name,
      @Nullable String declaredType,
      long declaredLength,
      InputStream content) {
    BotRow bot = botOf(token);
    roomOfBot(bot, roomId);
    return attachments.uploadAs(
        bot.tenantId(), roomId, bot.id(), name, declaredType, declaredLength, content);
  }

  /**
   * A member pressed a postback button ({@code button}, from 0) of a bot's message: the bot gets a
   * signed {@code postback} event through its delivery outbox. 404 outside the caller's rooms; 422
   * for a button without postback data; 409 when the bot left the room or the message was recalled.
   */
  public void postback(
      MemberPrincipal actor, UUID roomId, UUID messageId, @Nullable Integer button) {
    rooms.access(actor, roomId);
    MessageRow m =
        talk.findMessage(actor.tenantId(), roomId, messageId).orElseThrow(Problems::notFound);
    if (m.recalledAt() != null) {
      throw Problems.conflict("recalled", "The message was recalled.");
    }
    if (!"buttons".equals(m.kind())) {
      throw Problems.invalid("button", "not_buttons", "The message has no buttons.");
    }
    if (button == null || RichPayload.dataOf(m.payload(), button) == null) {
      throw Problems.invalid("button", "unknown_button", "Not a postback button of the message.");
    }
    if (!store.botInRoom(actor.tenantId(), roomId, m.senderId())) {
      throw Problems.conflict("bot-gone", "The bot is no longer in this room.");
    }
    rateLimiter.acquire(actor.memberId());
    store.enqueuePostback(
        ids.next(),
        actor.tenantId(),
        m.senderId(),
        roomId,
        messageId,
        actor.memberId(),
        button,
        clock.instant());
  }

  // ---- icons -------------------------------------------------------------------------------

  /**
   * Sets the bot's icon from a JPEG, PNG or GIF upload (recognised by content): at most {@link
   * #MAX_ICON_BYTES} (413, checked before decoding), decoded with bounds, cropped to a square PNG
   * of {@link #ICON_SIDE} pixels and kept in the company's encrypted blob store. Admins only.
   */
  public Bot setIcon(MemberPrincipal actor, UUID botId, long declaredLength, InputStream content) {
    requireAdmin(actor);
    store.bot(actor.tenantId(), botId).orElseThrow(Problems::notFound);
    if (declaredLength > MAX_ICON_BYTES) {
      throw iconTooLarge();
    }
    byte[] upload;
    try {
      upload = content.readNBytes(MAX_ICON_BYTES + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (upload.length > MAX_ICON_BYTES) {
      throw iconTooLarge();
    }
    if (upload.length == 0) {
      throw Problems.invalid("icon", "empty", "Choose an image file.");
    }
    byte[] png;
    try {
      png =
          thumbnails
              .square(upload, ICON_SIDE)
              .orElseThrow(
                  () ->
                      Problems.invalid(
                          "icon", "not_an_image", "Only JPEG, PNG or GIF images are accepted."));
    } catch (Thumbnails.TooManyPixelsException e) {
      throw Problems.invalid(
          "icon",
          "too_many_pixels",
          "The image has more than " + Thumbnails.MAX_PIXELS / 1_000_000 + " million pixels.");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    BlobRef blob;
    try {
      blob = blobs.put(actor.tenantId(), new ByteArrayInputStream(png), MAX_ICON_BYTES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tx.executeWithoutResult(
        s -> {
          store.bot(actor.tenantId(), botId).orElseThrow(Problems::notFound);
          references.add(actor.tenantId(), blob.sha256(), iconOwner(botId));
          String old = store.setIcon(actor.tenantId(), botId, blob.sha256());
          if (old != null && !old.equals(blob.sha256())) {
            references.remove(actor.tenantId(), old, iconOwner(botId));
          }
          audit.record(
              AuditRecord.of(actor.tenantId(), AuditAction.BOT_ICON_CHANGED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("bot", botId)
                  .with("icon", "set"));
        });
    return view(store.bot(actor.tenantId(), botId).orElseThrow(Problems::notFound));
  }

  /** Removes the bot's icon (nothing happens when it has none). Admins only. */
  public void removeIcon(MemberPrincipal actor, UUID botId) {
    requireAdmin(actor);
    tx.executeWithoutResult(
        s -> {
          BotRow bot = store.bot(actor.tenantId(), botId).orElseThrow(Problems::notFound);
          if (bot.iconSha256() == null) {
            return;
          }
          store.setIcon(actor.tenantId(), botId, null);
          references.remove(actor.tenantId(), bot.iconSha256(), iconOwner(botId));
          audit.record(
              AuditRecord.of(actor.tenantId(), AuditAction.BOT_ICON_CHANGED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("bot", botId)
                  .with("icon", "removed"));
        });
  }

  /** The icon of a bot of the caller's company (any member may see it); 404 when it has none. */
  public Icon icon(MemberPrincipal actor, UUID botId) {
    BotRow bot = store.bot(actor.tenantId(), botId).orElseThrow(Problems::notFound);
    if (bot.iconSha256() == null) {
      throw Problems.notFound();
    }
    try (InputStream in = blobs.open(actor.tenantId(), bot.iconSha256())) {
      return new Icon(bot.iconSha256(), in.readAllBytes());
    } catch (BlobNotFoundException e) {
      throw Problems.notFound();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  private Messages.Sent postChecked(BotRow bot, UUID roomId, @Nullable BotMessage in) {
    BotMessage msg =
        in == null ? new BotMessage(null, null, null, null, null, null, null, null) : in;
    String kind = msg.kind() == null ? "text" : msg.kind();
    List<FieldError> errors = new ArrayList<>();
    String text;
    String payload = null;
    List<UUID> files = TalkAttachments.parseIds(msg.attachments());
    switch (kind) {
      case "text" -> {
        text =
            !files.isEmpty() && (msg.text() == null || msg.text().isBlank())
                ? ""
                : Messages.checkedText(msg.text());
      }
      case "buttons" -> {
        text = Messages.checkedText(msg.text());
        payload = RichPayload.buttons(msg.buttons(), errors);
      }
      case "link" -> {
        payload = RichPayload.link(msg.url(), msg.title(), msg.description(), errors);
        text = msg.title() == null ? "" : msg.title().strip();
      }
      default -> throw Problems.invalid("kind", "invalid", "Must be text, buttons or link.");
    }
    if (!"text".equals(kind) && !files.isEmpty()) {
      errors.add(new FieldError("attachments", "with_rich", "Files are sent with a text message."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return messages.postAs(
        bot.tenantId(),
        roomId,
        bot.id(),
        bot.name(),
        kind,
        text,
        payload,
        files,
        msg.idempotencyKey());
  }

  /** The bot room of the bot and the member: found, or created with the two of them. */
  private UUID botRoom(BotRow bot, UUID memberId) {
    String key = "bot:" + bot.id() + ":" + memberId;
    Optional<RoomRow> existing = talk.findDirect(bot.tenantId(), key);
    if (existing.isPresent()) {
      UUID roomId = existing.get().id();
      if (talk.membership(bot.tenantId(), roomId, memberId).isEmpty()) {
        tx.executeWithoutResult(
            s -> {
              talk.addMember(bot.tenantId(), roomId, memberId, "member", clock.instant(), 0);
              events.publishEvent(
                  new RoomChanged(bot.tenantId(), roomId, "room.members", List.of()));
            });
      }
      return roomId;
    }
    Instant now = clock.instant();
    RoomRow room =
        new RoomRow(
            ids.next(), bot.tenantId(), RoomType.BOT, bot.name(), key, bot.id(), now, 0, now);
    try {
      tx.executeWithoutResult(
          s -> {
            talk.insertRoom(room);
            talk.addMember(bot.tenantId(), room.id(), memberId, "member", now, 0);
            store.addBotToRoom(bot.tenantId(), room.id(), bot.id(), bot.id(), now);
            audit.record(
                AuditRecord.of(bot.tenantId(), AuditAction.BOT_ROOM_CREATED)
                    .actor(bot.id(), "bot:" + bot.name())
                    .target("room", room.id())
                    .with("member", memberId.toString()));
            events.publishEvent(
                new RoomChanged(bot.tenantId(), room.id(), "room.created", List.of()));
          });
      return room.id();
    } catch (DuplicateKeyException raced) {
      return talk.findDirect(bot.tenantId(), key).orElseThrow(() -> raced).id();
    }
  }

  private static ProblemException iconTooLarge() {
    return new ProblemException(
        HttpStatus.CONTENT_TOO_LARGE,
        "icon-too-large",
        "The icon is larger than " + MAX_ICON_BYTES / (1024 * 1024) + " MB.",
        List.of());
  }

  private static String iconOwner(UUID botId) {
    return "talk.bot-icon:" + botId;
  }

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
    return new Bot(b.id(), b.name(), b.callbackUrl(), b.createdAt(), b.iconSha256());
  }
}
