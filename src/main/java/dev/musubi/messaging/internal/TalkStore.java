package dev.musubi.messaging.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.messaging.Message.Reaction;
import dev.musubi.messaging.RoomType;
import dev.musubi.platform.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The talk tables. Every statement filters on the tenant. */
@Repository
public class TalkStore {

  public record RoomRow(
      UUID id,
      UUID tenantId,
      RoomType type,
      String name,
      @Nullable String directKey,
      UUID createdBy,
      Instant createdAt,
      long lastSeq,
      Instant lastActivityAt,
      @Nullable UUID departmentId,
      boolean includeSub) {

    public RoomRow(
        UUID id,
        UUID tenantId,
        RoomType type,
        String name,
        @Nullable String directKey,
        UUID createdBy,
        Instant createdAt,
        long lastSeq,
        Instant lastActivityAt) {
      this(
          id,
          tenantId,
          type,
          name,
          directKey,
          createdBy,
          createdAt,
          lastSeq,
          lastActivityAt,
          null,
          false);
    }
  }

  public record MemberRow(
      UUID roomId,
      UUID memberId,
      String role,
      Instant joinedAt,
      long lastReadSeq,
      boolean muted,
      boolean pinned,
      boolean archived) {
    public boolean owner() {
      return "owner".equals(role);
    }
  }

  public record MessageRow(
      UUID id,
      UUID tenantId,
      UUID roomId,
      long seq,
      UUID senderId,
      @Nullable String body,
      @Nullable UUID replyTo,
      List<UUID> mentions,
      boolean mentionsAll,
      @Nullable String idempotencyKey,
      Instant createdAt,
      @Nullable Instant editedAt,
      @Nullable Instant recalledAt,
      String kind,
      boolean forwarded,
      @Nullable String senderName,
      @Nullable String payload) {

    /** A row without a rich payload (buttons or link card JSON). */
    public MessageRow(
        UUID id,
        UUID tenantId,
        UUID roomId,
        long seq,
        UUID senderId,
        @Nullable String body,
        @Nullable UUID replyTo,
        List<UUID> mentions,
        boolean mentionsAll,
        @Nullable String idempotencyKey,
        Instant createdAt,
        @Nullable Instant editedAt,
        @Nullable Instant recalledAt,
        String kind,
        boolean forwarded,
        @Nullable String senderName) {
      this(
          id,
          tenantId,
          roomId,
          seq,
          senderId,
          body,
          replyTo,
          mentions,
          mentionsAll,
          idempotencyKey,
          createdAt,
          editedAt,
          recalledAt,
          kind,
          forwarded,
          senderName,
          null);
    }

    public MessageRow(
        UUID id,
        UUID tenantId,
        UUID roomId,
        long seq,
        UUID senderId,
        @Nullable String body,
        @Nullable UUID replyTo,
        List<UUID> mentions,
        boolean mentionsAll,
        @Nullable String idempotencyKey,
        Instant createdAt,
        @Nullable Instant editedAt,
        @Nullable Instant recalledAt,
        String kind,
        boolean forwarded) {
      this(
          id,
          tenantId,
          roomId,
          seq,
          senderId,
          body,
          replyTo,
          mentions,
          mentionsAll,
          idempotencyKey,
          createdAt,
          editedAt,
          recalledAt,
          kind,
          forwarded,
          null,
          null);
    }
  }

  /** One of my rooms with my membership and the newest message, if any. */
  public record MyRoomRow(RoomRow room, MemberRow me, @Nullable MessageRow last) {}

  private final JdbcClient jdbc;

  TalkStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  // ---- rooms -------------------------------------------------------------------------------

  public void insertRoom(RoomRow r) {
    jdbc.sql(
            "INSERT INTO talk_room (id, tenant_id, type, name, direct_key, created_by, created_at,"
                + " last_seq, last_activity_at, department_id, include_sub)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)")
        .params(
            r.id(),
            r.tenantId(),
            r.type().code(),
            r.name(),
            r.directKey(),
            r.createdBy(),
            ts(r.createdAt()),
            ts(r.lastActivityAt()),
            r.departmentId(),
            r.includeSub())
        .update();
  }

  public Optional<RoomRow> findRoom(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM talk_room WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(TalkStore::room)
        .optional();
  }

  /** The company's department rooms. */
  public List<RoomRow> departmentRooms(UUID tenantId) {
    return jdbc.sql(
            "SELECT * FROM talk_room WHERE tenant_id = ? AND type = 'department'"
                + " AND department_id IS NOT NULL")
        .param(tenantId)
        .query(TalkStore::room)
        .list();
  }

  public Optional<RoomRow> findDirect(UUID tenantId, String directKey) {
    return jdbc.sql("SELECT * FROM talk_room WHERE tenant_id = ? AND direct_key = ?")
        .params(tenantId, directKey)
        .query(TalkStore::room)
        .optional();
  }

  public void rename(UUID tenantId, UUID id, String name) {
    jdbc.sql("UPDATE talk_room SET name = ? WHERE tenant_id = ? AND id = ?")
        .params(name, tenantId, id)
        .update();
  }

  /**
   * Allocates the room's next message sequence number. The row lock taken by the UPDATE is held
   * until the transaction ends, so concurrent senders in a room are serialised and a rolled-back
   * send leaves no gap.
   */
  public long nextSeq(UUID tenantId, UUID roomId, Instant now) {
    int n =
        jdbc.sql(
                "UPDATE talk_room SET last_seq = last_seq + 1, last_activity_at = ?"
                    + " WHERE tenant_id = ? AND id = ?")
            .params(ts(now), tenantId, roomId)
            .update();
    if (n != 1) {
      throw new IllegalStateException("No such room");
    }
    return jdbc.sql("SELECT last_seq FROM talk_room WHERE tenant_id = ? AND id = ?")
        .params(tenantId, roomId)
        .query(Long.class)
        .single();
  }

  /** Takes the room's row lock (same lock as {@link #nextSeq}). */
  public void lockRoom(UUID tenantId, UUID roomId) {
    jdbc.sql("UPDATE talk_room SET last_seq = last_seq WHERE tenant_id = ? AND id = ?")
        .params(tenantId, roomId)
        .update();
  }

  // ---- members -----------------------------------------------------------------------------

  public List<MemberRow> members(UUID tenantId, UUID roomId) {
    return jdbc.sql(
            "SELECT * FROM talk_member WHERE tenant_id = ? AND room_id = ?"
                + " ORDER BY joined_at, member_id")
        .params(tenantId, roomId)
        .query(TalkStore::member)
        .list();
  }

  public List<UUID> memberIds(UUID tenantId, UUID roomId) {
    return jdbc.sql("SELECT member_id FROM talk_member WHERE tenant_id = ? AND room_id = ?")
        .params(tenantId, roomId)
        .query((rs, i) -> rs.getObject(1, UUID.class))
        .list();
  }

  public Optional<MemberRow> membership(UUID tenantId, UUID roomId, UUID memberId) {
    return jdbc.sql(
            "SELECT * FROM talk_member WHERE tenant_id = ? AND room_id = ? AND member_id = ?")
        .params(tenantId, roomId, memberId)
        .query(TalkStore::member)
        .optional();
  }

  /** Adds a member unless present; returns whether they were added. */
  public boolean addMember(
      UUID tenantId, UUID roomId, UUID memberId, String role, Instant now, long lastReadSeq) {
    return jdbc.sql(
                "INSERT INTO talk_member (tenant_id, room_id, member_id, role, joined_at,"
                    + " last_read_seq, muted, pinned) VALUES (?, ?, ?, ?, ?, ?, FALSE, FALSE)"
                    + " ON CONFLICT DO NOTHING")
            .params(tenantId, roomId, memberId, role, ts(now), lastReadSeq)
            .update()
        == 1;
  }

  public boolean removeMember(UUID tenantId, UUID roomId, UUID memberId) {
    return jdbc.sql("DELETE FROM talk_member WHERE tenant_id = ? AND room_id = ? AND member_id = ?")
            .params(tenantId, roomId, memberId)
            .update()
        == 1;
  }

  public void setRole(UUID tenantId, UUID roomId, UUID memberId, String role) {
    jdbc.sql(
            "UPDATE talk_member SET role = ? WHERE tenant_id = ? AND room_id = ? AND member_id = ?")
        .params(role, tenantId, roomId, memberId)
        .update();
  }

  public void setFlag(UUID tenantId, UUID roomId, UUID memberId, String flag, boolean value) {
    String column =
        switch (flag) {
          case "muted" -> "muted";
          case "pinned" -> "pinned";
          case "archived" -> "archived";
          default -> throw new IllegalArgumentException(flag);
        };
    jdbc.sql(
            "UPDATE talk_member SET "
                + column
                + " = ? WHERE tenant_id = ? AND room_id = ? AND member_id = ?")
        .params(value, tenantId, roomId, memberId)
        .update();
  }

  /** Moves the read pointer forward only; returns whether it moved. */
  public boolean moveRead(UUID tenantId, UUID roomId, UUID memberId, long upTo) {
    return jdbc.sql(
                "UPDATE talk_member SET last_read_seq = ? WHERE tenant_id = ? AND room_id = ?"
                    + " AND member_id = ? AND last_read_seq < ?")
            .params(upTo, tenantId, roomId, memberId, upTo)
            .update()
        == 1;
  }

  /** My rooms with my membership and the newest message. */
  public List<MyRoomRow> myRooms(UUID tenantId, UUID memberId) {
    return myRooms(tenantId, memberId, null);
  }

  /** One of my rooms with my membership and the newest message. */
  public Optional<MyRoomRow> myRoom(UUID tenantId, UUID memberId, UUID roomId) {
    return myRooms(tenantId, memberId, roomId).stream().findFirst();
  }

  /** A room and a member's membership of it, together. */
  public record RoomAndMember(RoomRow room, MemberRow me) {}

  /** The room and the member's membership of it, in one query; empty when either is missing. */
  public Optional<RoomAndMember> roomAndMember(UUID tenantId, UUID roomId, UUID memberId) {
    return jdbc.sql(
            "SELECT r.*, "
                + PREFIXED_MEMBER
                + " FROM talk_room r JOIN talk_member tm ON tm.room_id = r.id"
                + " AND tm.tenant_id = r.tenant_id"
                + " WHERE r.tenant_id = ? AND r.id = ? AND tm.member_id = ?")
        .params(tenantId, roomId, memberId)
        .query((rs, i) -> new RoomAndMember(room(rs, i), member(rs, "m_")))
        .optional();
  }

  private static final String PREFIXED_MEMBER =
      "tm.room_id AS m_room_id, tm.member_id AS m_member_id, tm.role AS m_role,"
          + " tm.joined_at AS m_joined_at, tm.last_read_seq AS m_last_read_seq,"
          + " tm.muted AS m_muted, tm.pinned AS m_pinned, tm.archived AS m_archived";

  private List<MyRoomRow> myRooms(UUID tenantId, UUID memberId, @Nullable UUID roomId) {
    List<Object> params = new ArrayList<>(List.of(tenantId, memberId, tenantId));
    if (roomId != null) {
      params.add(roomId);
    }
    return jdbc.sql(
            "SELECT r.*, "
                + PREFIXED_MEMBER
                + ", msg.id AS l_id, msg.seq AS l_seq, msg.sender_id AS l_sender_id,"
                + " msg.body AS l_body, msg.created_at AS l_created_at,"
                + " msg.recalled_at AS l_recalled_at, msg.kind AS l_kind,"
                + " msg.forwarded AS l_forwarded"
                + " FROM talk_member tm JOIN talk_room r ON r.id = tm.room_id"
                + " LEFT JOIN talk_message msg ON msg.room_id = r.id AND msg.seq = r.last_seq"
                + " AND msg.tenant_id = r.tenant_id"
                + " WHERE tm.tenant_id = ? AND tm.member_id = ? AND r.tenant_id = ?"
                + (roomId == null ? "" : " AND r.id = ?"))
        .params(params)
        .query(
            (rs, i) -> {
              RoomRow room = room(rs, i);
              MemberRow me = member(rs, "m_");
              UUID lastId = rs.getObject("l_id", UUID.class);
              MessageRow last =
                  lastId == null
                      ? null
                      : new MessageRow(
                          lastId,
                          tenantId,
                          room.id(),
                          rs.getLong("l_seq"),
                          rs.getObject("l_sender_id", UUID.class),
                          rs.getString("l_body"),
                          null,
                          List.of(),
                          false,
                          null,
                          Jdbc.requiredInstant(rs, "l_created_at"),
                          null,
                          Jdbc.instant(rs, "l_recalled_at"),
                          rs.getString("l_kind"),
                          rs.getBoolean("l_forwarded"));
              return new MyRoomRow(room, me, last);
            })
        .list();
  }

  /** Memberships of the given rooms, by room. */
  public Map<UUID, List<MemberRow>> membersOf(UUID tenantId, Collection<UUID> roomIds) {
    Map<UUID, List<MemberRow>> result = new LinkedHashMap<>();
    if (roomIds.isEmpty()) {
      return result;
    }
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    params.addAll(roomIds);
    jdbc.sql(
            "SELECT * FROM talk_member WHERE tenant_id = ? AND room_id IN ("
                + placeholders(roomIds.size())
                + ") ORDER BY joined_at, member_id")
        .params(params)
        .query(TalkStore::member)
        .list()
        .forEach(m -> result.computeIfAbsent(m.roomId(), k -> new ArrayList<>()).add(m));
    return result;
  }

  public List<UUID> roomIdsOf(UUID tenantId, UUID memberId) {
    return jdbc.sql("SELECT room_id FROM talk_member WHERE tenant_id = ? AND member_id = ?")
        .params(tenantId, memberId)
        .query((rs, i) -> rs.getObject(1, UUID.class))
        .list();
  }

  public long unreadTotal(UUID tenantId, UUID memberId) {
    Long n =
        jdbc.sql(
                "SELECT COALESCE(SUM(r.last_seq - tm.last_read_seq), 0) FROM talk_member tm"
                    + " JOIN talk_room r ON r.id = tm.room_id AND r.tenant_id = tm.tenant_id"
                    + " WHERE tm.tenant_id = ? AND tm.member_id = ? AND r.last_seq > tm.last_read_seq")
            .params(tenantId, memberId)
            .query(Long.class)
            .single();
    return n == null ? 0 : n;
  }

  // ---- messages ----------------------------------------------------------------------------

  public void insertMessage(MessageRow m) {
    jdbc.sql(
            "INSERT INTO talk_message (id, tenant_id, room_id, seq, sender_id, body, reply_to,"
                + " mentions, mentions_all, idempotency_key, created_at, kind, forwarded,"
                + " sender_name, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            m.id(),
            m.tenantId(),
            m.roomId(),
            m.seq(),
            m.senderId(),
            m.body(),
            m.replyTo(),
            joinIds(m.mentions()),
            m.mentionsAll(),
            m.idempotencyKey(),
            ts(m.createdAt()),
            m.kind(),
            m.forwarded(),
            m.senderName(),
            m.payload())
        .update();
    // A new message brings the room back for members who archived it.
    jdbc.sql(
            "UPDATE talk_member SET archived = FALSE WHERE tenant_id = ? AND room_id = ?"
                + " AND archived = TRUE")
        .params(m.tenantId(), m.roomId())
        .update();
  }

  public Optional<MessageRow> findMessage(UUID tenantId, UUID roomId, UUID id) {
    return jdbc.sql("SELECT * FROM talk_message WHERE tenant_id = ? AND room_id = ? AND id = ?")
        .params(tenantId, roomId, id)
        .query(TalkStore::message)
        .optional();
  }

  public Optional<MessageRow> findByIdempotencyKey(
      UUID tenantId, UUID roomId, UUID senderId, String key) {
    return jdbc.sql(
            "SELECT * FROM talk_message WHERE tenant_id = ? AND room_id = ? AND sender_id = ?"
                + " AND idempotency_key = ?")
        .params(tenantId, roomId, senderId, key)
        .query(TalkStore::message)
        .optional();
  }

  /**
   * A page of a room by sequence number, ascending, without the messages the viewer hid: the newest
   * {@code limit} when neither bound is given, the oldest after {@code after} when it is.
   */
  public List<MessageRow> page(
      UUID tenantId,
      UUID roomId,
      UUID viewer,
      @Nullable Long before,
      @Nullable Long after,
      int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT * FROM talk_message m WHERE m.tenant_id = ? AND m.room_id = ?"
                + " AND NOT EXISTS (SELECT 1 FROM talk_hidden h WHERE h.message_id = m.id"
                + " AND h.member_id = ? AND h.tenant_id = m.tenant_id)");
    List<Object> params = new ArrayList<>(List.of(tenantId, roomId, viewer));
    if (before != null) {
      sql.append(" AND m.seq < ?");
      params.add(before);
    }
    if (after != null) {
      sql.append(" AND m.seq > ?");
      params.add(after);
    }
    boolean ascending = after != null;
    sql.append(ascending ? " ORDER BY m.seq ASC" : " ORDER BY m.seq DESC").append(" LIMIT ?");
    params.add(limit);
    List<MessageRow> rows =
        new ArrayList<>(jdbc.sql(sql.toString()).params(params).query(TalkStore::message).list());
    if (!ascending) {
      java.util.Collections.reverse(rows);
    }
    return rows;
  }

  public List<MessageRow> messagesByIds(UUID tenantId, Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    params.addAll(ids);
    return jdbc.sql(
            "SELECT * FROM talk_message WHERE tenant_id = ? AND id IN ("
                + placeholders(ids.size())
                + ")")
        .params(params)
        .query(TalkStore::message)
        .list();
  }

  /** The companies that have talk messages. */
  public List<UUID> tenantsWithMessages() {
    return jdbc.sql("SELECT DISTINCT tenant_id FROM talk_message")
        .query((rs, i) -> rs.getObject(1, UUID.class))
        .list();
  }

  /**
   * Up to {@code limit} live text messages of a company with IDs after {@code after}, by ID. Walks
   * the index on (tenant_id, id) in its order, so each batch reads only its own rows: ordered by id
   * alone, H2 chose the (tenant_id, created_at) index and sorted all the company's messages for
   * every batch, which made a rebuild of a million messages take hours.
   */
  public List<MessageRow> textMessagesAfter(UUID tenantId, @Nullable UUID after, int limit) {
    return jdbc.sql(
            "SELECT * FROM talk_message WHERE tenant_id = ? AND recalled_at IS NULL"
                + " AND kind IN ('text', 'buttons', 'link') AND body IS NOT NULL"
                + (after == null ? "" : " AND id > ?")
                + " ORDER BY tenant_id, id LIMIT ?")
        .params(
            after == null
                ? List.<Object>of(tenantId, limit)
                : List.<Object>of(tenantId, after, limit))
        .query(TalkStore::message)
        .list();
  }

  public void editMessage(
      UUID tenantId, UUID id, String body, List<UUID> mentions, boolean all, Instant now) {
    jdbc.sql(
            "UPDATE talk_message SET body = ?, mentions = ?, mentions_all = ?, edited_at = ?"
                + " WHERE tenant_id = ? AND id = ?")
        .params(body, joinIds(mentions), all, ts(now), tenantId, id)
        .update();
  }

  public void recallMessage(UUID tenantId, UUID id, Instant now) {
    jdbc.sql(
            "UPDATE talk_message SET body = NULL, payload = NULL, mentions = '',"
                + " mentions_all = FALSE, recalled_at = ? WHERE tenant_id = ? AND id = ?")
        .params(ts(now), tenantId, id)
        .update();
    jdbc.sql("DELETE FROM talk_reaction WHERE tenant_id = ? AND message_id = ?")
        .params(tenantId, id)
        .update();
    jdbc.sql("DELETE FROM talk_pin WHERE tenant_id = ? AND message_id = ?")
        .params(tenantId, id)
        .update();
  }

  // ---- pins --------------------------------------------------------------------------------

  public boolean pin(UUID tenantId, UUID roomId, UUID messageId, UUID by, Instant now) {
    return jdbc.sql(
                "INSERT INTO talk_pin (tenant_id, room_id, message_id, pinned_by, pinned_at)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .params(tenantId, roomId, messageId, by, ts(now))
            .update()
        == 1;
  }

  public boolean unpin(UUID tenantId, UUID roomId, UUID messageId) {
    return jdbc.sql("DELETE FROM talk_pin WHERE tenant_id = ? AND room_id = ? AND message_id = ?")
            .params(tenantId, roomId, messageId)
            .update()
        == 1;
  }

  public long pinCount(UUID tenantId, UUID roomId) {
    return jdbc.sql("SELECT COUNT(*) FROM talk_pin WHERE tenant_id = ? AND room_id = ?")
        .params(tenantId, roomId)
        .query(Long.class)
        .single();
  }

  /** The room's pinned message IDs, newest pin first. */
  public List<UUID> pinnedIds(UUID tenantId, UUID roomId) {
    return jdbc.sql(
            "SELECT message_id FROM talk_pin WHERE tenant_id = ? AND room_id = ?"
                + " ORDER BY pinned_at DESC, message_id")
        .params(tenantId, roomId)
        .query((rs, i) -> rs.getObject(1, UUID.class))
        .list();
  }

  /** Whether the member hid the message from their own view ("delete for me"). */
  public boolean isHidden(UUID tenantId, UUID messageId, UUID memberId) {
    return jdbc.sql(
                "SELECT COUNT(*) FROM talk_hidden WHERE tenant_id = ? AND message_id = ?"
                    + " AND member_id = ?")
            .params(tenantId, messageId, memberId)
            .query(Long.class)
            .single()
        > 0;
  }

  public void hide(UUID tenantId, UUID messageId, UUID memberId) {
    jdbc.sql(
            "INSERT INTO talk_hidden (tenant_id, message_id, member_id) VALUES (?, ?, ?)"
                + " ON CONFLICT DO NOTHING")
        .params(tenantId, messageId, memberId)
        .update();
  }

  public boolean addReaction(
      UUID tenantId, UUID messageId, UUID memberId, String emoji, Instant now) {
    return jdbc.sql(
                "INSERT INTO talk_reaction (tenant_id, message_id, member_id, emoji, created_at)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .params(tenantId, messageId, memberId, emoji, ts(now))
            .update()
        == 1;
  }

  public boolean removeReaction(UUID tenantId, UUID messageId, UUID memberId, String emoji) {
    return jdbc.sql(
                "DELETE FROM talk_reaction WHERE tenant_id = ? AND message_id = ? AND member_id = ?"
                    + " AND emoji = ?")
            .params(tenantId, messageId, memberId, emoji)
            .update()
        == 1;
  }

  /** Reactions of the given messages, by message, emoji in first-use order. */
  public Map<UUID, List<Reaction>> reactions(UUID tenantId, Collection<UUID> messageIds) {
    Map<UUID, Map<String, List<UUID>>> grouped = new LinkedHashMap<>();
    if (!messageIds.isEmpty()) {
      List<Object> params = new ArrayList<>();
      params.add(tenantId);
      params.addAll(messageIds);
      jdbc.sql(
              "SELECT message_id, member_id, emoji FROM talk_reaction WHERE tenant_id = ?"
                  + " AND message_id IN ("
                  + placeholders(messageIds.size())
                  + ") ORDER BY created_at, member_id")
          .params(params)
          .query(
              (rs, i) -> {
                grouped
                    .computeIfAbsent(rs.getObject(1, UUID.class), k -> new LinkedHashMap<>())
                    .computeIfAbsent(rs.getString(3), k -> new ArrayList<>())
                    .add(rs.getObject(2, UUID.class));
                return 0;
              })
          .list();
    }
    Map<UUID, List<Reaction>> result = new LinkedHashMap<>();
    grouped.forEach(
        (id, byEmoji) -> {
          List<Reaction> list = new ArrayList<>();
          byEmoji.forEach((e, members) -> list.add(new Reaction(e, List.copyOf(members))));
          result.put(id, list);
        });
    return result;
  }

  // ---- mapping -----------------------------------------------------------------------------

  private static RoomRow room(ResultSet rs, int i) throws SQLException {
    return new RoomRow(
        rs.getObject("id", UUID.class),
        rs.getObject("tenant_id", UUID.class),
        RoomType.valueOf(rs.getString("type").toUpperCase(Locale.ROOT)),
        rs.getString("name"),
        rs.getString("direct_key"),
        rs.getObject("created_by", UUID.class),
        Jdbc.requiredInstant(rs, "created_at"),
        rs.getLong("last_seq"),
        Jdbc.requiredInstant(rs, "last_activity_at"),
        rs.getObject("department_id", UUID.class),
        rs.getBoolean("include_sub"));
  }

  private static MemberRow member(ResultSet rs, int i) throws SQLException {
    return member(rs, "");
  }

  /** The membership in the row's columns named with {@code prefix} before the column names. */
  private static MemberRow member(ResultSet rs, String prefix) throws SQLException {
    return new MemberRow(
        rs.getObject(prefix + "room_id", UUID.class),
        rs.getObject(prefix + "member_id", UUID.class),
        rs.getString(prefix + "role"),
        Jdbc.requiredInstant(rs, prefix + "joined_at"),
        rs.getLong(prefix + "last_read_seq"),
        rs.getBoolean(prefix + "muted"),
        rs.getBoolean(prefix + "pinned"),
        rs.getBoolean(prefix + "archived"));
  }

  private static MessageRow message(ResultSet rs, int i) throws SQLException {
    return new MessageRow(
        rs.getObject("id", UUID.class),
        rs.getObject("tenant_id", UUID.class),
        rs.getObject("room_id", UUID.class),
        rs.getLong("seq"),
        rs.getObject("sender_id", UUID.class),
        rs.getString("body"),
        rs.getObject("reply_to", UUID.class),
        splitIds(rs.getString("mentions")),
        rs.getBoolean("mentions_all"),
        rs.getString("idempotency_key"),
        Jdbc.requiredInstant(rs, "created_at"),
        Jdbc.instant(rs, "edited_at"),
        Jdbc.instant(rs, "recalled_at"),
        rs.getString("kind"),
        rs.getBoolean("forwarded"),
        rs.getString("sender_name"),
        rs.getString("payload"));
  }

  private static String joinIds(List<UUID> ids) {
    return String.join(",", ids.stream().map(UUID::toString).toList());
  }

  private static List<UUID> splitIds(@Nullable String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(text.split(",")).map(UUID::fromString).toList();
  }

  private static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }
}
