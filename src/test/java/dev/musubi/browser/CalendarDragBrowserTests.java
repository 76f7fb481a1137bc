package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Mouse;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.BoundingBox;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Dragging events in the week view with the mouse: a move to another day and time and a resize by
 * the bottom edge, both snapped to 15 minutes and saved; a recurring event asks which events
 * change; a save the server refuses (a facility clash) snaps the event back and shows why.
 */
@MusubiIntegrationTest
class CalendarDragBrowserTests extends BrowserTestBase {

  static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

  Fixtures fixtures;

  @BeforeEach
  void start() {
    fixtures = new Fixtures(port);
  }

  /** Tuesday of the current week (Sunday to Saturday, as the week view shows it) in Tokyo. */
  private static LocalDate tuesday() {
    LocalDate today = LocalDate.now(TOKYO);
    return today.minusDays(today.getDayOfWeek().getValue() % 7).plusDays(2);
  }

  private static String defaultCalendar(ApiClient c) {
    for (JsonNode cal : c.get("/api/v1/calendars").json()) {
      if (cal.get("isDefault").asBoolean()) {
        return cal.get("id").asString();
      }
    }
    throw new AssertionError("no default calendar");
  }

  private static String create(ApiClient c, Map<String, Object> body) {
    ApiClient.Response r = c.post("/api/v1/calendars/" + defaultCalendar(c) + "/events", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  private static String instant(LocalDate day, String time) {
    return day.atTime(java.time.LocalTime.parse(time)).atZone(TOKYO).toInstant().toString();
  }

  private Page weekView(Fixtures.TestMember m) {
    Page page = browser.newPage(1280, 900);
    page.navigate("/#/calendar");
    Browser.submitPassword(page, m.loginId(), Fixtures.PASSWORD);
    page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("週")).click();
    assertThat(page.locator(".cal-grid")).isVisible();
    // 08:00 at the top: the whole working day is on screen.
    page.locator(".cal-grid-wrap").evaluate("el => el.scrollTop = 8 * 40");
    return page;
  }

  private static Locator block(Page page, String title) {
    return page.locator(".cal-block").filter(new Locator.FilterOptions().setHasText(title));
  }

  /** Presses at (x, y), moves by steps to (tx, ty) and releases. */
  private static void drag(Page page, double x, double y, double tx, double ty) {
    page.mouse().move(x, y);
    page.mouse().down();
    page.mouse().move(tx, ty, new Mouse.MoveOptions().setSteps(12));
    page.mouse().up();
  }

  private static double centreX(Page page, LocalDate day) {
    BoundingBox col = page.locator(".cal-col[data-day='" + day + "']").boundingBox();
    return col.x + col.width / 2;
  }

  @Test
  void anEventIsDraggedToAnotherDayAndTimeAndResizedByItsBottomEdge() {
    Fixtures.TestCompany c = fixtures.company();
    Fixtures.TestMember tanaka = fixtures.member(c, "tanaka");
    LocalDate tue = tuesday();
    String id =
        create(
            tanaka.client(),
            Map.of(
                "title",
                "設計相談",
                "start",
                tue + "T10:00",
                "end",
                tue + "T11:00",
                "timeZone",
                "Asia/Tokyo"));
    Page page = weekView(tanaka);
    Locator b = block(page, "設計相談");
    assertThat(b).containsText("10:00–11:00");

    // A click without moving still opens the event.
    b.click();
    assertThat(page.getByRole(AriaRole.DIALOG)).containsText("設計相談");
    page.keyboard().press("Escape");
    assertThat(page.getByRole(AriaRole.DIALOG)).hasCount(0);

    // Two hours down and one day right: Wednesday 12:00-13:00 (80 px = 2 h; 41 px snaps too).
    BoundingBox box = b.boundingBox();
    drag(
        page,
        box.x + box.width / 2,
        box.y + 8,
        centreX(page, tue.plusDays(1)),
        box.y + 8 + 2 * 40 + 1);
    assertThat(page.getByText("予定を保存しました。")).isVisible();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode ev = tanaka.client().get("/api/v1/events/" + id).json();
              assertThat(ev.get("startAt").asString()).isEqualTo(instant(tue.plusDays(1), "12:00"));
              assertThat(ev.get("endAt").asString()).isEqualTo(instant(tue.plusDays(1), "13:00"));
            });
    assertThat(block(page, "設計相談")).containsText("12:00–13:00");
    assertThat(page.locator(".cal-col[data-day='" + tue.plusDays(1) + "'] .cal-block"))
        .containsText("設計相談");

    // The bottom edge 30 px down: 45 minutes longer, to 13:45.
    BoundingBox moved = block(page, "設計相談").boundingBox();
    double edge = moved.y + moved.height - 2;
    drag(page, moved.x + moved.width / 2, edge, moved.x + moved.width / 2, edge + 30);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode ev = tanaka.client().get("/api/v1/events/" + id).json();
              assertThat(ev.get("startAt").asString()).isEqualTo(instant(tue.plusDays(1), "12:00"));
              assertThat(ev.get("endAt").asString()).isEqualTo(instant(tue.plusDays(1), "13:45"));
            });
    assertThat(block(page, "設計相談")).containsText("12:00–13:45");
  }

  @Test
  void aRecurringEventAsksWhichEventsAndARefusedMoveSnapsBackWithTheProblem() {
    Fixtures.TestCompany c = fixtures.company();
    Fixtures.TestMember tanaka = fixtures.member(c, "tanaka");
    ApiClient.Response room =
        c.admin()
            .post(
                "/api/v1/facilities", Map.of("name", "第2会議室", "capacity", 6, "location", "本社 4F"));
    assertThat(room.status()).as(room.body()).isEqualTo(201);
    String roomId = room.json().get("id").asString();
    LocalDate tue = tuesday();
    LocalDate thu = tue.plusDays(2);
    create(
        tanaka.client(),
        Map.of(
            "title", "朝会",
            "start", tue + "T09:00",
            "end", tue + "T09:30",
            "timeZone", "Asia/Tokyo",
            "rrule", "FREQ=DAILY;COUNT=3"));
    create(
        tanaka.client(),
        Map.of(
            "title",
            "取引先来訪",
            "start",
            thu + "T11:00",
            "end",
            thu + "T12:00",
            "timeZone",
            "Asia/Tokyo",
            "facilityId",
            roomId));
    String review =
        create(
            tanaka.client(),
            Map.of(
                "title",
                "設計レビュー",
                "start",
                thu + "T14:00",
                "end",
                thu + "T15:00",
                "timeZone",
                "Asia/Tokyo",
                "facilityId",
                roomId));
    String wrap =
        create(
            tanaka.client(),
            Map.of(
                "title", "夕礼",
                "start", thu + "T17:00",
                "end", thu + "T17:30",
                "timeZone", "Asia/Tokyo",
                "rrule", "FREQ=DAILY;COUNT=2"));
    Page page = weekView(tanaka);

    // Wednesday's stand-up one hour later, for this event only.
    Locator wednesday =
        page.locator(".cal-col[data-day='" + tue.plusDays(1) + "'] .cal-block")
            .filter(new Locator.FilterOptions().setHasText("朝会"));
    BoundingBox w = wednesday.boundingBox();
    drag(page, w.x + w.width / 2, w.y + 6, w.x + w.width / 2, w.y + 6 + 40);
    Locator ask = page.getByRole(AriaRole.DIALOG);
    assertThat(ask).containsText("どの予定を変更しますか？");
    ask.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("この予定").setExact(true))
        .click();
    assertThat(page.getByText("予定を保存しました。")).isVisible();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode week =
                  tanaka
                      .client()
                      .get(
                          "/api/v1/agenda?from="
                              + instant(tue, "00:00")
                              + "&to="
                              + instant(tue.plusDays(3), "00:00"))
                      .json();
              List<String> starts =
                  java.util.stream.StreamSupport.stream(week.spliterator(), false)
                      .filter(o -> "朝会".equals(o.path("title").asString("")))
                      .map(o -> o.get("start").asString())
                      .toList();
              assertThat(starts)
                  .containsExactly(
                      instant(tue, "09:00"),
                      instant(tue.plusDays(1), "10:00"),
                      instant(tue.plusDays(2), "09:00"));
            });

    // Thursday's wrap-up 45 minutes later for all events: the whole series moves with it.
    Locator wrapUp = block(page, "夕礼").first();
    BoundingBox wb = wrapUp.boundingBox();
    drag(page, wb.x + wb.width / 2, wb.y + 6, wb.x + wb.width / 2, wb.y + 6 + 30);
    page.getByRole(AriaRole.DIALOG)
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("すべての予定").setExact(true))
        .click();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode ev = tanaka.client().get("/api/v1/events/" + wrap).json();
              assertThat(ev.get("startAt").asString()).isEqualTo(instant(thu, "17:45"));
              assertThat(ev.get("endAt").asString()).isEqualTo(instant(thu, "18:15"));
              assertThat(ev.get("rrule").asString()).contains("FREQ=DAILY");
            });
    assertThat(block(page, "夕礼")).hasCount(2);
    assertThat(block(page, "夕礼").last()).containsText("17:45–18:15");

    // The review onto the visitor's booking of the same room: refused, back at 14:00.
    Locator r = block(page, "設計レビュー");
    BoundingBox rb = r.boundingBox();
    drag(page, rb.x + rb.width / 2, rb.y + 6, rb.x + rb.width / 2, rb.y + 6 - 3 * 40);
    assertThat(page.locator(".toast-error")).containsText("already booked");
    assertThat(block(page, "設計レビュー")).containsText("14:00–15:00");
    JsonNode unchanged = tanaka.client().get("/api/v1/events/" + review).json();
    assertThat(unchanged.get("startAt").asString()).isEqualTo(instant(thu, "14:00"));
    assertThat(unchanged.get("endAt").asString()).isEqualTo(instant(thu, "15:00"));
  }
}
