package dev.musubi.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Small helpers for the calendar API in tests. */
final class CalendarApi {

  private CalendarApi() {}

  /** The caller's default calendar ID. */
  static String defaultCalendar(ApiClient c) {
    ApiClient.Response r = c.get("/api/v1/calendars");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    for (JsonNode cal : r.json()) {
      if (cal.get("isDefault").asBoolean()) {
        return cal.get("id").asString();
      }
    }
    throw new AssertionError("no default calendar: " + r.body());
  }

  static Map<String, Object> event(String title, String start, String end, Object... more) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("title", title);
    m.put("start", start);
    m.put("end", end);
    for (int i = 0; i < more.length; i += 2) {
      m.put((String) more[i], more[i + 1]);
    }
    return m;
  }

  static JsonNode create(ApiClient c, String calendarId, Map<String, Object> body) {
    ApiClient.Response r = c.post("/api/v1/calendars/" + calendarId + "/events", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  static JsonNode list(ApiClient c, String calendarId, String from, String to) {
    ApiClient.Response r =
        c.get("/api/v1/calendars/" + calendarId + "/events?from=" + from + "&to=" + to);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }
}
