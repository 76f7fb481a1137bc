package dev.musubi.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The calendar page: views, an invitation answered, an event created with recurrence. */
@MusubiIntegrationTest
class CalendarBrowserTests extends BrowserTestBase {

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
  void aMemberSeesTheirWeekAnswersAnInvitationAndCreatesARecurringEvent() {
    Fixtures.TestCompany c = fixtures.company();
    Fixtures.TestMember tanaka = fixtures.member(c, "tanaka");
    Fixtures.TestMember sato = fixtures.member(c, "sato");
    ApiClient.Response room =
        c.admin()
            .post(
                "/api/v1/facilities", Map.of("name", "第1会議室", "capacity", 8, "location", "本社 3F"));
    assertThat(room.status()).isEqualTo(201);
    LocalDate today = LocalDate.now(ZoneId.of("Asia/Tokyo"));
    LocalDate tomorrow = today.plusDays(1);
    String mine = defaultCalendar(tanaka.client());
    assertThat(
            tanaka
                .client()
                .post(
                    "/api/v1/calendars/" + mine + "/events",
                    Map.of(
                        "title", "週次定例",
                        "start", today + "T09:30",
                        "end", today + "T10:30",
                        "rrule", "FREQ=WEEKLY;COUNT=8",
                        "location", "オンライン"))
                .status())
        .isEqualTo(201);
    assertThat(
            tanaka
                .client()
                .post(
                    "/api/v1/calendars/" + mine + "/events",
                    Map.of(
                        "title",
                        "社内研修",
                        "allDay",
                        true,
                        "start",
                        today.plusDays(2).toString(),
                        "end",
                        today.plusDays(3).toString()))
                .status())
        .isEqualTo(201);
    ApiClient.Response invite =
        sato.client()
            .post(
                "/api/v1/calendars/" + defaultCalendar(sato.client()) + "/events",
                Map.of(
                    "title",
                    "設計レビュー",
                    "start",
                    tomorrow + "T14:00",
                    "end",
                    tomorrow + "T15:00",
                    "facilityId",
                    room.json().get("id").asString(),
                    "attendees",
                    List.of(Map.of("memberId", tanaka.id().toString()))));
    assertThat(invite.status()).as(invite.body()).isEqualTo(201);
    String inviteId = invite.json().get("id").asString();

    Page page = browser.newPage(1280, 860);
    page.navigate("/#/calendar");
    Browser.submitPassword(page, tanaka.loginId(), Fixtures.PASSWORD);
    assertThat(page.locator(".cal-month")).isVisible();
    assertThat(page.locator(".cal-month").getByText("週次定例").first()).isVisible();
    assertThat(page.locator(".cal-month").getByText("社内研修")).isVisible();

    // Answer the invitation from its dialog.
    page.locator(".cal-month").getByText("設計レビュー").click();
    page.getByRole(AriaRole.DIALOG)
        .getByRole(
            AriaRole.BUTTON,
            new com.microsoft.playwright.Locator.GetByRoleOptions().setName("参加").setExact(true))
        .click();
    assertThat(page.getByText("回答しました。")).isVisible();
    JsonNode answered = sato.client().get("/api/v1/events/" + inviteId).json();
    assertThat(answered.get("attendees").get(0).get("status").asString()).isEqualTo("accepted");

    // Create a weekly event through the dialog.
    page.locator(".cal-new").click();
    page.getByLabel("件名").fill("1on1 <b>佐藤さん</b>");
    page.getByLabel("開始").fill(tomorrow + "T11:00");
    page.getByLabel("終了").fill(tomorrow + "T11:30");
    page.getByLabel("繰り返し").selectOption("weekly");
    page.getByLabel("場所").fill("第2会議室");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("保存")).click();
    assertThat(page.getByText("予定を保存しました。")).isVisible();
    assertThat(page.locator(".cal-month").getByText("1on1 <b>佐藤さん</b>").first()).isVisible();
    JsonNode created =
        tanaka
            .client()
            .get(
                "/api/v1/calendars/"
                    + mine
                    + "/events?from="
                    + tomorrow
                    + "&to="
                    + tomorrow.plusDays(1))
            .json();
    assertThat(created.toString()).contains("1on1 <b>佐藤さん</b>");

    // The week view, saved for the docs.
    page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("週")).click();
    assertThat(page.locator(".cal-grid")).isVisible();
    assertThat(page.locator(".cal-block").getByText("設計レビュー")).isVisible();
    page.locator(".cal-grid-wrap").evaluate("el => el.scrollTop = 8 * 40");
    browser.screenshot(page, "calendar.png");
    page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("月")).click();
    browser.screenshot(page, "calendar-month.png");

    // A phone: the agenda, with the add button.
    Page phone = browser.newPage(390, 800);
    phone.navigate("/#/calendar");
    Browser.submitPassword(phone, tanaka.loginId(), Fixtures.PASSWORD);
    assertThat(phone.locator(".cal-agenda")).isVisible();
    assertThat(phone.locator(".cal-agenda").getByText("設計レビュー")).isVisible();
    assertThat(phone.locator(".cal-fab")).isVisible();
    browser.screenshot(phone, "calendar-phone.png");
  }

  @Test
  void theOrganiserAndInviteesAreRemindedInTheAppButNotOthers() {
    Fixtures.TestCompany c = fixtures.company();
    Fixtures.TestMember tanaka = fixtures.member(c, "tanaka");
    Fixtures.TestMember sato = fixtures.member(c, "sato");
    String mine = defaultCalendar(tanaka.client());
    ApiClient.Response created =
        tanaka
            .client()
            .post(
                "/api/v1/calendars/" + mine + "/events",
                Map.of(
                    "title", "予算会議",
                    "start", "2027-03-01T10:00",
                    "end", "2027-03-01T11:00",
                    "timeZone", "Asia/Tokyo",
                    "reminders", List.of(10),
                    "attendees", List.of(Map.of("memberId", sato.id().toString()))));
    assertThat(created.status()).as(created.body()).isEqualTo(201);

    // The browser's clock stands at 9:49:40 in Tokyo; a minute later the reminder is due.
    Page page = browser.newPage(1280, 800);
    page.clock()
        .install(
            new com.microsoft.playwright.Clock.InstallOptions()
                .setTime(java.time.Instant.parse("2027-03-01T00:49:40Z").toEpochMilli()));
    page.navigate("/#/calendar");
    Browser.submitPassword(page, sato.loginId(), Fixtures.PASSWORD);
    assertThat(page.locator(".toast-info")).hasCount(0);
    page.clock().runFor(60_000);
    assertThat(page.locator(".toast-info")).containsText("予算会議");
    assertThat(page.locator(".toast-info")).containsText("10 分後");
    // Shown once, not on every check.
    page.clock().runFor(60_000);
    assertThat(page.locator(".toast-info")).hasCount(1);

    // Sato declines: no reminder any more for Sato's next visit.
    JsonNode agenda =
        sato.client()
            .get("/api/v1/agenda?from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z")
            .json();
    assertThat(agenda.get(0).get("reminders").get(0).asInt()).isEqualTo(10);
    String eventId = agenda.get(0).get("eventId").asString();
    assertThat(
            sato.client()
                .post("/api/v1/events/" + eventId + "/reply", Map.of("status", "declined"))
                .status())
        .isEqualTo(200);
    assertThat(
            sato.client()
                .get("/api/v1/agenda?from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z")
                .json()
                .get(0)
                .get("reminders"))
        .isEmpty();
  }

  @Autowired dev.musubi.calendar.internal.InvitationMail invitationMail;

  @Test
  void theEditorShowsOutsideAnswersAndOffersEmailReminders() {
    Fixtures.TestCompany c = fixtures.company();
    Fixtures.TestMember tanaka = fixtures.member(c, "tanaka");
    LocalDate tomorrow = LocalDate.now(ZoneId.of("Asia/Tokyo")).plusDays(1);
    String mine = defaultCalendar(tanaka.client());
    ApiClient.Response created =
        tanaka
            .client()
            .post(
                "/api/v1/calendars/" + mine + "/events",
                Map.of(
                    "title",
                    "取引先との定例",
                    "start",
                    tomorrow + "T10:00",
                    "end",
                    tomorrow + "T11:00",
                    "attendees",
                    List.of(
                        Map.of("email", "taro@partner.example", "name", "取引先 太郎"),
                        Map.of("email", "hanako@partner.example", "name", "取引先 花子"))));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();
    String uid = created.json().get("uid").asString();
    // Taro's REPLY, as the mail listener hands it to the calendar.
    assertThat(
            invitationMail.replies(
                c.id(),
                tanaka.id(),
                "taro@partner.example",
                String.join(
                    "\r\n",
                    "BEGIN:VCALENDAR",
                    "VERSION:2.0",
                    "METHOD:REPLY",
                    "BEGIN:VEVENT",
                    "UID:" + uid,
                    "SEQUENCE:0",
                    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:taro@partner.example",
                    "END:VEVENT",
                    "END:VCALENDAR")))
        .isEqualTo(1);
    ApiClient.Response tentative =
        tanaka
            .client()
            .post(
                "/api/v1/calendars/" + mine + "/events",
                Map.of(
                    "title",
                    "仮押さえの打合せ",
                    "start",
                    tomorrow + "T14:00",
                    "end",
                    tomorrow + "T15:00",
                    "status",
                    "TENTATIVE"));
    assertThat(tentative.status()).as(tentative.body()).isEqualTo(201);

    Page page = browser.newPage(1280, 860);
    page.navigate("/#/calendar");
    Browser.submitPassword(page, tanaka.loginId(), Fixtures.PASSWORD);
    // A tentative event is marked as such.
    assertThat(page.locator(".cal-month .cal-tentative").first()).containsText("仮押さえの打合せ");
    page.locator(".cal-month").getByText("取引先との定例").first().click();
    page.getByRole(AriaRole.DIALOG)
        .getByRole(
            AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("編集"))
        .click();
    assertThat(
            page.locator(".cal-attendee-outside")
                .filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("取引先 太郎")))
        .containsText("承諾");
    assertThat(
            page.locator(".cal-attendee-outside")
                .filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("取引先 花子")))
        .containsText("回答待ち");
    page.getByLabel("通知", new Page.GetByLabelOptions().setExact(true)).selectOption("30");
    page.getByLabel("通知方法").selectOption("email");
    page.getByLabel("空き時間の扱い").selectOption("TRANSPARENT");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("保存")).click();
    assertThat(page.getByText("予定を保存しました。")).isVisible();
    JsonNode saved = tanaka.client().get("/api/v1/events/" + id).json();
    assertThat(saved.get("emailReminders").get(0).asInt()).isEqualTo(30);
    assertThat(saved.get("reminders")).isEmpty();
    assertThat(saved.get("transparency").asString()).isEqualTo("TRANSPARENT");
    assertThat(saved.get("status").asString()).isEqualTo("CONFIRMED");
    // The editor opens with the e-mail choice again.
    page.locator(".cal-month").getByText("取引先との定例").first().click();
    page.getByRole(AriaRole.DIALOG)
        .getByRole(
            AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("編集"))
        .click();
    assertThat(page.getByLabel("通知方法")).hasValue("email");
    assertThat(page.getByLabel("空き時間の扱い")).hasValue("TRANSPARENT");
    assertThat(page.getByLabel("状態", new Page.GetByLabelOptions().setExact(true)))
        .hasValue("CONFIRMED");
    // Taro's answer survived the save (nothing significant changed).
    assertThat(
            page.locator(".cal-attendee-outside")
                .filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("取引先 太郎")))
        .containsText("承諾");
  }

  @Test
  void anInviteeAnswersOneOccurrenceOfASeriesAndTheOrganiserSeesItOnThatOccurrence() {
    Fixtures.TestCompany c = fixtures.company();
    Fixtures.TestMember tanaka = fixtures.member(c, "tanaka");
    Fixtures.TestMember sato = fixtures.member(c, "sato");
    LocalDate today = LocalDate.now(ZoneId.of("Asia/Tokyo"));
    LocalDate sunday = today.minusDays(today.getDayOfWeek().getValue() % 7);
    LocalDate tuesday = sunday.plusDays(2);
    ApiClient.Response series =
        sato.client()
            .post(
                "/api/v1/calendars/" + defaultCalendar(sato.client()) + "/events",
                Map.of(
                    "title",
                    "夕会",
                    "start",
                    tuesday + "T17:00",
                    "end",
                    tuesday + "T17:30",
                    "timeZone",
                    "Asia/Tokyo",
                    "rrule",
                    "FREQ=DAILY;COUNT=3",
                    "attendees",
                    List.of(Map.of("memberId", tanaka.id().toString()))));
    assertThat(series.status()).as(series.body()).isEqualTo(201);
    String id = series.json().get("id").asString();
    assertThat(
            tanaka
                .client()
                .post("/api/v1/events/" + id + "/reply", Map.of("status", "accepted"))
                .status())
        .isEqualTo(200);
    String wednesday =
        tuesday.plusDays(1).atTime(17, 0).atZone(ZoneId.of("Asia/Tokyo")).toInstant().toString();

    Page page = browser.newPage(1280, 860);
    page.navigate("/#/calendar");
    Browser.submitPassword(page, tanaka.loginId(), Fixtures.PASSWORD);
    page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("週")).click();
    page.locator(".cal-grid-wrap").evaluate("el => el.scrollTop = 12 * 40");
    page.locator(".cal-col[data-day='" + tuesday.plusDays(1) + "'] .cal-block")
        .filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("夕会"))
        .click();
    com.microsoft.playwright.Locator dialog = page.getByRole(AriaRole.DIALOG);
    // A series: the answer is for this occurrence unless "all events" is chosen.
    assertThat(dialog.getByLabel("回答の対象")).hasValue("this");
    dialog
        .getByRole(
            AriaRole.BUTTON,
            new com.microsoft.playwright.Locator.GetByRoleOptions().setName("不参加").setExact(true))
        .click();
    assertThat(page.getByText("回答しました。")).isVisible();

    JsonNode atWednesday =
        sato.client().get("/api/v1/events/" + id + "?occurrence=" + wednesday).json();
    assertThat(atWednesday.get("attendees").get(0).get("status").asString()).isEqualTo("declined");
    JsonNode whole = sato.client().get("/api/v1/events/" + id).json();
    assertThat(whole.get("attendees").get(0).get("status").asString()).isEqualTo("accepted");
    assertThat(whole.get("occurrenceAnswers")).hasSize(1);

    // The organiser opens that occurrence and sees the answer given for it.
    Page organiser = browser.newPage(1280, 860);
    organiser.navigate("/#/calendar");
    Browser.submitPassword(organiser, sato.loginId(), Fixtures.PASSWORD);
    organiser.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("週")).click();
    organiser.locator(".cal-grid-wrap").evaluate("el => el.scrollTop = 12 * 40");
    organiser
        .locator(".cal-col[data-day='" + tuesday.plusDays(1) + "'] .cal-block")
        .filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("夕会"))
        .click();
    assertThat(organiser.getByRole(AriaRole.DIALOG).locator(".cal-attendee")).containsText("不参加");
    organiser.keyboard().press("Escape");
    organiser
        .locator(".cal-col[data-day='" + tuesday + "'] .cal-block")
        .filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("夕会"))
        .click();
    assertThat(organiser.getByRole(AriaRole.DIALOG).locator(".cal-attendee")).containsText("参加");
    assertThat(organiser.getByRole(AriaRole.DIALOG).locator(".cal-attendee"))
        .not()
        .containsText("不参加");
  }
}
