package dev.musubi.messaging.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.messaging.Attachment;
import dev.musubi.platform.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code talk_attachment} table: files and images of messages, and pending uploads. */
@Repository
public class AttachmentStore {

  /**
   * One attachment row.
   *
   * @param messageId null while the upload is pending (not yet sent with a message)
   * @param image whether the server decoded the content as a JPEG, PNG, GIF or BMP image
   */
  public record AttachmentRow(
      UUID id,
      UUID tenantId,
      UUID roomId,
      @Nullable UUID messageId,
      UUID uploadedBy,
      String name,
      String contentType,
      long size,
      String sha256,
      boolean image,
      @Nullable Integer width,
      @Nullable Integer height,
      @Nullable String thumbSha256,
      @Nullable String thumbType,
      Instant createdAt) {

    public Attachment view() {
      return new Attachment(id, name, contentType, size, width, height, thumbSha256 != null);
    }
  }

  private final JdbcClient jdbc;

  AttachmentStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void insert(AttachmentRow a, int position) {
    jdbc.sql(
            "INSERT INTO talk_attachment (id, tenant_id, room_id, message_id, uploaded_by, name,"
                + " content_type, size, sha256, image, width, height, thumb_sha256, thumb_type,"
                + " created_at, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            a.id(),
            a.tenantId(),
            a.roomId(),
            a.messageId(),
            a.uploadedBy(),
            a.name(),
            a.contentType(),
            a.size(),
            a.sha256(),
            a.image(),
            a.width(),
            a.height(),
            a.thumbSha256(),
            a.thumbType(),
            ts(a.createdAt()),
            position)
        .update();
  }

  public Optional<AttachmentRow> find(UUID tenantId, UUID roomId, UUID id) {
    return jdbc.sql("SELECT * FROM talk_attachment WHERE tenant_id = ? AND room_id = ? AND id = ?")
        .params(tenantId, roomId, id)
        .query(AttachmentStore::row)
        .optional();
  }

  /**
   * Attaches a pending upload of {@code uploader} in the room to a message; false when there is no
   * such pending upload (unknown, another member's, another room's, or already sent).
   */
  public boolean claim(
      UUID tenantId, UUID roomId, UUID id, UUID uploader, UUID messageId, int position) {
    return jdbc.sql(
                "UPDATE talk_attachment SET message_id = ?, position = ? WHERE tenant_id = ?"
                    + " AND room_id = ? AND id = ? AND uploaded_by = ? AND message_id IS NULL")
            .params(messageId, position, tenantId, roomId, id, uploader)
            .update()
        == 1;
  }

  /** The attachments of the given messages, in the order they were sent. */
  public Map<UUID, List<Attachment>> ofMessages(UUID tenantId, Collection<UUID> messageIds) {
    Map<UUID, List<Attachment>> result = new HashMap<>();
    if (messageIds.isEmpty()) {
      return result;
    }
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    params.addAll(messageIds);
    jdbc.sql(
            "SELECT * FROM talk_attachment WHERE tenant_id = ? AND message_id IN ("
                + String.join(", ", java.util.Collections.nCopies(messageIds.size(), "?"))
                + ") ORDER BY message_id, position")
        .params(params)
        .query(AttachmentStore::row)
        .list()
        .forEach(r -> result.computeIfAbsent(r.messageId(), k -> new ArrayList<>()).add(r.view()));
    return result;
  }

  /** The rows of one message. */
  public List<AttachmentRow> rowsOf(UUID tenantId, UUID messageId) {
    return jdbc.sql(
            "SELECT * FROM talk_attachment WHERE tenant_id = ? AND message_id = ?"
                + " ORDER BY position")
        .params(tenantId, messageId)
        .query(AttachmentStore::row)
        .list();
  }

  /** How many uploads of the member are pending (not yet sent). */
  public long pendingCount(UUID tenantId, UUID uploader) {
    Long n =
        jdbc.sql(
                "SELECT COUNT(*) FROM talk_attachment WHERE tenant_id = ? AND uploaded_by = ?"
                    + " AND message_id IS NULL")
            .params(tenantId, uploader)
            .query(Long.class)
            .single();
    return n == null ? 0 : n;
  }

  /** Pending uploads created before {@code cutoff}, at most {@code limit}. */
  public List<AttachmentRow> pendingBefore(Instant cutoff, int limit) {
    return jdbc.sql(
            "SELECT * FROM talk_attachment WHERE message_id IS NULL AND created_at < ?"
                + " ORDER BY created_at LIMIT ?")
        .params(ts(cutoff), limit)
        .query(AttachmentStore::row)
        .list();
  }

  public boolean delete(UUID tenantId, UUID id) {
    return jdbc.sql("DELETE FROM talk_attachment WHERE tenant_id = ? AND id = ?")
            .params(tenantId, id)
            .update()
        == 1;
  }

  private static AttachmentRow row(ResultSet rs, int i) throws SQLException {
    int w = rs.getInt("width");
    Integer width = rs.wasNull() ? null : w;
    int h = rs.getInt("height");
    Integer height = rs.wasNull() ? null : h;
    return new AttachmentRow(
        rs.getObject("id", UUID.class),
        rs.getObject("tenant_id", UUID.class),
        rs.getObject("room_id", UUID.class),
        rs.getObject("message_id", UUID.class),
        rs.getObject("uploaded_by", UUID.class),
        rs.getString("name"),
        rs.getString("content_type"),
        rs.getLong("size"),
        rs.getString("sha256"),
        rs.getBoolean("image"),
        width,
        height,
        rs.getString("thumb_sha256"),
        rs.getString("thumb_type"),
        Jdbc.requiredInstant(rs, "created_at"));
  }
}
