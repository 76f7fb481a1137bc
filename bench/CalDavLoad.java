import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CalDAV and calendar API benchmark client (JDK only), run by bench/caldav.sh against a running
 * Musubi and Radicale:
 *
 * <pre>
 * java bench/CalDavLoad.java BASE ADMIN_LOGIN ADMIN_PASSWORD DOMAIN RADICALE_BASE RADICALE_DIR COUNT
 *     REQUESTS WEEK_REQUESTS
 * </pre>
 *
 * Generates COUNT events over 2027 from a fixed seed (a tenth recurring: weekly and daily RRULEs,
 * a third of those with EXDATEs; one in twenty all-day; Japanese titles, places and notes). PUTs
 * the first 500 into both servers (four at a time; Musubi's into a second calendar), writes the
 * rest into Radicale's file store as items and imports all of them into the admin's default
 * calendar in Musubi (POST /api/v1/calendars/{id}/import, files of 5,000). Then, alternating between the
 * servers in rounds, sends REQUESTS CalDAV REPORT calendar-query requests each with a one-month
 * time-range (cycling through the months of 2027) asking for getetag and calendar-data, one at a
 * time on one kept-alive connection. Finally, for the web client's week view, creates 20 colleagues
 * each with 500 events in their own calendar shared with a viewer who subscribes to all 20, and
 * times WEEK_REQUESTS {@code GET /api/v1/agenda} week windows as that viewer. Prints {@code RESULT
 * server key value} lines.
 */
public class CalDavLoad {

  static final String PASSWORD = "Cal-Bench-Member-Pass-1";
  static final int PUTS = 500;
  static final int IMPORT_FILE = 5000; // Musubi takes at most 5,000 events per .ics file
  static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
  static final Pattern HOME = Pattern.compile("href>([^<]*/calendars/[^<]+/)</");
  static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
  static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss");
  static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuuMMdd");
  static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  static final String[] TITLES = {
    "定例会議", "顧客打ち合わせ", "1on1", "週次レビュー", "見積もり確認", "新人研修", "設計レビュー",
    "出張 大阪", "予算会議", "採用面接", "Sprint planning", "Release review", "部内朝会",
    "品質検討会", "ランチミーティング"
  };
  static final String[] PLACES = {
    "本社 3F 会議室A", "本社 5F 大会議室", "大阪支社 応接室", "オンライン (Meet)", "品川オフィス 12F",
    "", "横浜工場 研修室"
  };

  record Server(String name, String base, String collection, String auth) {}

  public static void main(String[] args) throws Exception {
    if (args.length < 9) {
      System.err.println(
          "usage: java CalDavLoad.java BASE ADMIN_LOGIN ADMIN_PASSWORD DOMAIN RADICALE_BASE"
              + " RADICALE_DIR COUNT REQUESTS WEEK_REQUESTS");
      System.exit(2);
    }
    String base = args[0];
    String admin = args[1];
    String adminPassword = args[2];
    String domain = args[3];
    String radicaleBase = args[4];
    String radicaleDir = args[5];
    int count = Integer.parseInt(args[6]);
    int requests = Integer.parseInt(args[7]);
    int weekRequests = Integer.parseInt(args[8]);

    List<String> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(vevent(i, 0, count));
    }

    // Radicale: the first PUTS events by PUT, four at a time (its PUT slows down as the collection
    // grows: 1,000 took 94 s, one PUT of the whole 10,000 to the collection 4.5 min), the rest
    // written straight into its file store as the items it would have written, as imap.sh does
    // for Dovecot's Maildir. Its first REPORT then builds its item cache (timed separately).
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    String radicaleAuth = basic("bench", "bench");
    Server radicale = new Server("radicale", radicaleBase, radicaleBase + "/bench/cal/", radicaleAuth);
    dav(http, radicale, "PROPFIND", radicaleBase + "/bench/", "", "0", 207);
    dav(http, radicale, "MKCALENDAR", radicale.collection(), "", null, 201);
    int puts = Math.min(PUTS, count);
    long t0 = System.nanoTime();
    AtomicInteger failed = new AtomicInteger();
    try (var pool = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < puts; i++) {
        int k = i;
        pool.submit(
            () -> {
              try {
                HttpRequest r =
                    HttpRequest.newBuilder(URI.create(radicale.collection() + uid(k, 0) + ".ics"))
                        .header("Authorization", radicaleAuth)
                        .header("Content-Type", "text/calendar; charset=utf-8")
                        .header("If-None-Match", "*")
                        .PUT(HttpRequest.BodyPublishers.ofString(calendar(events.get(k))))
                        .build();
                HttpResponse<String> res = sendRetrying(http, r);
                if (res.statusCode() != 201 && res.statusCode() != 204) {
                  if (failed.incrementAndGet() == 1) {
                    System.err.println("radicale PUT → " + res.statusCode() + " " + res.body());
                  }
                }
              } catch (Exception e) {
                if (failed.incrementAndGet() == 1) {
                  System.err.println("radicale PUT → " + e);
                }
              }
            });
      }
    }
    long radicalePuts = (System.nanoTime() - t0) / 1_000_000;
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " PUTs to Radicale failed");
    }
    result("radicale", "put-" + puts + "-ms", radicalePuts);
    Path folder = Path.of(radicaleDir, "collections", "collection-root", "bench", "cal");
    for (int i = puts; i < count; i++) {
      Files.writeString(folder.resolve(uid(i, 0) + ".ics"), calendar(events.get(i)));
    }
    t0 = System.nanoTime();
    dav(http, radicale, "REPORT", radicale.collection(), monthQuery(0), "1", 207);
    long radicaleLoad = (System.nanoTime() - t0) / 1_000_000;
    result("radicale", "first-query-ms", radicaleLoad);

    // Musubi: the same VEVENTs in one import into the admin's default calendar.
    Session owner = signIn(base, admin + "@" + domain, adminPassword);
    String calendarId = defaultCalendar(owner, base);
    t0 = System.nanoTime();
    for (int i = 0; i < count; i += IMPORT_FILE) {
      send(
          owner,
          base,
          "POST",
          "/api/v1/calendars/" + calendarId + "/import",
          calendar(String.join("", events.subList(i, Math.min(count, i + IMPORT_FILE)))),
          "text/calendar",
          201);
    }
    result("musubi", "import-ms", (System.nanoTime() - t0) / 1_000_000);
    String musubiAuth = basic(admin + "@" + domain, adminPassword);
    String propfind =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><d:propfind xmlns:d=\"DAV:\""
            + " xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:prop><c:calendar-home-set/>"
            + "</d:prop></d:propfind>";
    Server musubiProbe = new Server("musubi", base, "", musubiAuth);
    String home =
        match(HOME, dav(http, musubiProbe, "PROPFIND", base + "/dav/cal/", propfind, "0", 207));
    Server musubi = new Server("musubi", base, base + home + calendarId + "/", musubiAuth);

    // The same PUTs into a second Musubi calendar, for the load rate.
    String scratch =
        match(ID, post(owner, base, "/api/v1/calendars", "{\"name\":\"PUT\"}", 201));
    String scratchUrl = base + home + scratch + "/";
    t0 = System.nanoTime();
    try (var pool = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < puts; i++) {
        int k = i;
        pool.submit(
            () -> {
              try {
                HttpRequest r =
                    HttpRequest.newBuilder(URI.create(scratchUrl + uid(k, 0) + ".ics"))
                        .header("Authorization", musubiAuth)
                        .header("Content-Type", "text/calendar; charset=utf-8")
                        .header("If-None-Match", "*")
                        .PUT(HttpRequest.BodyPublishers.ofString(calendar(events.get(k))))
                        .build();
                HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() != 201) {
                  if (failed.incrementAndGet() == 1) {
                    System.err.println("musubi PUT → " + res.statusCode() + " " + res.body());
                  }
                }
              } catch (Exception e) {
                if (failed.incrementAndGet() == 1) {
                  System.err.println("musubi PUT → " + e);
                }
              }
            });
      }
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " PUTs to Musubi failed");
    }
    result("musubi", "put-" + puts + "-ms", (System.nanoTime() - t0) / 1_000_000);

    // Sanity: both servers find the same resources in every month.
    for (Server s : List.of(radicale, musubi)) {
      long hits = 0;
      for (int m = 0; m < 12; m++) {
        hits += responses(dav(http, s, "REPORT", s.collection(), monthQuery(m), "1", 207));
      }
      result(s.name(), "month-hits-12", hits);
    }

    // Warm-up, then alternating rounds.
    List<List<Long>> times = List.of(new ArrayList<>(), new ArrayList<>());
    List<Server> servers = List.of(radicale, musubi);
    for (int i = 0; i < 6; i++) {
      for (Server s : servers) {
        dav(http, s, "REPORT", s.collection(), monthQuery(i), "1", 207);
      }
    }
    int round = 20;
    long bytes[] = new long[2];
    for (int done = 0; done < requests; done += round) {
      for (int k = 0; k < 2; k++) {
        Server s = servers.get(k);
        for (int i = done; i < Math.min(requests, done + round); i++) {
          long b = System.nanoTime();
          String body = dav(http, s, "REPORT", s.collection(), monthQuery(i), "1", 207);
          times.get(k).add(System.nanoTime() - b);
          bytes[k] += body.getBytes(StandardCharsets.UTF_8).length;
        }
      }
    }
    for (int k = 0; k < 2; k++) {
      long[] sorted = times.get(k).stream().mapToLong(Long::longValue).sorted().toArray();
      String n = servers.get(k).name();
      result(n, "query-month-p50-ms", pct(sorted, 50));
      result(n, "query-month-p99-ms", pct(sorted, 99));
      result(n, "query-month-kb", bytes[k] / 1024.0 / sorted.length);
      result(n, "query-requests", sorted.length);
    }

    week(base, owner, domain, weekRequests);
  }

  // ---- week view -------------------------------------------------------------------------------

  static void week(String base, Session admin, String domain, int requests) throws Exception {
    String viewerId =
        match(
            ID,
            post(
                admin,
                base,
                "/api/v1/admin/members",
                member("etsuran", "閲覧 花子"),
                201));
    long t0 = System.nanoTime();
    List<String> calendars = new ArrayList<>();
    int perCalendar = 500;
    for (int c = 1; c <= 20; c++) {
      String login = "dou%02d".formatted(c);
      post(admin, base, "/api/v1/admin/members", member(login, "同僚 " + c), 201);
      Session s = signIn(base, login + "@" + domain, PASSWORD);
      String cal = defaultCalendar(s, base);
      StringBuilder ics = new StringBuilder();
      for (int i = 0; i < perCalendar; i++) {
        ics.append(vevent(i, c, perCalendar));
      }
      send(s, base, "POST", "/api/v1/calendars/" + cal + "/import", calendar(ics.toString()),
          "text/calendar", 201);
      send(s, base, "PUT", "/api/v1/calendars/" + cal + "/shares",
          "{\"shares\":[{\"granteeType\":\"member\",\"granteeId\":\"" + viewerId
              + "\",\"level\":\"details\"}]}", "application/json", 200);
      calendars.add(cal);
    }
    Session viewer = signIn(base, "etsuran@" + domain, PASSWORD);
    for (String cal : calendars) {
      send(viewer, base, "PUT", "/api/v1/calendars/" + cal + "/subscription", "",
          "application/json", 200);
    }
    result("musubi", "week-setup-ms", (System.nanoTime() - t0) / 1_000_000);
    LocalDate monday = LocalDate.of(2027, 1, 4);
    long occurrences = 0;
    for (int i = 0; i < 10; i++) {
      agenda(viewer, base, monday.plusWeeks(i));
    }
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      long b = System.nanoTime();
      String body = agenda(viewer, base, monday.plusWeeks(i % 52));
      times.add(System.nanoTime() - b);
      occurrences += body.split("\"calendarId\"", -1).length - 1;
    }
    long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
    result("musubi", "week-p50-ms", pct(sorted, 50));
    result("musubi", "week-p99-ms", pct(sorted, 99));
    result("musubi", "week-occurrences", (double) occurrences / requests);
  }

  static String agenda(Session s, String base, LocalDate monday) throws Exception {
    String from = monday.atStartOfDay(TOKYO).toInstant().toString();
    String to = monday.plusDays(7).atStartOfDay(TOKYO).toInstant().toString();
    return send(s, base, "GET", "/api/v1/agenda?from=" + from + "&to=" + to, null, null, 200);
  }

  static String member(String login, String name) {
    return "{\"loginId\":\"%s\",\"password\":\"%s\",\"displayName\":\"%s\"}"
        .formatted(login, PASSWORD, name);
  }

  // ---- the events ------------------------------------------------------------------------------

  static String uid(int i, int set) {
    return "bench-%d-%05d".formatted(set, i);
  }

  /**
   * Event {@code i} of set {@code set}: a tenth recurring (a third of those daily with a COUNT, the
   * rest weekly, unbounded, with a COUNT or with an UNTIL; a third with one or two EXDATEs), one in
   * twenty all-day, the rest timed single events between 8:00 and 19:00 Tokyo time in 2027.
   */
  static String vevent(int i, int set, int count) {
    Random r = new Random(i * 7919L + set * 104729L + 11);
    LocalDate day = LocalDate.of(2027, 1, 1).plusDays(r.nextInt(365));
    LocalDateTime start = day.atTime(8 + r.nextInt(11), r.nextBoolean() ? 0 : 30);
    int minutes = 30 * (1 + r.nextInt(4));
    StringBuilder b = new StringBuilder();
    b.append("BEGIN:VEVENT\r\n");
    line(b, "UID:" + uid(i, set) + "@caldav.bench");
    line(b, "DTSTAMP:20261201T000000Z");
    String title = TITLES[r.nextInt(TITLES.length)] + " " + (i + 1);
    if (i % 20 == 5) {
      line(b, "DTSTART;VALUE=DATE:" + DAY.format(day));
      line(b, "DTEND;VALUE=DATE:" + DAY.format(day.plusDays(1 + r.nextInt(2))));
    } else {
      line(b, "DTSTART;TZID=Asia/Tokyo:" + LOCAL.format(start));
      line(b, "DTEND;TZID=Asia/Tokyo:" + LOCAL.format(start.plusMinutes(minutes)));
    }
    line(b, "SUMMARY:" + title);
    String place = PLACES[r.nextInt(PLACES.length)];
    if (!place.isEmpty()) {
      line(b, "LOCATION:" + place);
    }
    line(
        b,
        "DESCRIPTION:議題: "
            + title
            + "\\n資料は共有ドライブの「"
            + TITLES[r.nextInt(TITLES.length)]
            + "」フォルダにあります。\\n参加できない場合は前日までに連絡してください。");
    if (i % 10 == 0) {
      int j = i / 10;
      int occurrences;
      if (j % 3 == 0) {
        occurrences = 5 + r.nextInt(26);
        line(b, "RRULE:FREQ=DAILY;INTERVAL=" + (1 + r.nextInt(2)) + ";COUNT=" + occurrences);
      } else {
        String byDay = start.getDayOfWeek().name().substring(0, 2);
        occurrences = 10 + r.nextInt(43);
        switch (j % 4) {
          case 0 -> line(b, "RRULE:FREQ=WEEKLY;BYDAY=" + byDay);
          case 1 -> line(b, "RRULE:FREQ=WEEKLY;BYDAY=" + byDay + ";COUNT=" + occurrences);
          default -> {
            LocalDateTime until = start.plusWeeks(occurrences - 1);
            line(
                b,
                "RRULE:FREQ=WEEKLY;BYDAY="
                    + byDay
                    + ";UNTIL="
                    + UTC.format(until.atZone(TOKYO).toInstant()));
          }
        }
      }
      if (j % 3 == 1 && i % 20 != 5) {
        int first = 1 + r.nextInt(Math.max(1, Math.min(occurrences, 10) - 1));
        line(b, "EXDATE;TZID=Asia/Tokyo:" + LOCAL.format(start.plusWeeks(first)));
        if (r.nextBoolean()) {
          line(b, "EXDATE;TZID=Asia/Tokyo:" + LOCAL.format(start.plusWeeks(first + 1)));
        }
      }
    }
    b.append("END:VEVENT\r\n");
    return b.toString();
  }

  static String calendar(String vevents) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Musubi//bench CalDavLoad//EN\r\n"
        + "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
        + "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST\r\nEND:STANDARD\r\n"
        + "END:VTIMEZONE\r\n"
        + vevents
        + "END:VCALENDAR\r\n";
  }

  /** RFC 5545 §3.1: lines folded at 75 octets, never inside a UTF-8 sequence. */
  static void line(StringBuilder b, String text) {
    int octets = 0;
    int limit = 75;
    for (int k = 0; k < text.length(); ) {
      int cp = text.codePointAt(k);
      int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (octets + n > limit) {
        b.append("\r\n ");
        octets = 1;
        limit = 75;
      }
      b.appendCodePoint(cp);
      octets += n;
      k += Character.charCount(cp);
    }
    b.append("\r\n");
  }

  static String monthQuery(int i) {
    LocalDate first = LocalDate.of(2027, 1 + i % 12, 1);
    String start = UTC.format(first.atStartOfDay(TOKYO).toInstant());
    String end = UTC.format(first.plusMonths(1).atStartOfDay(TOKYO).toInstant());
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        + "<c:calendar-query xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\">"
        + "<d:prop><d:getetag/><c:calendar-data/></d:prop>"
        + "<c:filter><c:comp-filter name=\"VCALENDAR\"><c:comp-filter name=\"VEVENT\">"
        + "<c:time-range start=\""
        + start
        + "\" end=\""
        + end
        + "\"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>";
  }

  static int responses(String multistatus) {
    Matcher m = Pattern.compile("<(?:[A-Za-z0-9]+:)?response[ >]").matcher(multistatus);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  record Session(HttpClient http, CookieManager cookies) {}

  static String dav(
      HttpClient http, Server s, String method, String url, String body, String depth, int expected)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", s.auth())
            .timeout(Duration.ofSeconds(900))
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (!body.isEmpty()) {
      b.header("Content-Type", "application/xml; charset=utf-8");
    }
    if (depth != null) {
      b.header("Depth", depth);
    }
    HttpResponse<String> r = sendRetrying(http, b.build());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(
          s.name() + " " + method + " " + url + " → " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  /**
   * Radicale's server sometimes closes a kept-alive connection just as the client reuses it; the
   * request never reached it, so it is sent again (at most twice more).
   */
  static HttpResponse<String> sendRetrying(HttpClient http, HttpRequest r) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return http.send(r, HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException e) {
        if (attempt == 3 || !String.valueOf(e.getMessage()).contains("received no bytes")) {
          throw e;
        }
      }
    }
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static Session signIn(String base, String login, String password) throws Exception {
    CookieManager cookies = new CookieManager();
    HttpClient http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    Session s = new Session(http, cookies);
    send(
        s,
        base,
        "POST",
        "/api/v1/auth/login",
        "{\"loginId\":\"%s\",\"password\":\"%s\"}".formatted(login, password),
        "application/json",
        200);
    return s;
  }

  static String defaultCalendar(Session s, String base) throws Exception {
    String list = send(s, base, "GET", "/api/v1/calendars", null, null, 200);
    Matcher m =
        Pattern.compile("\\{[^{}]*\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"[^{}]*\"isDefault\"\\s*:\\s*true")
            .matcher(list);
    if (!m.find()) {
      throw new IllegalStateException("no default calendar in " + list);
    }
    return m.group(1);
  }

  static String post(Session s, String base, String path, String body, int expected)
      throws Exception {
    return send(s, base, "POST", path, body, "application/json", expected);
  }

  static String send(
      Session s,
      String base,
      String method,
      String path,
      String body,
      String type,
      int expected)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Origin", base)
            .timeout(Duration.ofSeconds(300))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    if (!method.equals("GET") && !path.equals("/api/v1/auth/login")) {
      s.http()
          .send(
              HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/csrf")).build(),
              HttpResponse.BodyHandlers.discarding());
      String token =
          s.cookies().getCookieStore().getCookies().stream()
              .filter(c -> c.getName().equals("XSRF-TOKEN"))
              .map(c -> c.getValue())
              .findFirst()
              .orElse("");
      b.header("X-XSRF-TOKEN", token);
    }
    HttpResponse<String> r = s.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(
          method + " " + path + " → " + r.statusCode() + " " + truncate(r.body()));
    }
    return r.body();
  }

  static String truncate(String s) {
    return s.length() > 500 ? s.substring(0, 500) + "…" : s;
  }

  static String match(Pattern p, String text) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no match for " + p + " in " + truncate(text));
    }
    return m.group(1);
  }

  static void result(String server, String key, double value) {
    System.out.printf("RESULT %s %s %.1f%n", server, key, value);
    System.out.flush();
  }

  static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
  }
}
