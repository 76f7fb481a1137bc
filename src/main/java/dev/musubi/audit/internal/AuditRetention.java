package dev.musubi.audit.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.platform.privacy.HeldScope;
import dev.musubi.platform.privacy.RetentionTarget;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Audit trail retention. Only a prefix of the chain is removed (entries older than the cutoff, up
 * to the first entry that must stay), so that what remains is still one unbroken chain; the new
 * start and the hash it links to are kept in {@code audit_chain_start} for {@code verify}. Entries
 * whose actor or target is under legal hold stop the prune there. The privacy module enforces the
 * 180-day minimum.
 */
@Component
class AuditRetention implements RetentionTarget {

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Clock clock;

  AuditRetention(JdbcClient jdbc, TransactionTemplate tx, Clock clock) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.clock = clock;
  }

  @Override
  public String service() {
    return "audit";
  }

  @Override
  public int purgeOlderThan(UUID companyId, Instant cutoff, HeldScope held) {
    Integer removed =
        tx.execute(
            s -> {
              // The chain head row serialises this against appends.
              Long headSeq =
                  jdbc.sql("SELECT seq FROM audit_chain_head WHERE tenant_id = ? FOR UPDATE")
                      .param(companyId)
                      .query(Long.class)
                      .optional()
                      .orElse(null);
              if (headSeq == null) {
                return 0;
              }
              List<Object> params = new ArrayList<>();
              params.add(companyId);
              params.add(ts(cutoff));
              StringBuilder keep = new StringBuilder("occurred_at >= ?");
              if (!held.members().isEmpty()) {
                keep.append(" OR actor_id IN (").append(marks(held.members().size())).append(")");
                params.addAll(held.members());
              }
              List<String> heldIds = new ArrayList<>();
              held.members().forEach(m -> heldIds.add(m.toString()));
              held.rooms().forEach(r -> heldIds.add(r.toString()));
              if (!heldIds.isEmpty()) {
                keep.append(" OR target_id IN (").append(marks(heldIds.size())).append(")");
                params.addAll(heldIds);
              }
              Long firstKept =
                  jdbc.sql(
                          "SELECT MIN(seq) FROM audit_event WHERE tenant_id = ? AND (" + keep + ")")
                      .params(params)
                      .query(Long.class)
                      .optional()
                      .orElse(null);
              long upTo = firstKept == null ? headSeq : firstKept - 1;
              if (upTo < 1) {
                return 0;
              }
              String lastHash =
                  jdbc.sql("SELECT hash FROM audit_event WHERE tenant_id = ? AND seq = ?")
                      .params(companyId, upTo)
                      .query(String.class)
                      .optional()
                      .orElse(null);
              if (lastHash == null) {
                return 0;
              }
              int n =
                  jdbc.sql("DELETE FROM audit_event WHERE tenant_id = ? AND seq <= ?")
                      .params(companyId, upTo)
                      .update();
              int updated =
                  jdbc.sql(
                          "UPDATE audit_chain_start SET seq = ?, prev_hash = ?, pruned_at = ?"
                              + " WHERE tenant_id = ?")
                      .params(upTo + 1, lastHash, ts(clock.instant()), companyId)
                      .update();
              if (updated == 0) {
                jdbc.sql(
                        "INSERT INTO audit_chain_start (tenant_id, seq, prev_hash, pruned_at)"
                            + " VALUES (?, ?, ?, ?)")
                    .params(companyId, upTo + 1, lastHash, ts(clock.instant()))
                    .update();
              }
              return n;
            });
    return removed == null ? 0 : removed;
  }

  private static String marks(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }
}
