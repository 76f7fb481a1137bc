package dev.musubi.calendar.internal;

import dev.musubi.identity.MemberHandedOver;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Hands a deleted member's personal calendars (with their events) to the chosen colleague: each
 * becomes an extra calendar of theirs, named after the member, so the colleague's own default
 * calendar stays as it was. Runs in the deleting transaction.
 */
@Component
class CalendarHandOver {

  private final JdbcClient jdbc;

  CalendarHandOver(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @EventListener
  void on(MemberHandedOver e) {
    String suffix = e.fromName().isBlank() ? "（引き継ぎ）" : "（" + e.fromName() + "）";
    var calendars =
        jdbc.sql(
                "SELECT id, name FROM cal_calendar WHERE tenant_id = ? AND kind = 'personal'"
                    + " AND owner_id = ?")
            .params(e.tenantId(), e.fromMemberId())
            .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
            .list();
    for (String[] c : calendars) {
      String name = c[1] + suffix;
      jdbc.sql(
              "UPDATE cal_calendar SET owner_id = ?, unique_key = NULL, name = ?,"
                  + " version = version + 1 WHERE tenant_id = ? AND id = ?")
          .params(
              e.toMemberId(),
              name.length() <= 200 ? name : name.substring(0, 200),
              e.tenantId(),
              java.util.UUID.fromString(c[0]))
          .update();
    }
  }
}
