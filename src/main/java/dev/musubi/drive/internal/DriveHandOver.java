package dev.musubi.drive.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.identity.MemberHandedOver;
import java.time.Clock;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Hands a deleted member's personal drive to the chosen colleague: it becomes a shared drive named
 * after the member, with the colleague as its manager, so nothing is copied and nothing is lost
 * when the member is purged (erasure removes personal drives only). Runs in the deleting
 * transaction.
 */
@Component
class DriveHandOver {

  private final DriveStore store;
  private final JdbcClient jdbc;
  private final Clock clock;

  DriveHandOver(DriveStore store, JdbcClient jdbc, Clock clock) {
    this.store = store;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  @EventListener
  void on(MemberHandedOver e) {
    store
        .personal(e.tenantId(), e.fromMemberId())
        .ifPresent(
            d -> {
              String name = cut(e.fromName().isBlank() ? "引き継ぎ" : e.fromName() + "（引き継ぎ）");
              jdbc.sql(
                      "UPDATE drive SET kind = 'shared', owner_id = NULL, name = ?"
                          + " WHERE tenant_id = ? AND id = ?")
                  .params(name, e.tenantId(), d.id())
                  .update();
              jdbc.sql(
                      "INSERT INTO drive_member (tenant_id, drive_id, principal_type, principal_id,"
                          + " role, granted_by, granted_at) VALUES (?, ?, 'member', ?, 'manager',"
                          + " NULL, ?)")
                  .params(e.tenantId(), d.id(), e.toMemberId(), ts(clock.instant()))
                  .update();
            });
  }

  private static String cut(String s) {
    return s.length() <= 255 ? s : s.substring(0, 255);
  }
}
