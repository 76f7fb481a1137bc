package dev.musubi.messaging.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.messaging.TalkAttachments;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.privacy.ExportSink;
import dev.musubi.platform.privacy.HeldScope;
import dev.musubi.platform.privacy.HoldableScope;
import dev.musubi.platform.privacy.PersonalDataEraser;
import dev.musubi.platform.privacy.PersonalDataSource;
import dev.musubi.platform.privacy.RetentionTarget;
import dev.musubi.platform.privacy.SqlLists;
import dev.musubi.platform.search.SearchIndex;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talk's part of privacy: the messages a member sent (export), the company's message retention
 * (rows really deleted, with their reactions, pins, bot deliveries and search entries) and the
 * erasure of a purged member's messages (content destroyed, the row kept so that room sequences
 * stay gap-free). Held rooms and held senders are skipped.
 */
@Component
class TalkPersonalData
    implements PersonalDataSource, RetentionTarget, PersonalDataEraser, HoldableScope {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int BATCH = 500;

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final ObjectProvider<SearchIndex> index;
  private final Clock clock;
  private final TalkAttachments attachments;

  TalkPersonalData(
      JdbcClient jdbc,
      TransactionTemplate tx,
      ObjectProvider<SearchIndex> index,
      Clock clock,
      TalkAttachments attachments) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.index = index;
    this.clock = clock;
    this.attachments = attachments;
  }

  @Override
  public String name() {
    return "talk";
  }

  @Override
  public String service() {
    return "messages";
  }

  @Override
  public String scopeType() {
    return "room";
  }

  @Override
  public boolean exists(UUID companyId, UUID id) {
    return jdbc.sql("SELECT COUNT(*) FROM talk_room WHERE tenant_id = ? AND id = ?")
            .params(companyId, id)
            .query(Long.class)
            .single()
        > 0;
  }

  @Override
  public void export(UUID companyId, UUID memberId, ExportSink sink) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    Instant after = Instant.EPOCH;
    UUID afterId = new UUID(0, 0);
    while (true) {
      List<Map<String, Object>> batch =
          jdbc.sql(
                  "SELECT m.id, m.room_id, r.name AS room_name, r.type AS room_type, m.seq, m.kind,"
                      + " m.body, m.reply_to, m.forwarded, m.created_at, m.edited_at"
                      + " FROM talk_message m JOIN talk_room r ON r.id = m.room_id"
                      + " WHERE m.tenant_id = ? AND m.sender_id = ? AND m.recalled_at IS NULL"
                      + " AND (m.created_at > ? OR (m.created_at = ? AND m.id > ?))"
                      + " ORDER BY m.created_at, m.id LIMIT ?")
              .params(companyId, memberId, ts(after), ts(after), afterId, BATCH)
              .query(
                  (rs, n) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getObject("id", UUID.class).toString());
                    m.put("roomId", rs.getObject("room_id", UUID.class).toString());
                    m.put("roomName", rs.getString("room_name"));
                    m.put("roomType", rs.getString("room_type"));
                    m.put("seq", rs.getLong("seq"));
                    m.put("kind", rs.getString("kind"));
                    m.put("body", rs.getString("body"));
                    UUID reply = Jdbc.uuid(rs, "reply_to");
                    if (reply != null) {
                      m.put("replyTo", reply.toString());
                    }
                    m.put("forwarded", rs.getBoolean("forwarded"));
                    m.put("createdAt", Jdbc.requiredInstant(rs, "created_at").toString());
                    Instant edited = Jdbc.instant(rs, "edited_at");
                    if (edited != null) {
                      m.put("editedAt", edited.toString());
                    }
                    return m;
                  })
              .list();
      out.addAll(batch);
      if (batch.size() < BATCH) {
        break;
      }
      Map<String, Object> last = batch.getLast();
      after = Instant.parse((String) last.get("createdAt"));
      afterId = UUID.fromString((String) last.get("id"));
    }
    sink.write("talk/messages.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(out));
  }

  @Override
  public int purgeOlderThan(UUID companyId, Instant cutoff, HeldScope held) {
    int total = 0;
    while (true) {
      List<Object> params = new ArrayList<>();
      params.add(companyId);
      params.add(ts(cutoff));
      params.addAll(held.rooms());
      params.addAll(held.members());
      params.add(BATCH);
      List<UUID> ids =
          jdbc.sql(
                  "SELECT id FROM talk_message WHERE tenant_id = ? AND created_at < ?"
                      + SqlLists.notIn("room_id", held.rooms())
                      + SqlLists.notIn("sender_id", held.members())
                      + " ORDER BY created_at LIMIT ?")
              .params(params)
              .query(UUID.class)
              .list();
      if (ids.isEmpty()) {
        return total;
      }
      tx.executeWithoutResult(
          s -> {
            for (UUID id : ids) {
              attachments.release(companyId, id);
              for (String table :
                  List.of("talk_reaction", "talk_hidden", "talk_pin", "talk_outbox")) {
                jdbc.sql("DELETE FROM " + table + " WHERE tenant_id = ? AND message_id = ?")
                    .params(companyId, id)
                    .update();
              }
              jdbc.sql("DELETE FROM talk_message WHERE tenant_id = ? AND id = ?")
                  .params(companyId, id)
                  .update();
            }
          });
      unindex(companyId, ids);
      total += ids.size();
      if (ids.size() < BATCH) {
        return total;
      }
    }
  }

  @Override
  public int erase(UUID companyId, UUID memberId, HeldScope held) {
    List<Object> params = new ArrayList<>();
    params.add(companyId);
    params.add(memberId);
    params.addAll(held.rooms());
    String heldRooms = SqlLists.notIn("room_id", held.rooms());
    List<UUID> ids =
        jdbc.sql(
                "SELECT id FROM talk_message WHERE tenant_id = ? AND sender_id = ?"
                    + " AND (body IS NOT NULL OR mentions <> ''"
                    + " OR EXISTS (SELECT 1 FROM talk_attachment a"
                    + " WHERE a.tenant_id = talk_message.tenant_id AND a.message_id = talk_message.id))"
                    + heldRooms)
            .params(params)
            .query(UUID.class)
            .list();
    Instant now = clock.instant();
    tx.executeWithoutResult(
        s -> {
          for (UUID id : ids) {
            attachments.release(companyId, id);
            jdbc.sql(
                    "UPDATE talk_message SET body = NULL, payload = NULL, mentions = '',"
                        + " mentions_all = FALSE,"
                        + " recalled_at = COALESCE(recalled_at, ?) WHERE tenant_id = ? AND id = ?")
                .params(ts(now), companyId, id)
                .update();
          }
          jdbc.sql("DELETE FROM talk_reaction WHERE tenant_id = ? AND member_id = ?")
              .params(companyId, memberId)
              .update();
          jdbc.sql("DELETE FROM talk_hidden WHERE tenant_id = ? AND member_id = ?")
              .params(companyId, memberId)
              .update();
        });
    unindex(companyId, ids);
    return ids.size();
  }

  private void unindex(UUID companyId, List<UUID> ids) {
    SearchIndex i = index.getIfAvailable();
    if (i != null) {
      for (UUID id : ids) {
        i.delete(companyId, MessageIndexer.TYPE, id.toString());
      }
    }
  }
}
