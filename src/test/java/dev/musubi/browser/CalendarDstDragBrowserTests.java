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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Dragging a whole series across a daylight-saving change of its own zone: the series moves by the
 * wall-clock shift in that zone, so the dragged occurrence lands where it was dropped.
 */
@MusubiIntegrationTest
class CalendarDstDragBrowserTests extends BrowserTestBase {

  Fixtures fixtures;

  @BeforeEach
  void start() {
    fixtures = new Fixtures(port);
  }

  private static String defaultCalendar(ApiClient c) {
    for (JsonNode cal : c.get("/api/v1/calendars").json()) {
      if (cal.get("isDefault").asBoolean()) {
        return cal.get("id").asString();
      }
    }
    throw new AssertionError("no default calendar");
  }

  @Test
  void aNewYorkSeriesDraggedAcrossMarchInTokyoLandsWhereItWasDropped() {
    Fixtures.TestCompany c = fixtures.company();
    Fixtures.TestMember tanaka = fixtures.member(c, "tanaka");
    // Every day at 11:00 in New York: 01:00 the next day in Tokyo before 8 March 2026 (EST),
    // 00:00 after it (EDT).
    ApiClient.Response created =
        tanaka
            .client()
            .post(
                "/api/v1/calendars/" + defaultCalendar(tanaka.client()) + "/events",
                Map.of(
                    "title", "NY定例",
                    "start", "2026-03-02T11:00",
                    "end", "2026-03-02T12:00",
                    "timeZone", "America/New_York",
                    "rrule", "FREQ=DAILY;COUNT=20"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();

    Page page = browser.newPage(1280, 900);
    page.clock()
        .install(
            new com.microsoft.playwright.Clock.InstallOptions()
                .setTime(Instant.parse("2026-03-10T03:00:00Z").toEpochMilli()));
    page.navigate("/#/calendar");
    Browser.submitPassword(page, tanaka.loginId(), Fixtures.PASSWORD);
    page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("週")).click();
    assertThat(page.locator(".cal-col[data-day='2026-03-08']")).isVisible();
    page.locator(".cal-grid-wrap").evaluate("el => el.scrollTop = 0");

    // Saturday 7 March in New York (EST) shows on Sunday 01:00 in Tokyo; drop it on Monday 01:00.
    Locator sunday =
        page.locator(".cal-col[data-day='2026-03-08'] .cal-block")
            .filter(new Locator.FilterOptions().setHasText("NY定例"));
    assertThat(sunday).containsText("01:00");
    BoundingBox b = sunday.boundingBox();
    BoundingBox monday = page.locator(".cal-col[data-day='2026-03-09']").boundingBox();
    page.mouse().move(b.x + b.width / 2, b.y + 6);
    page.mouse().down();
    page.mouse().move(monday.x + monday.width / 2, b.y + 6, new Mouse.MoveOptions().setSteps(12));
    page.mouse().up();
    page.getByRole(AriaRole.DIALOG)
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("すべての予定").setExact(true))
        .click();

    // Sunday 8 March 12:00 in New York (EDT) is Monday 01:00 in Tokyo: the series is at 12:00.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode ev = tanaka.client().get("/api/v1/events/" + id).json();
              assertThat(ev.get("timeZone").asString()).isEqualTo("America/New_York");
              assertThat(ev.get("start").asString()).isEqualTo("2026-03-03T12:00");
              assertThat(ev.get("end").asString()).isEqualTo("2026-03-03T13:00");
            });
    JsonNode around =
        tanaka
            .client()
            .get("/api/v1/agenda?from=2026-03-05T00:00:00Z&to=2026-03-11T00:00:00Z")
            .json();
    List<String> starts =
        StreamSupport.stream(around.spliterator(), false)
            .filter(o -> "NY定例".equals(o.path("title").asString("")))
            .map(o -> o.get("start").asString())
            .toList();
    // 12:00 in New York on each day, before and after the change.
    assertThat(starts)
        .containsExactly(
            "2026-03-05T17:00:00Z",
            "2026-03-06T17:00:00Z",
            "2026-03-07T17:00:00Z",
            "2026-03-08T16:00:00Z",
            "2026-03-09T16:00:00Z",
            "2026-03-10T16:00:00Z");
    assertThat(
            page.locator(".cal-col[data-day='2026-03-09'] .cal-block")
                .filter(new Locator.FilterOptions().setHasText("NY定例")))
        .containsText("01:00");
  }
}
