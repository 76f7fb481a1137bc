package dev.musubi.messaging.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.platform.stats.MemberStorageSource;
import dev.musubi.platform.stats.UsageSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Talk's figures: messages sent in the window (recalled ones included: they were sent). */
@Component
@org.springframework.core.annotation.Order(10)
class TalkUsage implements UsageSource, MemberStorageSource {

  private final JdbcClient jdbc;

  TalkUsage(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<String> keys() {
    return List.of("messagesSent");
  }

  @Override
  public Map<String, Long> usage(UUID tenantId, Instant from, Instant to) {
    long sent =
        jdbc.sql(
                "SELECT COUNT(*) FROM talk_message WHERE tenant_id = ? AND created_at >= ?"
                    + " AND created_at < ?")
            .params(tenantId, ts(from), ts(to))
            .query(Long.class)
            .single();
    return Map.of("messagesSent", sent);
  }

  /** Files and images a member posted in Talk (kept until the message or room is deleted). */
  @Override
  public String key() {
    return "talkFileBytes";
  }

  @Override
  public Map<UUID, Long> bytesByMember(UUID tenantId) {
    Map<UUID, Long> out = new java.util.LinkedHashMap<>();
    jdbc.sql(
            "SELECT uploaded_by, SUM(size) AS bytes FROM talk_attachment WHERE tenant_id = ?"
                + " AND message_id IS NOT NULL GROUP BY uploaded_by")
        .param(tenantId)
        .query(
            rs -> {
              out.put(rs.getObject("uploaded_by", UUID.class), rs.getLong("bytes"));
            });
    return out;
  }
}
