package dev.musubi.messaging;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.Member;
import dev.musubi.identity.Members;
import dev.musubi.messaging.internal.TalkStore;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.Csv;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Message content export for an investigation (as LINE WORKS's message monitoring): the messages of
 * one room, or those one member sent, over a date range, as CSV. Only super admins, only with a
 * stated reason, and every export is in the audit trail before the first row is written (who, why,
 * which room or member, which range). Recalled messages are included and marked.
 */
@Service
public class TalkExport {

  /** The longest range one export covers. */
  public static final Duration MAX_RANGE = Duration.ofDays(366);

  private static final int BATCH = 1000;

  private final JdbcClient jdbc;
  private final TalkStore store;
  private final Members members;
  private final AuditTrail audit;

  TalkExport(JdbcClient jdbc, TalkStore store, Members members, AuditTrail audit) {
    this.jdbc = jdbc;
    this.store = store;
    this.members = members;
    this.audit = audit;
  }

  /** What to export; exactly one of {@code roomId} and {@code memberId}. */
  public record Request(
      @Nullable UUID roomId,
      @Nullable UUID memberId,
      @Nullable Instant from,
      @Nullable Instant to,
      @Nullable String reason) {}

  /**
   * Checks the request (403 unless super admin, 422 for a missing reason or a bad range, 404 for a
   * room or member of another company) and records it in the audit trail; the returned export
   * writes the CSV.
   */
  public Prepared prepare(MemberPrincipal actor, Request r) {
    if (!actor.has(Role.SUPER_ADMIN)) {
      throw Problems.forbidden("Only a super admin can export message contents.");
    }
    List<FieldError> errors = new ArrayList<>();
    String reason = r.reason() == null ? "" : r.reason().strip();
    if (reason.length() < 10 || reason.length() > 500) {
      errors.add(new FieldError("reason", "length", "State the reason in 10 to 500 characters."));
    }
    if ((r.roomId() == null) == (r.memberId() == null)) {
      errors.add(new FieldError("room", "one_of", "Give either a room or a member."));
    }
    if (r.from() == null || r.to() == null || !r.from().isBefore(r.to())) {
      errors.add(new FieldError("to", "range", "Give a range whose start is before its end."));
    } else if (Duration.between(r.from(), r.to()).compareTo(MAX_RANGE) > 0) {
      errors.add(new FieldError("to", "range", "At most 366 days at a time."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    String roomName = null;
    if (r.roomId() != null) {
      roomName =
          store.findRoom(actor.tenantId(), r.roomId()).orElseThrow(Problems::notFound).name();
    } else {
      members.get(actor, r.memberId()); // 404 for another company's member
    }
    AuditRecord record =
        AuditRecord.of(actor.tenantId(), AuditAction.TALK_MESSAGES_EXPORTED)
            .actor(actor.memberId(), actor.loginId())
            .with("reason", reason)
            .with("from", r.from().toString())
            .with("to", r.to().toString());
    record =
        r.roomId() != null
            ? record.target("talk.room", r.roomId())
            : record.target("member", r.memberId());
    audit.record(record);
    return new Prepared(actor, r, roomName);
  }

  /** A checked and audited export. */
  public final class Prepared {
    private final MemberPrincipal actor;
    private final Request request;
    private final @Nullable String roomName;

    private Prepared(MemberPrincipal actor, Request request, @Nullable String roomName) {
      this.actor = actor;
      this.request = request;
      this.roomName = roomName;
    }

    /** A file name for the download. */
    public String fileName() {
      return "talk-export-" + (request.roomId() != null ? "room" : "member") + ".csv";
    }

    /**
     * Writes the CSV (UTF-8 with BOM for Excel), oldest first, in batches; returns the rows. The
     * first message at exactly {@code from} is included ({@code id > 0…0} holds for every UUIDv7).
     */
    public int writeTo(Writer out) {
      Map<UUID, String> senders = new HashMap<>();
      Map<UUID, String> rooms = new HashMap<>();
      int rows = 0;
      try {
        out.write(Csv.BOM);
        out.write(Csv.row("room", "seq", "time", "sender", "sender_name", "text", "recalled_at"));
        Instant after = request.from();
        UUID afterId = new UUID(0, 0);
        String who = request.roomId() != null ? "room_id" : "sender_id";
        UUID whom = request.roomId() != null ? request.roomId() : request.memberId();
        while (true) {
          List<Row> batch =
              jdbc.sql(
                      "SELECT id, room_id, seq, sender_id, body, payload, created_at, recalled_at"
                          + " FROM talk_message WHERE tenant_id = ? AND "
                          + who
                          + " = ? AND (created_at > ? OR (created_at = ? AND id > ?))"
                          + " AND created_at < ? ORDER BY created_at, id LIMIT ?")
                  .params(
                      actor.tenantId(),
                      whom,
                      Jdbc.ts(after),
                      Jdbc.ts(after),
                      afterId,
                      Jdbc.ts(request.to()),
                      BATCH)
                  .query(
                      (rs, i) ->
                          new Row(
                              rs.getObject("id", UUID.class),
                              rs.getObject("room_id", UUID.class),
                              rs.getLong("seq"),
                              rs.getObject("sender_id", UUID.class),
                              withPayload(rs.getString("body"), rs.getString("payload")),
                              Jdbc.requiredInstant(rs, "created_at"),
                              Jdbc.instant(rs, "recalled_at")))
                  .list();
          for (Row m : batch) {
            String room =
                roomName != null
                    ? roomName
                    : rooms.computeIfAbsent(
                        m.roomId(),
                        id ->
                            store
                                .findRoom(actor.tenantId(), id)
                                .map(TalkStore.RoomRow::name)
                                .orElse(id.toString()));
            String sender = senders.computeIfAbsent(m.senderId(), this::senderLabel);
            out.write(
                Csv.row(
                    room,
                    Long.toString(m.seq()),
                    m.createdAt().toString(),
                    sender.substring(0, sender.indexOf('\n')),
                    sender.substring(sender.indexOf('\n') + 1),
                    m.body() == null ? "" : m.body(),
                    m.recalledAt() == null ? "" : m.recalledAt().toString()));
            rows++;
          }
          if (batch.size() < BATCH) {
            break;
          }
          Row last = batch.getLast();
          after = last.createdAt();
          afterId = last.id();
        }
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return rows;
    }

    private String senderLabel(UUID id) {
      try {
        Member m = members.get(actor, id);
        return m.loginId() + "\n" + m.displayName();
      } catch (RuntimeException gone) {
        return id + "\n";
      }
    }
  }

  /** The text, with a bot's link URL or button labels after it. */
  private static @Nullable String withPayload(@Nullable String body, @Nullable String payload) {
    String extra = dev.musubi.messaging.internal.RichPayload.summary(payload);
    if (body == null || extra.isEmpty()) {
      return body;
    }
    return body + "\n" + extra;
  }

  private record Row(
      UUID id,
      UUID roomId,
      long seq,
      UUID senderId,
      @Nullable String body,
      Instant createdAt,
      @Nullable Instant recalledAt) {}
}
