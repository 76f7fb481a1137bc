package dev.musubi.platform.blob.internal;

import dev.musubi.platform.stats.UsageSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The company's footprint in the blob store: every stored blob once (files, attachments and mail
 * share content by hash, so this can be less than the sum of the modules' sizes).
 */
@Component
@org.springframework.core.annotation.Order(40)
class BlobUsage implements UsageSource {

  private final JdbcClient jdbc;

  BlobUsage(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<String> keys() {
    return List.of("storageBytes");
  }

  @Override
  public Map<String, Long> usage(UUID tenantId, Instant from, Instant to) {
    return Map.of(
        "storageBytes",
        jdbc.sql("SELECT COALESCE(SUM(size), 0) FROM blob WHERE tenant_id = ?")
            .param(tenantId)
            .query(Long.class)
            .single());
  }
}
