package dev.musubi.mail.internal;

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
 * Mail's figures from the mail log (messages sent and received in the window, refused ones not
 * counted) and the size of all stored mailboxes.
 */
@Component
@org.springframework.core.annotation.Order(20)
class MailUsage implements UsageSource, MemberStorageSource {

  private final JdbcClient jdbc;

  MailUsage(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<String> keys() {
    return List.of("mailSent", "mailReceived", "mailboxBytes");
  }

  @Override
  public Map<String, Long> usage(UUID tenantId, Instant from, Instant to) {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("mailSent", logged(tenantId, "out", from, to));
    out.put("mailReceived", logged(tenantId, "in", from, to));
    out.put(
        "mailboxBytes",
        jdbc.sql("SELECT COALESCE(SUM(size), 0) FROM mail_message WHERE tenant_id = ?")
            .param(tenantId)
            .query(Long.class)
            .single());
    return out;
  }

  private long logged(UUID tenantId, String direction, Instant from, Instant to) {
    return jdbc.sql(
            "SELECT COUNT(*) FROM mail_log WHERE tenant_id = ? AND direction = ?"
                + " AND logged_at >= ? AND logged_at < ?"
                + " AND status NOT IN ('refused', 'rejected')")
        .params(tenantId, direction, ts(from), ts(to))
        .query(Long.class)
        .single();
  }

  @Override
  public String key() {
    return "mailboxBytes";
  }

  @Override
  public Map<UUID, Long> bytesByMember(UUID tenantId) {
    Map<UUID, Long> out = new LinkedHashMap<>();
    jdbc.sql(
            "SELECT member_id, SUM(size) AS bytes FROM mail_message WHERE tenant_id = ?"
                + " GROUP BY member_id")
        .param(tenantId)
        .query(
            rs -> {
              out.put(rs.getObject("member_id", UUID.class), rs.getLong("bytes"));
            });
    return out;
  }
}
