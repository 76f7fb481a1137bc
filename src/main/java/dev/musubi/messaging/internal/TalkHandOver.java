package dev.musubi.messaging.internal;

import dev.musubi.identity.MemberHandedOver;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Hands the rooms a deleted member owned (group and announcement rooms) to the chosen colleague:
 * they become an owner, joining the room first when they were not in it (having read up to now).
 * Department rooms follow the directory and direct rooms have no owner, so they are left as they
 * are. Runs in the deleting transaction.
 */
@Component
class TalkHandOver {

  private final TalkStore store;
  private final JdbcClient jdbc;
  private final Clock clock;

  TalkHandOver(TalkStore store, JdbcClient jdbc, Clock clock) {
    this.store = store;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  @EventListener
  void on(MemberHandedOver e) {
    Instant now = clock.instant();
    var owned =
        jdbc.sql(
                "SELECT r.id, r.last_seq FROM talk_room r JOIN talk_member m ON m.room_id = r.id"
                    + " WHERE r.tenant_id = ? AND m.member_id = ? AND m.role = 'owner'"
                    + " AND r.type IN ('group', 'announcement')")
            .params(e.tenantId(), e.fromMemberId())
            .query((rs, n) -> new Object[] {rs.getObject(1, UUID.class), rs.getLong(2)})
            .list();
    for (Object[] room : owned) {
      UUID roomId = (UUID) room[0];
      if (!store.addMember(e.tenantId(), roomId, e.toMemberId(), "owner", now, (Long) room[1])) {
        jdbc.sql(
                "UPDATE talk_member SET role = 'owner' WHERE tenant_id = ? AND room_id = ?"
                    + " AND member_id = ?")
            .params(e.tenantId(), roomId, e.toMemberId())
            .update();
      }
    }
  }
}
