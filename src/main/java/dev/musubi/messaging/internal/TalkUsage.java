package dev.musubi.messaging.internal;

import static dev.musubi.platform.Jdbc.ts;

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
class TalkUsage implements UsageSource {

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
}
