package dev.musubi.audit;

import dev.musubi.audit.internal.AuditCodec;
import dev.musubi.audit.internal.ChainFields;
import dev.musubi.platform.Ids;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Reads a company's audit trail: search, streaming export and integrity verification. Every method
 * takes the company explicitly and never returns another company's entries; callers pass the
 * signed-in member's company, never one named in a request.
 */
@Service
public class AuditLog {

  /** Rows read per round trip when streaming (export, verification). */
  static final int BATCH = 500;

  private static final String COLUMNS =
      "id, tenant_id, seq, occurred_at, action, action_code, outcome, actor_id, actor_login,"
          + " target_type, target_id, ip, user_agent, detail, prev_hash, hash";

  private final JdbcClient jdbc;

  public AuditLog(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** One page of the company's entries matching the filter, newest first; never null. */
  public AuditPage search(UUID tenantId, AuditFilter filter) {
    var where = new Where(tenantId, filter);
    long total =
        jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE " + where.sql)
            .params(where.params)
            .query(Long.class)
            .single();
    var params = new ArrayList<>(where.params);
    params.add(filter.size());
    params.add((long) filter.page() * filter.size());
    List<AuditEntry> items =
        jdbc.sql(
                "SELECT "
                    + COLUMNS
                    + " FROM audit_event WHERE "
                    + where.sql
                    + " ORDER BY seq DESC LIMIT ? OFFSET ?")
            .params(params)
            .query((rs, n) -> entry(rs))
            .list();
    return new AuditPage(items, filter.page(), filter.size(), total);
  }

  /**
   * Hands every entry matching the filter (ignoring its page and size) to the consumer, newest
   * first, reading in batches so that memory stays flat however long the trail is.
   *
   * @return how many entries were handed over
   */
  public long forEach(UUID tenantId, AuditFilter filter, Consumer<AuditEntry> consumer) {
    var where = new Where(tenantId, filter);
    long count = 0;
    long below = Long.MAX_VALUE;
    while (true) {
      var params = new ArrayList<>(where.params);
      params.add(below);
      params.add(BATCH);
      List<AuditEntry> batch =
          jdbc.sql(
                  "SELECT "
                      + COLUMNS
                      + " FROM audit_event WHERE "
                      + where.sql
                      + " AND seq < ? ORDER BY seq DESC LIMIT ?")
              .params(params)
              .query((rs, n) -> entry(rs))
              .list();
      for (AuditEntry e : batch) {
        consumer.accept(e);
      }
      count += batch.size();
      if (batch.size() < BATCH) {
        return count;
      }
      below = batch.getLast().seq();
    }
  }

  /**
   * Walks the company's chain in order, in batches, recomputing every hash and checking the links,
   * that positions have no gaps and that the chain head matches the last entry. Entries appended
   * while this runs are not checked. Detects edited entries and entries deleted anywhere, as long
   * as the chain head itself was not rewritten too.
   */
  public AuditVerification verify(UUID tenantId) {
    record Head(long seq, String hash) {}
    var head =
        jdbc.sql("SELECT seq, hash FROM audit_chain_head WHERE tenant_id = ?")
            .param(tenantId)
            .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash")))
            .optional();
    if (head.isEmpty()) {
      long rows =
          jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE tenant_id = ?")
              .param(tenantId)
              .query(Long.class)
              .single();
      return rows == 0
          ? AuditVerification.ok(0)
          : AuditVerification.broken(0, 1, "the chain head is missing");
    }
    long headSeq = head.get().seq();
    long expected = 1;
    String prev = AuditCodec.GENESIS;
    // Retention may have removed the oldest entries; the chain then starts where it says.
    var start =
        jdbc.sql("SELECT seq, prev_hash FROM audit_chain_start WHERE tenant_id = ?")
            .param(tenantId)
            .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("prev_hash")))
            .optional();
    if (start.isPresent()) {
      expected = start.get().seq();
      prev = start.get().hash();
    }
    long checked = 0;
    while (expected <= headSeq) {
      List<Row> batch =
          jdbc.sql(
                  "SELECT "
                      + COLUMNS
                      + " FROM audit_event WHERE tenant_id = ? AND seq >= ? AND seq <= ?"
                      + " ORDER BY seq LIMIT ?")
              .params(tenantId, expected, headSeq, BATCH)
              .query((rs, n) -> row(rs))
              .list();
      if (batch.isEmpty()) {
        break;
      }
      for (Row row : batch) {
        checked++;
        if (row.fields.seq() != expected) {
          return AuditVerification.broken(checked, expected, "entry " + expected + " is missing");
        }
        if (!row.fields.prevHash().equals(prev)) {
          return AuditVerification.broken(
              checked, expected, "entry " + expected + " does not link to the entry before it");
        }
        if (!AuditCodec.hash(row.fields).equals(row.hash)) {
          return AuditVerification.broken(checked, expected, "entry " + expected + " was altered");
        }
        prev = row.hash;
        expected++;
      }
    }
    if (expected <= headSeq) {
      return AuditVerification.broken(
          checked, expected, "entries " + expected + " to " + headSeq + " are missing");
    }
    if (!prev.equals(head.get().hash())) {
      return AuditVerification.broken(
          checked, headSeq, "the chain head does not match entry " + headSeq);
    }
    return AuditVerification.ok(checked);
  }

  /** Every company that has a chain, for checking them all; never null. */
  /** How many succeeded actions of the given kinds one member did. */
  public record ActorCount(UUID actorId, String actorLogin, long count) {}

  /**
   * Succeeded entries of the given actions in {@code [from, to)}, counted per acting member, most
   * first; members with fewer than {@code atLeast} are left out.
   */
  public List<ActorCount> countByActor(
      UUID tenantId, Collection<AuditAction> actions, Instant from, Instant to, long atLeast) {
    if (actions.isEmpty()) {
      return List.of();
    }
    String in = String.join(", ", java.util.Collections.nCopies(actions.size(), "?"));
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    params.add(OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
    params.add(OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
    params.add(AuditRecord.Outcome.SUCCESS.name());
    actions.forEach(a -> params.add(a.code()));
    params.add(atLeast);
    return jdbc.sql(
            "SELECT actor_id, MAX(actor_login) AS login, COUNT(*) AS n FROM audit_event"
                + " WHERE tenant_id = ? AND occurred_at >= ? AND occurred_at < ? AND outcome = ?"
                + " AND actor_id IS NOT NULL AND action_code IN ("
                + in
                + ") GROUP BY actor_id HAVING COUNT(*) >= ? ORDER BY n DESC")
        .params(params)
        .query(
            (rs, n) ->
                new ActorCount(
                    rs.getObject("actor_id", UUID.class), rs.getString("login"), rs.getLong("n")))
        .list();
  }

  public List<UUID> tenantsWithTrail() {
    return jdbc.sql("SELECT tenant_id FROM audit_chain_head ORDER BY tenant_id")
        .query(UUID.class)
        .list();
  }

  private record Row(ChainFields fields, String hash) {}

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(fields(rs), rs.getString("hash"));
  }

  private static ChainFields fields(ResultSet rs) throws SQLException {
    return new ChainFields(
        rs.getObject("id", UUID.class),
        rs.getObject("tenant_id", UUID.class),
        rs.getLong("seq"),
        instant(rs),
        rs.getString("action"),
        rs.getInt("action_code"),
        rs.getString("outcome"),
        rs.getObject("actor_id", UUID.class),
        rs.getString("actor_login"),
        rs.getString("target_type"),
        rs.getString("target_id"),
        rs.getString("ip"),
        rs.getString("user_agent"),
        rs.getString("detail"),
        rs.getString("prev_hash"));
  }

  private static Instant instant(ResultSet rs) throws SQLException {
    return rs.getObject("occurred_at", OffsetDateTime.class).toInstant();
  }

  private static AuditEntry entry(ResultSet rs) throws SQLException {
    ChainFields f = fields(rs);
    return new AuditEntry(
        f.id(),
        f.tenantId(),
        f.seq(),
        f.occurredAt(),
        f.action(),
        f.actionCode(),
        f.outcome(),
        f.actorId(),
        f.actorLogin(),
        f.targetType(),
        f.targetId(),
        f.ip(),
        f.userAgent(),
        AuditCodec.parseDetail(f.detailJson()),
        f.prevHash(),
        rs.getString("hash"));
  }

  /** The WHERE clause of a filter; the company condition always comes first. */
  private static final class Where {
    final String sql;
    final List<Object> params = new ArrayList<>();

    Where(UUID tenantId, AuditFilter f) {
      var sb = new StringBuilder("tenant_id = ?");
      params.add(tenantId);
      if (f.from() != null) {
        sb.append(" AND occurred_at >= ?");
        params.add(timestamp(f.from()));
      }
      if (f.to() != null) {
        sb.append(" AND occurred_at < ?");
        params.add(timestamp(f.to()));
      }
      if (f.actor() != null && !f.actor().isBlank()) {
        UUID id = Ids.parseOrNull(f.actor().trim());
        if (id != null) {
          sb.append(" AND actor_id = ?");
          params.add(id);
        } else {
          sb.append(" AND LOWER(actor_login) = ?");
          params.add(f.actor().trim().toLowerCase(Locale.ROOT));
        }
      }
      if (f.action() != null) {
        sb.append(" AND action_code = ?");
        params.add(f.action().code());
      }
      if (f.targetType() != null && !f.targetType().isBlank()) {
        sb.append(" AND target_type = ?");
        params.add(f.targetType());
      }
      if (f.targetId() != null && !f.targetId().isBlank()) {
        sb.append(" AND target_id = ?");
        params.add(f.targetId());
      }
      if (f.outcome() != null) {
        sb.append(" AND outcome = ?");
        params.add(f.outcome().name());
      }
      this.sql = sb.toString();
    }

    private static OffsetDateTime timestamp(@Nullable Instant instant) {
      return OffsetDateTime.ofInstant(java.util.Objects.requireNonNull(instant), ZoneOffset.UTC);
    }
  }
}
