package dev.musubi.calendar;

import static dev.musubi.calendar.CalendarApi.defaultCalendar;
import static dev.musubi.calendar.CalendarApi.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@MusubiIntegrationTest
class FacilitiesIntegrationTests {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  private String room(TestCompany c, Map<String, Object> body) {
    ApiClient.Response r = c.admin().post("/api/v1/facilities", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  @Test
  void onlyAdministratorsDefineFacilitiesAndBadRulesAreRefused() {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    assertThat(m.client().post("/api/v1/facilities", Map.of("name", "会議室")).status())
        .isEqualTo(403);
    ApiClient.Response bad =
        c.admin()
            .post(
                "/api/v1/facilities",
                Map.of(
                    "name",
                    "",
                    "kind",
                    "spaceship",
                    "openFrom",
                    "18:00",
                    "openTo",
                    "09:00",
                    "maxMinutes",
                    1));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().get("errors")).hasSizeGreaterThanOrEqualTo(4);
    String id = room(c, Map.of("name", "会議室A", "capacity", 6, "location", "3F"));
    assertThat(m.client().get("/api/v1/facilities").json()).hasSize(1);
    assertThat(m.client().patch("/api/v1/facilities/" + id, Map.of("name", "x")).status())
        .isEqualTo(403);
    assertThat(
            c.admin()
                .patch("/api/v1/facilities/" + id, Map.of("capacity", 10))
                .json()
                .get("capacity")
                .asInt())
        .isEqualTo(10);
  }

  @Test
  void bookingRulesAreEnforced() {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    String id =
        room(c, Map.of("name", "会議室B", "openFrom", "09:00", "openTo", "18:00", "maxMinutes", 120));
    String cal = defaultCalendar(m.client());
    ApiClient.Response early =
        m.client()
            .post(
                "/api/v1/calendars/" + cal + "/events",
                event("早朝", "2026-04-06T07:00", "2026-04-06T08:00", "facilityId", id));
    assertThat(early.status()).isEqualTo(422);
    assertThat(early.json().get("errors").get(0).get("code").asString()).isEqualTo("booking_rule");
    ApiClient.Response longOne =
        m.client()
            .post(
                "/api/v1/calendars/" + cal + "/events",
                event("長い", "2026-04-06T09:00", "2026-04-06T12:00", "facilityId", id));
    assertThat(longOne.status()).isEqualTo(422);
    ApiClient.Response endless =
        m.client()
            .post(
                "/api/v1/calendars/" + cal + "/events",
                event(
                    "毎週",
                    "2026-04-06T10:00",
                    "2026-04-06T11:00",
                    "facilityId",
                    id,
                    "rrule",
                    "FREQ=WEEKLY"));
    assertThat(endless.status()).isEqualTo(422);
    // A bounded series books every occurrence; a clash with one of them is refused.
    ApiClient.Response weekly =
        m.client()
            .post(
                "/api/v1/calendars/" + cal + "/events",
                event(
                    "毎週",
                    "2026-04-06T10:00",
                    "2026-04-06T11:00",
                    "facilityId",
                    id,
                    "rrule",
                    "FREQ=WEEKLY;COUNT=4"));
    assertThat(weekly.status()).as(weekly.body()).isEqualTo(201);
    assertThat(weekly.json().get("bookingStatus").asString()).isEqualTo("confirmed");
    TestMember other = fixtures.member(c, "baba");
    ApiClient.Response clash =
        other
            .client()
            .post(
                "/api/v1/calendars/" + defaultCalendar(other.client()) + "/events",
                event("割り込み", "2026-04-27T10:30", "2026-04-27T11:30", "facilityId", id));
    assertThat(clash.status()).isEqualTo(409);
    assertThat(clash.problemType()).isEqualTo("facility-busy");
    ApiClient.Response bookings =
        other
            .client()
            .get(
                "/api/v1/facilities/"
                    + id
                    + "/bookings?from=2026-04-01T00:00:00Z&to=2026-05-01T00:00:00Z");
    assertThat(bookings.json()).hasSize(4);
    assertThat(bookings.body()).doesNotContain("毎週");
    // Nothing of the refused events was saved.
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM cal_event WHERE tenant_id = ?")
                .param(c.id())
                .query(Integer.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void approvalMakesBookingsPendingUntilAnAdministratorDecides() {
    TestCompany c = fixtures.company();
    TestMember m = fixtures.member(c, "aoki");
    String id = room(c, Map.of("name", "社用車", "kind", "vehicle", "needsApproval", true));
    ApiClient.Response e =
        m.client()
            .post(
                "/api/v1/calendars/" + defaultCalendar(m.client()) + "/events",
                event("客先訪問", "2026-04-06T10:00", "2026-04-06T12:00", "facilityId", id));
    assertThat(e.status()).as(e.body()).isEqualTo(201);
    assertThat(e.json().get("bookingStatus").asString()).isEqualTo("pending");
    String booking =
        c.admin()
            .get(
                "/api/v1/facilities/"
                    + id
                    + "/bookings?from=2026-04-06T00:00:00Z&to=2026-04-07T00:00:00Z")
            .json()
            .get(0)
            .get("id")
            .asString();
    assertThat(
            m.client()
                .post("/api/v1/facilities/" + id + "/bookings/" + booking + "/approve", Map.of())
                .status())
        .isEqualTo(403);
    ApiClient.Response ok =
        c.admin().post("/api/v1/facilities/" + id + "/bookings/" + booking + "/approve", Map.of());
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(
            m.client()
                .get("/api/v1/events/" + e.json().get("id").asString())
                .json()
                .get("bookingStatus")
                .asString())
        .isEqualTo("confirmed");
  }

  @Test
  void concurrentOverlappingBookingsNeverBothSucceed() throws Exception {
    TestCompany c = fixtures.company();
    String id = room(c, Map.of("name", "大会議室"));
    int n = 12;
    List<TestMember> members = new ArrayList<>();
    List<String> calendars = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TestMember m = fixtures.member(c, "m" + i);
      members.add(m);
      calendars.add(defaultCalendar(m.client()));
    }
    for (int round = 0; round < 3; round++) {
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<ApiClient.Response>> futures = new ArrayList<>();
      String day = "2026-05-1" + round;
      try (var pool = Executors.newFixedThreadPool(n)) {
        for (int i = 0; i < n; i++) {
          TestMember m = members.get(i);
          String cal = calendars.get(i);
          // Every request overlaps every other one (each covers 10:00-10:30).
          String start = day + "T" + (i % 2 == 0 ? "10:00" : "09:30");
          String end = day + "T" + (i % 3 == 0 ? "11:00" : "10:30");
          futures.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                    return m.client()
                        .post(
                            "/api/v1/calendars/" + cal + "/events",
                            event("会議", start, end, "facilityId", id));
                  },
                  pool));
        }
        go.countDown();
        int created = 0;
        int conflicts = 0;
        for (var f : futures) {
          ApiClient.Response r = f.get();
          if (r.status() == 201) {
            created++;
          } else {
            assertThat(r.status()).as(r.body()).isEqualTo(409);
            conflicts++;
          }
        }
        assertThat(created).isEqualTo(1);
        assertThat(conflicts).isEqualTo(n - 1);
      }
    }
    int bookings =
        jdbc.sql("SELECT COUNT(*) FROM cal_booking WHERE tenant_id = ?")
            .param(c.id())
            .query(Integer.class)
            .single();
    assertThat(bookings).isEqualTo(3);
  }
}
