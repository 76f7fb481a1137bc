package dev.musubi.messaging;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.messaging.Rooms.Access;
import dev.musubi.messaging.internal.MessageViews;
import dev.musubi.messaging.internal.RichPayload;
import dev.musubi.messaging.internal.SendRateLimiter;
import dev.musubi.messaging.internal.TalkStore;
import dev.musubi.messaging.internal.TalkStore.MessageRow;
import dev.musubi.platform.Ids;
import dev.musubi.platform.search.SearchIndex;
import dev.musubi.platform.search.SearchQuery;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Messages in the caller's rooms: send (idempotent per sender and key), page, edit and recall
 * within a window, hide for oneself, reactions and search. A room the caller is not a member of
 * answers 404 for all of them.
 */
@Service
public class Messages {

  /** The longest message text, in characters (code points). */
  public static final int MAX_TEXT = 10_000;

  /** The emoji members may react with. */
  public static final List<String> REACTIONS = List.of("👍", "❤️", "😂", "😮", "😢", "🙏", "✅");

  private static final Pattern MENTION =
      Pattern.compile(
          "@\\{([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})}");
  private static final Pattern MENTION_ALL = Pattern.compile("(?<![\\w@])@all(?![\\w])");

  private final Rooms rooms;
  private final TalkAttachments attachments;
  private final TalkPolicies policies;
  private final TalkStore store;
  private final MessageViews views;
  private final SendRateLimiter rateLimiter;
  private final ObjectProvider<SearchIndex> searchIndex;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;
  private final ApplicationEventPublisher events;
  private final TransactionTemplate tx;

  Messages(
      Rooms rooms,
      TalkAttachments attachments,
      TalkPolicies policies,
      TalkStore store,
      MessageViews views,
      SendRateLimiter rateLimiter,
      ObjectProvider<SearchIndex> searchIndex,
      AuditTrail audit,
      Ids ids,
      Clock clock,
      ApplicationEventPublisher events,
      PlatformTransactionManager transactions) {
    this.rooms = rooms;
    this.attachments = attachments;
    this.policies = policies;
    this.store = store;
    this.views = views;
    this.rateLimiter = rateLimiter;
    this.searchIndex = searchIndex;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
    this.events = events;
    this.tx = new TransactionTemplate(transactions);
  }

  /** The built-in stickers: {@code /app/stickers/<id>.svg}. */
  public static final List<String> STICKERS =
      List.of("ok", "thanks", "sorry", "great", "otsukare", "yoroshiku");

  /** The most pinned messages a room may hold. */
  public static final int MAX_PINS = 50;

  /**
   * What to send: text, or a sticker from {@link #STICKERS} without text; files and images (the IDs
   * of the sender's uploads in the room, see {@link TalkAttachments}) with or without text.
   */
  public record NewMessage(
      @Nullable String text,
      @Nullable String idempotencyKey,
      @Nullable UUID replyTo,
      @Nullable List<String> mentions,
      @Nullable String sticker,
      @Nullable List<String> attachments) {

    public NewMessage(
        @Nullable String text,
        @Nullable String idempotencyKey,
        @Nullable UUID replyTo,
        @Nullable List<String> mentions,
        @Nullable String sticker) {
      this(text, idempotencyKey, replyTo, mentions, sticker, null);
    }

    public NewMessage(
        @Nullable String text,
        @Nullable String idempotencyKey,
        @Nullable UUID replyTo,
        @Nullable List<String> mentions) {
      this(text, idempotencyKey, replyTo, mentions, null);
    }
  }

  /** The message and whether this call created it (false: a retry with the same key). */
  public record Sent(Message message, boolean created) {}

  /**
   * Posts a message. It is committed before this returns. A retry with the same idempotency key by
   * the same sender returns the first message instead of posting again.
   */
  public Sent send(MemberPrincipal actor, UUID roomId, NewMessage cmd) {
    return send(actor, roomId, cmd, null, null);
  }

  /**
   * Sends; {@code forwardOf} is the message being forwarded (its files are copied) or null; {@code
   * linkPayload} is a link card carried over by a forward, or null.
   */
  private Sent send(
      MemberPrincipal actor,
      UUID roomId,
      NewMessage cmd,
      @Nullable MessageRow forwardOf,
      @Nullable String linkPayload) {
    boolean forwarded = forwardOf != null;
    Access a = rooms.access(actor, roomId);
    UUID tenantId = actor.tenantId();
    String key = cmd.idempotencyKey();
    if (key != null && (key.isEmpty() || key.length() > 100)) {
      throw Problems.invalid("idempotencyKey", "invalid", "1 to 100 characters.");
    }
    if (key != null) {
      Optional<MessageRow> earlier =
          store.findByIdempotencyKey(tenantId, roomId, actor.memberId(), key);
      if (earlier.isPresent()) {
        return new Sent(view(tenantId, earlier.get()), false);
      }
    }
    if (a.room().type() == RoomType.ANNOUNCEMENT && !a.me().owner()) {
      throw Problems.forbidden("not-owner", "Only the owners post in an announcement room.");
    }
    String kind = linkPayload != null ? "link" : cmd.sticker() == null ? "text" : "sticker";
    List<UUID> files = TalkAttachments.parseIds(cmd.attachments());
    String text;
    if (cmd.sticker() != null && !files.isEmpty()) {
      throw Problems.invalid("sticker", "with_attachments", "A sticker is sent without files.");
    }
    boolean withFiles =
        !files.isEmpty()
            || (forwardOf != null && attachments.hasFiles(forwardOf.tenantId(), forwardOf.id()));
    if (withFiles && (cmd.text() == null || cmd.text().isBlank())) {
      text = ""; // files without text
    } else if (cmd.sticker() != null) {
      if (cmd.text() != null && !cmd.text().isEmpty()) {
        throw Problems.invalid("sticker", "with_text", "A sticker is sent without text.");
      }
      if (!STICKERS.contains(cmd.sticker())) {
        throw Problems.invalid("sticker", "unknown", "One of " + String.join(", ", STICKERS) + ".");
      }
      text = cmd.sticker();
    } else {
      text = checkedText(cmd.text());
    }
    if (cmd.replyTo() != null && store.findMessage(tenantId, roomId, cmd.replyTo()).isEmpty()) {
      throw Problems.invalid("replyTo", "unknown_message", "Not a message of this room.");
    }
    Set<UUID> roomMembers = new HashSet<>(store.memberIds(tenantId, roomId));
    Mentions mentions =
        forwarded || cmd.sticker() != null
            ? new Mentions(List.of(), false)
            : mentions(text, cmd.mentions(), roomMembers);
    rateLimiter.acquire(actor.memberId());
    try {
      Outcome row =
          tx.execute(
              s -> {
                // As the database keeps it (microseconds), since the view is built from this row.
                Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
                long seq = store.nextSeq(tenantId, roomId, now);
                if (key != null) {
                  // A racing retry may have committed while we waited for the room's lock.
                  Optional<MessageRow> raced =
                      store.findByIdempotencyKey(tenantId, roomId, actor.memberId(), key);
                  if (raced.isPresent()) {
                    s.setRollbackOnly();
                    return new Outcome(raced.get(), false);
                  }
                }
                MessageRow m =
                    new MessageRow(
                        ids.next(),
                        tenantId,
                        roomId,
                        seq,
                        actor.memberId(),
                        text,
                        cmd.replyTo(),
                        mentions.ids(),
                        mentions.all(),
                        key,
                        now,
                        null,
                        null,
                        kind,
                        forwarded,
                        null,
                        linkPayload);
                store.insertMessage(m);
                attachments.attach(tenantId, roomId, actor.memberId(), m.id(), files);
                if (forwardOf != null) {
                  attachments.copy(tenantId, forwardOf.id(), roomId, actor.memberId(), m.id());
                }
                store.moveRead(tenantId, roomId, actor.memberId(), seq);
                // Without files nothing of the view needs reading back (one message, many readers).
                Message fresh = withFiles ? null : views.created(m, roomMembers);
                events.publishEvent(
                    new MessageCreated(tenantId, roomId, m.id(), seq, actor.memberId(), fresh));
                return new Outcome(m, true, fresh);
              });
      return new Sent(row.view() != null ? row.view() : view(tenantId, row.row()), row.created());
    } catch (DuplicateKeyException raced) {
      if (key == null) {
        throw raced;
      }
      MessageRow first =
          store
              .findByIdempotencyKey(tenantId, roomId, actor.memberId(), key)
              .orElseThrow(() -> raced);
      return new Sent(view(tenantId, first), false);
    }
  }

  /**
   * Posts text as a bot or an incoming webhook (not a member of the room): idempotent per sender
   * and key, rate-limited per sender, committed before this returns.
   */
  Sent postAs(
      UUID tenantId,
      UUID roomId,
      UUID senderId,
      String senderName,
      @Nullable String textIn,
      @Nullable String key) {
    return postAs(
        tenantId, roomId, senderId, senderName, "text", checkedText(textIn), null, List.of(), key);
  }

  /**
   * Posts a checked message as a bot or webhook: {@code kind} {@code text}, {@code buttons} or
   * {@code link}, its searchable text, the rich payload (JSON, or null) and the sender's pending
   * uploads in the room to attach.
   */
  Sent postAs(
      UUID tenantId,
      UUID roomId,
      UUID senderId,
      String senderName,
      String kind,
      String text,
      @Nullable String payload,
      List<UUID> files,
      @Nullable String key) {
    if (key != null && (key.isEmpty() || key.length() > 100)) {
      throw Problems.invalid("idempotencyKey", "invalid", "1 to 100 characters.");
    }
    if (key != null) {
      Optional<MessageRow> earlier = store.findByIdempotencyKey(tenantId, roomId, senderId, key);
      if (earlier.isPresent()) {
        return new Sent(view(tenantId, earlier.get()), false);
      }
    }
    rateLimiter.acquire(senderId);
    try {
      Outcome row =
          tx.execute(
              s -> {
                Instant now = clock.instant();
                long seq = store.nextSeq(tenantId, roomId, now);
                if (key != null) {
                  Optional<MessageRow> raced =
                      store.findByIdempotencyKey(tenantId, roomId, senderId, key);
                  if (raced.isPresent()) {
                    s.setRollbackOnly();
                    return new Outcome(raced.get(), false);
                  }
                }
                MessageRow m =
                    new MessageRow(
                        ids.next(),
                        tenantId,
                        roomId,
                        seq,
                        senderId,
                        text,
                        null,
                        List.of(),
                        false,
                        key,
                        now,
                        null,
                        null,
                        kind,
                        false,
                        senderName,
                        payload);
                store.insertMessage(m);
                attachments.attach(tenantId, roomId, senderId, m.id(), files);
                events.publishEvent(new MessageCreated(tenantId, roomId, m.id(), seq, senderId));
                return new Outcome(m, true);
              });
      return new Sent(view(tenantId, row.row()), row.created());
    } catch (DuplicateKeyException raced) {
      if (key == null) {
        throw raced;
      }
      return new Sent(
          view(
              tenantId,
              store.findByIdempotencyKey(tenantId, roomId, senderId, key).orElseThrow(() -> raced)),
          false);
    }
  }

  /**
   * A page of a room's messages by sequence number, ascending: the newest by default, those before
   * {@code before} or after {@code after} otherwise; 1 ≤ limit ≤ 100.
   */
  public List<Message> page(
      MemberPrincipal actor,
      UUID roomId,
      @Nullable Long before,
      @Nullable Long after,
      @Nullable Integer limit) {
    // The room's members are the access check (the caller must be one) and the read pointers of
    // the unread counts: one query for both on the path every room switch and scroll takes.
    List<TalkStore.MemberRow> members = store.members(actor.tenantId(), roomId);
    if (members.stream().noneMatch(m -> m.memberId().equals(actor.memberId()))) {
      throw Problems.notFound();
    }
    int l = limit == null ? 50 : limit;
    if (l < 1 || l > 100) {
      throw Problems.invalid("limit", "range", "Must be between 1 and 100.");
    }
    if (before != null && before < 0) {
      throw Problems.invalid("before", "min", "Must be 0 or more.");
    }
    if (after != null && after < 0) {
      throw Problems.invalid("after", "min", "Must be 0 or more.");
    }
    List<MessageRow> rows =
        store.page(actor.tenantId(), roomId, actor.memberId(), before, after, l);
    return views.views(actor.tenantId(), roomId, rows, members);
  }

  /** One message; 404 unless the caller is a member of its room. */
  public Message get(MemberPrincipal actor, UUID roomId, UUID messageId) {
    rooms.access(actor, roomId);
    return views.view(actor.tenantId(), roomId, messageId).orElseThrow(Problems::notFound);
  }

  /** Edits the text; only the sender, within the company's edit window, not after a recall. */
  public Message edit(MemberPrincipal actor, UUID roomId, UUID messageId, @Nullable String text) {
    rooms.access(actor, roomId);
    int hours = policies.of(actor.tenantId()).editWindowHours();
    MessageRow m = ownMessage(actor, roomId, messageId, "edit", hours);
    if (!"text".equals(m.kind())) {
      throw Problems.conflict("not-text", "Only text messages can be edited.");
    }
    String t = checkedText(text);
    Set<UUID> roomMembers = new HashSet<>(store.memberIds(actor.tenantId(), roomId));
    Mentions mentions = mentions(t, null, roomMembers);
    tx.executeWithoutResult(
        s -> {
          store.editMessage(
              actor.tenantId(), messageId, t, mentions.ids(), mentions.all(), clock.instant());
          events.publishEvent(new MessageEdited(actor.tenantId(), roomId, messageId, m.seq()));
        });
    return get(actor, roomId, messageId);
  }

  /** Recalls the message for everyone; only the sender, within the company's recall window. */
  public Message recall(MemberPrincipal actor, UUID roomId, UUID messageId) {
    rooms.access(actor, roomId);
    int hours = policies.of(actor.tenantId()).recallWindowHours();
    MessageRow m = ownMessage(actor, roomId, messageId, "recall", hours);
    tx.executeWithoutResult(
        s -> {
          store.recallMessage(actor.tenantId(), messageId, clock.instant());
          attachments.release(actor.tenantId(), messageId);
          audit.record(
              AuditRecord.of(actor.tenantId(), AuditAction.MESSAGE_RECALLED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("message", messageId)
                  .with("room", roomId.toString()));
          events.publishEvent(new MessageRecalled(actor.tenantId(), roomId, messageId, m.seq()));
        });
    return get(actor, roomId, messageId);
  }

  /**
   * Recalls a bot's own message (404 for any other), within the company's recall window: its text,
   * buttons or card and files are cleared for everyone, as for a member's recall.
   */
  Message recallAs(UUID tenantId, UUID roomId, UUID senderId, String senderName, UUID messageId) {
    MessageRow m =
        store
            .findMessage(tenantId, roomId, messageId)
            .filter(r -> r.senderId().equals(senderId))
            .orElseThrow(Problems::notFound);
    if (m.recalledAt() != null) {
      throw Problems.conflict("recalled", "The message was recalled.");
    }
    int hours = policies.of(tenantId).recallWindowHours();
    if (clock.instant().isAfter(m.createdAt().plus(Duration.ofHours(hours)))) {
      throw Problems.forbidden(
          "window-closed", "Messages can only be recalled within " + hours + " hours of sending.");
    }
    tx.executeWithoutResult(
        s -> {
          store.recallMessage(tenantId, messageId, clock.instant());
          attachments.release(tenantId, messageId);
          audit.record(
              AuditRecord.of(tenantId, AuditAction.MESSAGE_RECALLED)
                  .actor(senderId, "bot:" + senderName)
                  .target("message", messageId)
                  .with("room", roomId.toString()));
          events.publishEvent(new MessageRecalled(tenantId, roomId, messageId, m.seq()));
        });
    return view(tenantId, store.findMessage(tenantId, roomId, messageId).orElseThrow());
  }

  /**
   * Who has read a message and who has not (current members other than the sender), derived from
   * the read pointers. 403 when the company hides read-by lists.
   */
  public record Readers(UUID messageId, long seq, List<UUID> read, List<UUID> unread) {}

  /** The read-by list of one message; 403 {@code read-by-hidden} when the company turned it off. */
  public Readers readers(MemberPrincipal actor, UUID roomId, UUID messageId) {
    rooms.access(actor, roomId);
    MessageRow m =
        store.findMessage(actor.tenantId(), roomId, messageId).orElseThrow(Problems::notFound);
    if (!policies.of(actor.tenantId()).readByVisible()) {
      throw Problems.forbidden("read-by-hidden", "Your company does not show who read a message.");
    }
    List<UUID> read = new java.util.ArrayList<>();
    List<UUID> unread = new java.util.ArrayList<>();
    for (var member : store.members(actor.tenantId(), roomId)) {
      if (member.memberId().equals(m.senderId())) {
        continue;
      }
      (member.lastReadSeq() >= m.seq() ? read : unread).add(member.memberId());
    }
    return new Readers(m.id(), m.seq(), read, unread);
  }

  /**
   * Forwards a message into another of the caller's rooms as a new message of the caller, marked
   * forwarded, without its reply, mentions or reactions. Files are copied (422 {@code
   * extension-blocked} or {@code attachment-too-large} when the company's current policy no longer
   * allows one of them), a link card is carried over as a link card, and a bot's buttons become
   * plain text: the message's text followed by one {@code [label]} line per button (with the link
   * of a link button), never live buttons in the other room. 404 unless the caller is in both rooms
   * and has not hidden the message; 409 for a recalled message.
   */
  public Sent forward(
      MemberPrincipal actor,
      UUID roomId,
      UUID messageId,
      @Nullable UUID targetRoomId,
      @Nullable String idempotencyKey) {
    rooms.access(actor, roomId);
    MessageRow m =
        store
            .findMessage(actor.tenantId(), roomId, messageId)
            .filter(r -> !store.isHidden(actor.tenantId(), r.id(), actor.memberId()))
            .orElseThrow(Problems::notFound);
    if (targetRoomId == null) {
      throw Problems.invalid("room", "required", "Name the room to forward to.");
    }
    // Someone else's room, or another company's, is not there for the caller.
    rooms.access(actor, targetRoomId);
    if (m.recalledAt() != null || m.body() == null) {
      throw Problems.conflict("recalled", "The message was recalled.");
    }
    attachments.checkForwardable(actor.tenantId(), m.id());
    boolean sticker = "sticker".equals(m.kind());
    String text = sticker ? null : m.body();
    String link = null;
    if ("link".equals(m.kind()) && RichPayload.linkOf(m.payload()) != null) {
      link = m.payload();
    } else if ("buttons".equals(m.kind())) {
      text = buttonsAsText(m.body(), RichPayload.buttonsOf(m.payload()));
    }
    Sent sent =
        send(
            actor,
            targetRoomId,
            new NewMessage(text, idempotencyKey, null, null, sticker ? m.body() : null),
            m,
            link);
    if (sent.created()) {
      audit.record(
          AuditRecord.of(actor.tenantId(), AuditAction.MESSAGE_FORWARDED)
              .actor(actor.memberId(), actor.loginId())
              .target("message", sent.message().id())
              .with("from", messageId.toString())
              .with("fromRoom", roomId.toString())
              .with("room", targetRoomId.toString()));
    }
    return sent;
  }

  /**
   * Pins ({@code pin}) or unpins a message in its room. Any member may pin, but only owners in an
   * announcement room; at most {@link #MAX_PINS} per room; recalled messages cannot be pinned.
   */
  public Message pin(MemberPrincipal actor, UUID roomId, UUID messageId, boolean pin) {
    Access a = rooms.access(actor, roomId);
    MessageRow m =
        store.findMessage(actor.tenantId(), roomId, messageId).orElseThrow(Problems::notFound);
    if (a.room().type() == RoomType.ANNOUNCEMENT && !a.me().owner()) {
      throw Problems.forbidden("not-owner", "Only the owners pin in an announcement room.");
    }
    if (pin && m.recalledAt() != null) {
      throw Problems.conflict("recalled", "The message was recalled.");
    }
    tx.executeWithoutResult(
        s -> {
          store.lockRoom(actor.tenantId(), roomId);
          if (pin && store.pinCount(actor.tenantId(), roomId) >= MAX_PINS) {
            throw Problems.conflict(
                "too-many-pins", "A room holds at most " + MAX_PINS + " pinned messages.");
          }
          boolean changed =
              pin
                  ? store.pin(
                      actor.tenantId(), roomId, messageId, actor.memberId(), clock.instant())
                  : store.unpin(actor.tenantId(), roomId, messageId);
          if (changed) {
            events.publishEvent(new MessagePinned(actor.tenantId(), roomId, messageId, m.seq()));
          }
        });
    return get(actor, roomId, messageId);
  }

  /** The room's pinned messages, newest pin first (without those the caller hid). */
  public List<Message> pins(MemberPrincipal actor, UUID roomId) {
    rooms.access(actor, roomId);
    List<UUID> ids = store.pinnedIds(actor.tenantId(), roomId);
    Map<UUID, MessageRow> byId =
        store.messagesByIds(actor.tenantId(), ids).stream()
            .filter(r -> r.roomId().equals(roomId))
            .collect(Collectors.toMap(MessageRow::id, Function.identity()));
    List<MessageRow> ordered = ids.stream().map(byId::get).filter(r -> r != null).toList();
    return views.views(actor.tenantId(), roomId, ordered);
  }

  /** Hides a message from the caller's own view of the room ("delete for me"). */
  public void hide(MemberPrincipal actor, UUID roomId, UUID messageId) {
    rooms.access(actor, roomId);
    store.findMessage(actor.tenantId(), roomId, messageId).orElseThrow(Problems::notFound);
    store.hide(actor.tenantId(), messageId, actor.memberId());
  }

  /** Adds ({@code add}) or removes the caller's reaction; emoji from {@link #REACTIONS}. */
  public Message react(
      MemberPrincipal actor, UUID roomId, UUID messageId, String emoji, boolean add) {
    rooms.access(actor, roomId);
    MessageRow m =
        store.findMessage(actor.tenantId(), roomId, messageId).orElseThrow(Problems::notFound);
    String e = "❤".equals(emoji) ? "❤️" : emoji;
    if (!REACTIONS.contains(e)) {
      throw Problems.invalid("emoji", "invalid", "One of " + String.join(" ", REACTIONS) + ".");
    }
    if (m.recalledAt() != null) {
      throw Problems.conflict("recalled", "The message was recalled.");
    }
    tx.executeWithoutResult(
        s -> {
          boolean changed =
              add
                  ? store.addReaction(
                      actor.tenantId(), messageId, actor.memberId(), e, clock.instant())
                  : store.removeReaction(actor.tenantId(), messageId, actor.memberId(), e);
          if (changed) {
            events.publishEvent(new ReactionChanged(actor.tenantId(), roomId, messageId, m.seq()));
          }
        });
    return get(actor, roomId, messageId);
  }

  /** One search hit; {@code highlight} is HTML-escaped text with {@code <mark>} around matches. */
  public record Hit(
      UUID messageId, UUID roomId, long seq, UUID senderId, Instant createdAt, String highlight) {}

  /**
   * Searches messages in the caller's rooms (or one of them). 503 when no search index is
   * configured.
   */
  public List<Hit> search(
      MemberPrincipal actor,
      @Nullable String q,
      @Nullable UUID room,
      @Nullable UUID sender,
      @Nullable Instant after,
      @Nullable Instant before) {
    if (q == null || q.isBlank()) {
      throw Problems.invalid("q", "required", "Required.");
    }
    if (q.length() > 200) {
      throw Problems.invalid("q", "too_long", "At most 200 characters.");
    }
    Set<String> scopes;
    if (room != null) {
      rooms.access(actor, room);
      scopes = Set.of(room.toString());
    } else {
      scopes =
          store.roomIdsOf(actor.tenantId(), actor.memberId()).stream()
              .map(UUID::toString)
              .collect(Collectors.toSet());
    }
    SearchIndex index = searchIndex.getIfAvailable();
    if (index == null) {
      throw new ProblemException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "search-unavailable",
          "Search is not available.",
          List.of());
    }
    if (scopes.isEmpty()) {
      return List.of();
    }
    var result =
        index.search(
            new SearchQuery(
                actor.tenantId(),
                "message",
                q,
                scopes,
                sender == null ? null : sender.toString(),
                after,
                before,
                50));
    List<UUID> hitIds =
        result.hits().stream().map(h -> Ids.parseOrNull(h.id())).filter(x -> x != null).toList();
    Map<UUID, MessageRow> rows =
        store.messagesByIds(actor.tenantId(), hitIds).stream()
            .collect(Collectors.toMap(MessageRow::id, Function.identity()));
    return result.hits().stream()
        .map(
            h -> {
              UUID id = Ids.parseOrNull(h.id());
              MessageRow r = id == null ? null : rows.get(id);
              if (r == null || r.recalledAt() != null || !scopes.contains(r.roomId().toString())) {
                return null;
              }
              return new Hit(
                  r.id(), r.roomId(), r.seq(), r.senderId(), r.createdAt(), h.highlight());
            })
        .filter(h -> h != null)
        .toList();
  }

  // ------------------------------------------------------------------------------------------

  private MessageRow ownMessage(
      MemberPrincipal actor, UUID roomId, UUID messageId, String what, int windowHours) {
    MessageRow m =
        store.findMessage(actor.tenantId(), roomId, messageId).orElseThrow(Problems::notFound);
    if (!m.senderId().equals(actor.memberId())) {
      throw Problems.forbidden("not-sender", "Only the sender can " + what + " a message.");
    }
    if (m.recalledAt() != null) {
      throw Problems.conflict("recalled", "The message was recalled.");
    }
    if (clock.instant().isAfter(m.createdAt().plus(Duration.ofHours(windowHours)))) {
      throw Problems.forbidden(
          "window-closed",
          "Messages can only be " + what + "ed within " + windowHours + " hours of sending.");
    }
    return m;
  }

  private Message view(UUID tenantId, MessageRow row) {
    return views.views(tenantId, row.roomId(), List.of(row)).get(0);
  }

  /** Text of 1 to {@link #MAX_TEXT} characters; no control characters but newline and tab. */
  static String checkedText(@Nullable String text) {
    if (text == null || text.isBlank()) {
      throw Problems.invalid("text", "required", "Required.");
    }
    if (text.codePointCount(0, text.length()) > MAX_TEXT) {
      throw Problems.invalid("text", "too_long", "At most " + MAX_TEXT + " characters.");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) && c != '\n' && c != '\t') {
        throw Problems.invalid("text", "control", "Control characters are not allowed.");
      }
    }
    return text;
  }

  /**
   * A buttons message as plain text: its text, a blank line and one {@code [label]} line per button
   * ({@code [label] url} for a link button), the text shortened with … so that the whole stays
   * within {@link #MAX_TEXT}.
   */
  static String buttonsAsText(String text, @Nullable List<Message.Button> buttons) {
    StringBuilder labels = new StringBuilder();
    for (Message.Button b : buttons == null ? List.<Message.Button>of() : buttons) {
      labels.append('\n').append('[').append(b.label()).append(']');
      if (b.url() != null) {
        labels.append(' ').append(b.url());
      }
    }
    if (labels.isEmpty()) {
      return text;
    }
    String body = text.strip();
    int room = MAX_TEXT - labels.codePointCount(0, labels.length()) - 1;
    if (body.codePointCount(0, body.length()) > room) {
      body = body.substring(0, body.offsetByCodePoints(0, Math.max(0, room - 1))) + "…";
    }
    return body.isEmpty() ? labels.substring(1) : body + "\n" + labels;
  }

  /** The message row, whether this call created it, and its view when built without reading. */
  private record Outcome(MessageRow row, boolean created, @Nullable Message view) {
    Outcome(MessageRow row, boolean created) {
      this(row, created, null);
    }
  }

  record Mentions(List<UUID> ids, boolean all) {}

  /** {@code @{memberId}} tokens and the explicit list, kept only for members of the room. */
  static Mentions mentions(String text, @Nullable List<String> explicit, Set<UUID> roomMembers) {
    Set<UUID> found = new LinkedHashSet<>();
    Matcher m = MENTION.matcher(text);
    while (m.find()) {
      found.add(UUID.fromString(m.group(1)));
    }
    if (explicit != null) {
      for (String s : explicit) {
        UUID id = s == null ? null : Ids.parseOrNull(s);
        if (id != null) {
          found.add(id);
        }
      }
    }
    found.retainAll(roomMembers);
    return new Mentions(found.stream().limit(100).toList(), MENTION_ALL.matcher(text).find());
  }
}
