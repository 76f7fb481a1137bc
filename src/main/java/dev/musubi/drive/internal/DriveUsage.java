package dev.musubi.drive.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.platform.stats.MemberStorageSource;
import dev.musubi.platform.stats.UsageSource;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Drive's figures: file versions uploaded in the window (a new file or a new version of one), and
 * the bytes held by every kept version (trash included: it still counts against the quota).
 */
@Component
@org.springframework.core.annotation.Order(30)
class DriveUsage implements UsageSource, MemberStorageSource {

  private final JdbcClient jdbc;

  DriveUsage(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<String> keys() {
    return List.of("filesUploaded", "driveBytes");
  }

  @Override
  public Map<String, Long> usage(UUID tenantId, Instant from, Instant to) {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put(
        "filesUploaded",
        jdbc.sql(
                "SELECT COUNT(*) FROM drive_version WHERE tenant_id = ? AND created_at >= ?"
                    + " AND created_at < ?")
            .params(tenantId, ts(from), ts(to))
            .query(Long.class)
            .single());
    out.put(
        "driveBytes",
        jdbc.sql("SELECT COALESCE(SUM(size), 0) FROM drive_version WHERE tenant_id = ?")
            .param(tenantId)
            .query(Long.class)
            .single());
    return out;
  }

  /** A personal drive's bytes are its owner's; shared drives belong to the company. */
  @Override
  public String key() {
    return "driveBytes";
  }

  @Override
  public Map<UUID, Long> bytesByMember(UUID tenantId) {
    Map<UUID, Long> out = new LinkedHashMap<>();
    jdbc.sql(
            "SELECT d.owner_id, SUM(v.size) AS bytes FROM drive_version v"
                + " JOIN drive_node n ON n.id = v.node_id JOIN drive d ON d.id = n.drive_id"
                + " WHERE v.tenant_id = ? AND d.owner_id IS NOT NULL GROUP BY d.owner_id")
        .param(tenantId)
        .query(
            rs -> {
              out.put(rs.getObject("owner_id", UUID.class), rs.getLong("bytes"));
            });
    return out;
  }
}
