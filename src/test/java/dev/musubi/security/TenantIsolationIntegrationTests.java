package dev.musubi.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Walks every mapped {@code /api/v1/**} endpoint (so new endpoints are covered without editing this
 * class) and checks that one company can neither see nor change another's data, that members cannot
 * use admin endpoints, and that nothing answers without sign-in.
 */
@MusubiIntegrationTest
class TenantIsolationIntegrationTests {

  private static final Pattern VARIABLE = Pattern.compile("\\{([^}/]+)}");
  private static final List<String> SNAPSHOT_TABLES =
      List.of(
          "company",
          "security_policy",
          "member",
          "member_role",
          "department",
          "member_department",
          "access_token",
          "auth_session",
          "audit_event",
          "talk_room",
          "talk_member",
          "talk_message",
          "talk_reaction",
          "talk_settings",
          "talk_pin",
          "talk_bot",
          "talk_room_bot",
          "talk_outbox",
          "talk_webhook",
          "drive",
          "drive_node",
          "drive_version",
          "drive_member",
          "drive_link",
          "drive_dav_prop",
          "cal_calendar",
          "cal_share",
          "cal_subscription",
          "cal_event",
          "cal_attendee",
          "cal_facility",
          "cal_booking",
          "contact",
          "contact_setting",
          "mail_domain",
          "mail_alias",
          "mail_list",
          "mail_policy",
          "mail_settings",
          "mail_folder",
          "mail_message",
          "mail_log",
          "mail_outbound",
          "mail_upload");

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
  }

  /** One mapped method and path pattern. */
  record Endpoint(String method, String pattern) {
    boolean hasVariables() {
      return pattern.contains("{");
    }

    @Override
    public String toString() {
      return method + " " + pattern;
    }
  }

  /** Company A with one of everything, and what identifies it. */
  record Victim(
      Fixtures.TestCompany company,
      Fixtures.TestMember member,
      UUID departmentId,
      UUID tokenId,
      String token,
      UUID sessionId,
      UUID roomId,
      UUID messageId,
      DriveIds drive,
      UUID calendarId,
      UUID eventId,
      UUID facilityId,
      UUID bookingId,
      UUID sharedContactId,
      UUID personalContactId) {

    Set<String> secrets() {
      return Set.of(
          company.id().toString(),
          company.adminId().toString(),
          company.domain(),
          company.adminLoginId(),
          member.id().toString(),
          member.loginId(),
          departmentId.toString(),
          tokenId.toString(),
          sessionId.toString(),
          roomId.toString(),
          messageId.toString(),
          drive.driveId(),
          drive.folderId(),
          drive.fileId(),
          drive.versionId(),
          drive.linkId(),
          calendarId.toString(),
          eventId.toString(),
          facilityId.toString(),
          bookingId.toString(),
          sharedContactId.toString(),
          personalContactId.toString(),
          "取引先 秘密");
    }
  }

  /** Company A's drive: the member's personal drive, a folder, a file, its version and a link. */
  record DriveIds(
      String driveId, String folderId, String fileId, String versionId, String linkId) {}

  private static DriveIds drive(Fixtures.TestMember member) {
    ApiClient c = member.client();
    ApiClient.Response drives = c.get("/api/v1/drive/drives");
    assertThat(drives.status()).as(drives.body()).isEqualTo(200);
    String driveId = drives.json().get(0).get("id").asString();
    String root = drives.json().get(0).get("rootFolderId").asString();
    ApiClient.Response folder =
        c.post("/api/v1/drive/folders/" + root + "/folders", Map.of("name", "機密"));
    assertThat(folder.status()).as(folder.body()).isEqualTo(201);
    String folderId = folder.json().get("id").asString();
    String boundary = "----isolation";
    String body =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.txt\"\r\n"
            + "Content-Type: text/plain\r\n\r\n秘密の計画\r\n--"
            + boundary
            + "--\r\n";
    ApiClient.Response file =
        c.sendRaw(
            "POST",
            "/api/v1/drive/folders/" + folderId + "/files",
            body,
            "multipart/form-data; boundary=" + boundary,
            c.csrf());
    assertThat(file.status()).as(file.body()).isEqualTo(201);
    String fileId = file.json().get("id").asString();
    String versionId = file.json().get("versionId").asString();
    ApiClient.Response link = c.post("/api/v1/drive/files/" + fileId + "/links", Map.of());
    assertThat(link.status()).as(link.body()).isEqualTo(201);
    return new DriveIds(driveId, folderId, fileId, versionId, link.json().get("id").asString());
  }

  private List<Endpoint> endpoints() {
    Set<String> seen = new TreeSet<>();
    List<Endpoint> result = new ArrayList<>();
    mappings
        .getHandlerMethods()
        .forEach(
            (info, handler) -> {
              Set<String> patterns =
                  info.getPathPatternsCondition() != null
                      ? info.getPathPatternsCondition().getPatternValues()
                      : info.getPatternValues();
              Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
              for (String pattern : patterns) {
                if (!pattern.startsWith("/api/v1/")
                    || pattern.startsWith("/api/v1/auth/")
                    || pattern.startsWith("/api/v1/setup")
                    || pattern.startsWith("/api/v1/operator/")) {
                  continue;
                }
                List<String> names =
                    methods.isEmpty()
                        ? List.of("GET")
                        : methods.stream().map(RequestMethod::name).toList();
                for (String m : names) {
                  if (seen.add(m + " " + pattern)) {
                    result.add(new Endpoint(m, pattern));
                  }
                }
              }
            });
    result.sort(
        (a, b) -> (a.method() + a.pattern()).compareTo(b.method() + b.pattern())); // stable order
    return result;
  }

  private Victim victim() {
    Fixtures.TestCompany a = fixtures.company();
    Fixtures.TestMember member = fixtures.member(a, "sato");
    ApiClient.Response dept =
        a.admin().post("/api/v1/admin/departments", Map.of("name", "営業部", "nameReading", "えいぎょうぶ"));
    assertThat(dept.status()).as(dept.body()).isEqualTo(201);
    ApiClient.Response token =
        member
            .client()
            .post(
                "/api/v1/me/tokens",
                Map.of("name", "ci", "scopes", List.of("read", "write"), "expiresInDays", 30));
    assertThat(token.status()).as(token.body()).isEqualTo(201);
    ApiClient.Response sessions = member.client().get("/api/v1/me/sessions");
    assertThat(sessions.status()).isEqualTo(200);
    UUID sessionId = UUID.fromString(sessions.json().get(0).get("id").asString());
    ApiClient.Response room =
        member
            .client()
            .post(
                "/api/v1/rooms",
                Map.of("type", "group", "name", "営業", "members", List.of(a.adminId().toString())));
    assertThat(room.status()).as(room.body()).isEqualTo(201);
    String roomId = room.json().get("id").asString();
    ApiClient.Response message =
        member.client().post("/api/v1/rooms/" + roomId + "/messages", Map.of("text", "見積もり"));
    assertThat(message.status()).as(message.body()).isEqualTo(201);
    ApiClient.Response facility =
        a.admin().post("/api/v1/facilities", Map.of("name", "役員会議室", "capacity", 12));
    assertThat(facility.status()).as(facility.body()).isEqualTo(201);
    String facilityId = facility.json().get("id").asString();
    String calendarId = null;
    for (var c : member.client().get("/api/v1/calendars").json()) {
      if (c.get("isDefault").asBoolean()) {
        calendarId = c.get("id").asString();
      }
    }
    ApiClient.Response event =
        member
            .client()
            .post(
                "/api/v1/calendars/" + calendarId + "/events",
                Map.of(
                    "title",
                    "極秘の商談",
                    "start",
                    "2026-04-06T10:00",
                    "end",
                    "2026-04-06T11:00",
                    "facilityId",
                    facilityId,
                    "attendees",
                    List.of(Map.of("memberId", a.adminId().toString()))));
    assertThat(event.status()).as(event.body()).isEqualTo(201);
    ApiClient.Response bookings =
        a.admin()
            .get(
                "/api/v1/facilities/"
                    + facilityId
                    + "/bookings?from=2026-04-06T00:00:00Z&to=2026-04-07T00:00:00Z");
    assertThat(bookings.status()).as(bookings.body()).isEqualTo(200);
    Map<String, Object> contact =
        Map.of(
            "displayName", "取引先 秘密",
            "company", "秘密商事",
            "emails", List.of(Map.of("type", "work", "value", "himitsu@secret.example")));
    ApiClient.Response shared = a.admin().post("/api/v1/contacts?book=shared", contact);
    assertThat(shared.status()).as(shared.body()).isEqualTo(201);
    ApiClient.Response personal = member.client().post("/api/v1/contacts?book=personal", contact);
    assertThat(personal.status()).as(personal.body()).isEqualTo(201);
    return new Victim(
        a,
        member,
        UUID.fromString(dept.json().get("id").asString()),
        UUID.fromString(token.json().get("id").asString()),
        token.json().get("token").asString(),
        sessionId,
        UUID.fromString(roomId),
        UUID.fromString(message.json().get("id").asString()),
        drive(member),
        UUID.fromString(calendarId),
        UUID.fromString(event.json().get("id").asString()),
        UUID.fromString(facilityId),
        UUID.fromString(bookings.json().get(0).get("id").asString()),
        UUID.fromString(shared.json().get("id").asString()),
        UUID.fromString(personal.json().get("id").asString()));
  }

  /** Picks the ID of company A that a path variable most plausibly names. */
  private static String idFor(Endpoint e, String variable, Victim v) {
    String before = e.pattern().substring(0, e.pattern().indexOf("{" + variable + "}"));
    String context = (before + variable).toLowerCase();
    String name = variable.toLowerCase();
    if (name.contains("department") || (name.equals("id") && before.endsWith("/departments/"))) {
      return v.departmentId().toString();
    }
    if (name.contains("token") || (name.equals("id") && before.endsWith("/tokens/"))) {
      return v.tokenId().toString();
    }
    if (name.contains("session") || (name.equals("id") && before.endsWith("/sessions/"))) {
      return v.sessionId().toString();
    }
    if (before.contains("/contacts/")) {
      return v.sharedContactId().toString();
    }
    if (name.contains("room")) {
      return v.roomId().toString();
    }
    if (name.contains("message")) {
      return v.messageId().toString();
    }
    if (before.startsWith("/api/v1/drive/")) {
      if (name.contains("drive")) {
        return v.drive().driveId();
      }
      if (name.contains("folder")) {
        return v.drive().folderId();
      }
      if (name.contains("version")) {
        return v.drive().versionId();
      }
      if (name.contains("link")) {
        return v.drive().linkId();
      }
      if (name.contains("file") || name.contains("item")) {
        return v.drive().fileId();
      }
    }
    if (name.contains("calendar")) {
      return v.calendarId().toString();
    }
    if (name.contains("event")) {
      return v.eventId().toString();
    }
    if (name.contains("facility")) {
      return v.facilityId().toString();
    }
    if (name.contains("booking")) {
      return v.bookingId().toString();
    }
    if (name.contains("company") || name.contains("tenant")) {
      return v.company().id().toString();
    }
    if (context.contains("member")) {
      return v.member().id().toString();
    }
    return v.member().id().toString();
  }

  private static String expand(Endpoint e, Victim v) {
    Matcher m = VARIABLE.matcher(e.pattern());
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String variable = m.group(1).replaceAll(":.*", "");
      m.appendReplacement(sb, Matcher.quoteReplacement(idFor(e, variable, v)));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static Map<String, Object> filledBody(Victim v) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", "乗っ取り");
    body.put("nameReading", "のっとり");
    body.put("displayName", "乗っ取り 太郎");
    body.put("familyName", "乗っ取り");
    body.put("givenName", "太郎");
    body.put("familyNameReading", "のっとり");
    body.put("givenNameReading", "たろう");
    body.put("phone", "03-1234-5678");
    body.put("locale", "ja");
    body.put("timeZone", "Asia/Tokyo");
    body.put("roles", List.of("member"));
    body.put("sortOrder", 3);
    // A complete security policy, so that PUT /admin/security-settings reaches its role check.
    body.put("passwordMinLength", 12);
    body.put("passwordHistory", 0);
    body.put("passwordMaxAgeDays", 0);
    body.put("lockoutThreshold", 5);
    body.put("lockoutWindowMinutes", 15);
    body.put("lockoutDurationSeconds", 60);
    body.put("mfaRequirement", "none");
    body.put("sessionIdleMinutes", 1);
    body.put("sessionAbsoluteMinutes", 60);
    body.put("ipAllowlist", List.of("192.0.2.1/32"));
    return body;
  }

  private Map<String, List<String>> snapshot(UUID tenantId) {
    Map<String, List<String>> snapshot = new LinkedHashMap<>();
    for (String table : SNAPSHOT_TABLES) {
      String column = table.equals("company") ? "id" : "tenant_id";
      List<String> rows =
          jdbc
              .sql("SELECT * FROM " + table + " WHERE " + column + " = ?")
              .param(tenantId)
              .query()
              .listOfRows()
              .stream()
              .map(TenantIsolationIntegrationTests::rowText)
              .sorted()
              .toList();
      snapshot.put(table, rows);
    }
    return snapshot;
  }

  /** A row as text; binary columns by content (a byte array's toString is its identity). */
  private static String rowText(Map<String, Object> row) {
    java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>(row);
    sorted.replaceAll((k, v) -> v instanceof byte[] b ? java.util.Arrays.toString(b) : v);
    return sorted.toString();
  }

  private static String leaked(String body, Victim v) {
    for (String s : v.secrets()) {
      if (body.toLowerCase().contains(s.toLowerCase())) {
        return s;
      }
    }
    return null;
  }

  @Test
  void noEndpointLetsOneCompanySeeOrChangeAnothersData() {
    List<Endpoint> endpoints = endpoints();
    assertThat(endpoints)
        .as("the walk must find the admin and account endpoints")
        .extracting(Endpoint::toString)
        .contains(
            "GET /api/v1/admin/members/{id}",
            "DELETE /api/v1/me/tokens/{id}",
            "DELETE /api/v1/me/sessions/{id}");
    Victim a = victim();
    Fixtures.TestCompany b = fixtures.company();
    Map<String, List<String>> before = snapshot(a.company().id());

    List<String> offenders = new ArrayList<>();
    for (Endpoint e : endpoints.stream().filter(Endpoint::hasVariables).toList()) {
      String path = expand(e, a);
      List<Object> bodies =
          e.method().equals("GET") || e.method().equals("DELETE")
              ? java.util.Arrays.asList((Object) null)
              : List.of(Map.of(), filledBody(a));
      for (Object body : bodies) {
        ApiClient.Response r = b.admin().send(e.method(), path, body);
        if (r.status() != 404) {
          offenders.add(e + " -> " + path + " body=" + body + " -> " + r.status() + " " + r.body());
        }
      }
    }
    // Endpoints without path variables: reads first, then writes with an empty body.
    List<Endpoint> plain = endpoints.stream().filter(e -> !e.hasVariables()).toList();
    List<Endpoint> ordered = new ArrayList<>();
    plain.stream().filter(e -> e.method().equals("GET")).forEach(ordered::add);
    plain.stream().filter(e -> !e.method().equals("GET")).forEach(ordered::add);
    for (Endpoint e : ordered) {
      Object body = e.method().equals("GET") || e.method().equals("DELETE") ? null : Map.of();
      ApiClient.Response r = b.admin().send(e.method(), e.pattern(), body);
      String leak = leaked(r.body(), a);
      if (leak != null) {
        offenders.add(e + " -> " + r.status() + " leaks " + leak + ": " + r.body());
      }
    }
    // Search parameters that name company A's things directly.
    for (String path :
        List.of(
            "/api/v1/admin/members?q=" + a.member().loginId(),
            "/api/v1/directory/members?q=sato",
            "/api/v1/admin/audit?actor=" + a.company().adminLoginId(),
            "/api/v1/admin/audit?targetId=" + a.member().id(),
            "/api/v1/admin/audit/export?actor=" + a.member().loginId(),
            "/api/v1/freebusy?members="
                + a.member().id()
                + "&from=2026-04-06T00:00:00Z&to=2026-04-07T00:00:00Z",
            "/api/v1/freebusy/slots?members="
                + a.member().id()
                + "&facility="
                + a.facilityId()
                + "&from=2026-04-06T00:00:00Z&to=2026-04-07T00:00:00Z",
            "/api/v1/agenda?from=2026-04-01T00:00:00Z&to=2026-05-01T00:00:00Z&calendars="
                + a.calendarId())) {
      ApiClient.Response r = b.admin().get(path);
      String leak = leaked(r.body(), a);
      if (leak != null) {
        offenders.add("GET " + path + " -> " + r.status() + " leaks " + leak + ": " + r.body());
      }
    }

    assertThat(offenders).as("endpoints that cross the company boundary").isEmpty();
    assertThat(snapshot(a.company().id())).isEqualTo(before);
    // A still works as before.
    assertThat(a.member().client().get("/api/v1/me").status()).isEqualTo(200);
    assertThat(fixtures.client().bearer(a.token()).get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void anotherCompanyGetsNotFoundForEveryContactOfEitherBook() {
    Victim a = victim();
    Fixtures.TestCompany b = fixtures.company();
    Map<String, List<String>> before = snapshot(a.company().id());
    ApiClient.Response own =
        b.admin().post("/api/v1/contacts?book=shared", Map.of("company", "B社"));
    assertThat(own.status()).isEqualTo(201);
    String ownId = own.json().get("id").asString();
    for (UUID id : List.of(a.sharedContactId(), a.personalContactId())) {
      String path = "/api/v1/contacts/" + id;
      List<ApiClient.Response> answers =
          List.of(
              b.admin().get(path),
              b.admin().get(path + "/duplicates"),
              b.admin().get(path + "/photo"),
              b.admin().header("If-Match", "\"1\"").send("PUT", path, Map.of("company", "x")),
              b.admin().delete(path),
              b.admin().post(path + "/merge", Map.of("from", List.of(ownId))),
              b.admin().post("/api/v1/contacts/" + ownId + "/merge", Map.of("from", List.of(id))));
      for (ApiClient.Response r : answers) {
        assertThat(r.status()).as(r.body()).isEqualTo(404);
        assertThat(r.body()).doesNotContain("秘密", "himitsu"); // the problem echoes only the path
      }
    }
    for (String book : List.of("shared", "personal")) {
      ApiClient.Response list = b.admin().get("/api/v1/contacts?book=" + book + "&q=himitsu");
      assertThat(list.status()).isEqualTo(200);
      assertThat(leaked(list.body(), a)).isNull();
    }
    assertThat(snapshot(a.company().id())).isEqualTo(before);
  }

  @Test
  void anotherCompanyGetsNotFoundForMailFoldersMessagesAndDomains() {
    Fixtures.TestCompany a = fixtures.company();
    Fixtures.TestMember member = fixtures.member(a, "mailer");
    String self = "mailer@" + a.domain();
    ApiClient.Response sent =
        member
            .client()
            .post(
                "/api/v1/mail/messages",
                Map.of("to", List.of(self), "subject", "取引先 秘密", "text", "himitsu"));
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    String messageId = sent.json().get("id").asString();
    ApiClient.Response folder =
        member.client().post("/api/v1/mail/folders", Map.of("name", "機密フォルダ"));
    assertThat(folder.status()).as(folder.body()).isEqualTo(201);
    String folderId = folder.json().get("id").asString();
    ApiClient.Response domain =
        a.admin().post("/api/v1/admin/mail/domains", Map.of("name", "m" + a.domain()));
    assertThat(domain.status()).as(domain.body()).isEqualTo(201);
    String domainId = domain.json().get("id").asString();
    ApiClient.Response alias =
        a.admin()
            .post(
                "/api/v1/admin/mail/aliases",
                Map.of("address", "himitsu@" + a.domain(), "memberId", member.id().toString()));
    assertThat(alias.status()).as(alias.body()).isEqualTo(201);
    String aliasId = alias.json().get("id").asString();

    String m = "/api/v1/mail/messages/" + messageId;
    String f = "/api/v1/mail/folders/" + folderId;
    // A's member cannot reach another member's mail either.
    Fixtures.TestMember colleague = fixtures.member(a, "colleague");
    assertThat(colleague.client().get(m).status()).isEqualTo(404);
    assertThat(colleague.client().get(f + "/messages").status()).isEqualTo(404);
    Fixtures.TestCompany b = fixtures.company();
    Map<String, List<String>> before = snapshot(a.id());
    String d = "/api/v1/admin/mail/domains/" + domainId;
    List<ApiClient.Response> answers =
        List.of(
            b.admin().get(m),
            b.admin().get(m + "/raw"),
            b.admin().get(m + "/thread"),
            b.admin().get(m + "/attachments/1"),
            b.admin().patch(m, Map.of("seen", true)),
            b.admin().delete(m),
            b.admin().post("/api/v1/mail/drafts", Map.of("subject", "x", "forwardOf", messageId)),
            b.admin().put("/api/v1/mail/drafts/" + messageId, Map.of("subject", "x")),
            b.admin().get(f + "/messages"),
            b.admin().patch(f, Map.of("name", "x")),
            b.admin().delete(f),
            b.admin().post(f + "/empty", null),
            b.admin().get(d),
            b.admin().post(d + "/dkim/rotate", null),
            b.admin().delete(d),
            b.admin().delete("/api/v1/admin/mail/aliases/" + aliasId));
    for (ApiClient.Response r : answers) {
      assertThat(r.status()).as(r.body()).isIn(404, 422);
      assertThat(r.body()).doesNotContain("秘密", "himitsu");
    }
    for (String path :
        List.of(
            "/api/v1/mail/search?q=himitsu",
            "/api/v1/admin/mail/log?q=himitsu",
            "/api/v1/admin/mail/log.csv",
            "/api/v1/admin/mail/aliases",
            "/api/v1/admin/mail/domains")) {
      ApiClient.Response r = b.admin().get(path);
      assertThat(r.body()).as(path).doesNotContain("himitsu", "秘密", a.domain());
    }
    assertThat(snapshot(a.id())).isEqualTo(before);
  }

  @Test
  void anotherCompanysIdsInARequestBodyAreRefused() {
    Victim a = victim();
    Fixtures.TestCompany b = fixtures.company();
    Fixtures.TestMember bMember = fixtures.member(b, "kuroda");
    ApiClient.Response own = b.admin().post("/api/v1/admin/departments", Map.of("name", "総務部"));
    assertThat(own.status()).isEqualTo(201);
    String ownId = own.json().get("id").asString();
    Map<String, List<String>> before = snapshot(a.company().id());
    String foreign = a.departmentId().toString();
    Map<String, Object> placement =
        Map.of("departmentId", foreign, "position", "部長", "primary", true);

    List<ApiClient.Response> refused =
        List.of(
            b.admin().post("/api/v1/admin/departments", Map.of("name", "子部署", "parentId", foreign)),
            b.admin().patch("/api/v1/admin/departments/" + ownId, Map.of("parentId", foreign)),
            b.admin()
                .post(
                    "/api/v1/admin/members",
                    Map.of(
                        "loginId",
                        "kanda",
                        "password",
                        Fixtures.PASSWORD,
                        "displayName",
                        "神田",
                        "departments",
                        List.of(placement))),
            b.admin()
                .patch(
                    "/api/v1/admin/members/" + bMember.id(),
                    Map.of("departments", List.of(placement))));
    for (ApiClient.Response r : refused) {
      assertThat(r.status()).as(r.body()).isIn(404, 422);
      assertThat(r.body()).doesNotContain("営業部");
    }
    assertThat(b.admin().get("/api/v1/admin/departments").json()).hasSize(1);
    assertThat(b.admin().get("/api/v1/admin/members/" + bMember.id()).json().get("departments"))
        .isEmpty();
    assertThat(snapshot(a.company().id())).isEqualTo(before);
  }

  @Test
  void anotherCompanysCalendarIdsInARequestBodyAreRefused() {
    Victim a = victim();
    Fixtures.TestCompany b = fixtures.company();
    Map<String, List<String>> before = snapshot(a.company().id());
    String bCalendar = null;
    for (var c : b.admin().get("/api/v1/calendars").json()) {
      if (c.get("isDefault").asBoolean()) {
        bCalendar = c.get("id").asString();
      }
    }
    List<ApiClient.Response> refused =
        List.of(
            b.admin()
                .post(
                    "/api/v1/calendars/" + bCalendar + "/events",
                    Map.of(
                        "title",
                        "x",
                        "start",
                        "2026-04-06T10:00",
                        "end",
                        "2026-04-06T11:00",
                        "facilityId",
                        a.facilityId().toString())),
            b.admin()
                .post(
                    "/api/v1/calendars/" + bCalendar + "/events",
                    Map.of(
                        "title",
                        "x",
                        "start",
                        "2026-04-06T10:00",
                        "end",
                        "2026-04-06T11:00",
                        "attendees",
                        List.of(Map.of("memberId", a.member().id().toString())))),
            b.admin()
                .put(
                    "/api/v1/calendars/" + bCalendar + "/shares",
                    Map.of(
                        "shares",
                        List.of(
                            Map.of(
                                "granteeType",
                                "member",
                                "granteeId",
                                a.member().id().toString(),
                                "level",
                                "edit")))),
            b.admin()
                .post(
                    "/api/v1/calendars",
                    Map.of(
                        "name",
                        "x",
                        "kind",
                        "department",
                        "departmentId",
                        a.departmentId().toString())));
    for (ApiClient.Response r : refused) {
      assertThat(r.status()).as(r.body()).isIn(404, 422);
      assertThat(r.body()).doesNotContain("役員会議室").doesNotContain("極秘の商談");
    }
    assertThat(snapshot(a.company().id())).isEqualTo(before);
  }

  @Test
  void membersWithoutAnAdminRoleAreRefusedEveryAdminEndpoint() {
    Victim a = victim();
    Fixtures.TestMember plain = fixtures.member(a.company(), "suzuki");
    Map<String, List<String>> before = snapshot(a.company().id());
    List<String> offenders = new ArrayList<>();
    for (Endpoint e :
        endpoints().stream().filter(e -> e.pattern().startsWith("/api/v1/admin/")).toList()) {
      String path = expand(e, a);
      // A filled body only: an empty one may fail to parse before the role is checked (400).
      Object body = e.method().equals("GET") || e.method().equals("DELETE") ? null : filledBody(a);
      {
        ApiClient.Response r = plain.client().send(e.method(), path, body);
        if (r.status() != 403) {
          offenders.add(e + " -> " + path + " body=" + body + " -> " + r.status() + " " + r.body());
        }
      }
    }
    assertThat(offenders).as("admin endpoints a plain member could use").isEmpty();
    // Only the member's own session may have been touched (last seen); nothing else changed.
    Map<String, List<String>> after = snapshot(a.company().id());
    after.remove("auth_session");
    before.remove("auth_session");
    assertThat(after).isEqualTo(before);
  }

  @Test
  void nothingAnswersWithoutSignIn() {
    Victim a = victim();
    ApiClient anonymous = fixtures.client();
    List<String> offenders = new ArrayList<>();
    for (Endpoint e : endpoints()) {
      String path = expand(e, a);
      Object body = e.method().equals("GET") || e.method().equals("DELETE") ? null : Map.of();
      ApiClient.Response r = anonymous.send(e.method(), path, body);
      // A HEAD answer has no body to carry the problem: its status must say it.
      boolean problem = e.method().equals("HEAD") || r.problemType().equals("unauthenticated");
      if (r.status() != 401 || !problem) {
        offenders.add(e + " -> " + r.status() + " " + r.body());
      }
    }
    for (String path : List.of("/api/v1/operator/companies")) {
      ApiClient.Response r = anonymous.get(path);
      if (r.status() != 401) {
        offenders.add("GET " + path + " -> " + r.status() + " " + r.body());
      }
    }
    assertThat(offenders).as("endpoints that answer without sign-in").isEmpty();
  }

  @Test
  void anUnknownApiPathIsANotFoundProblem() {
    Fixtures.TestCompany company = fixtures.company();
    ApiClient.Response r = company.admin().get("/api/v1/no-such-thing");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("Content-Type")).as(r.body()).startsWith("application/problem+json");
    assertThat(r.problemType()).isEqualTo("not-found");
    ApiClient.Response post = company.admin().post("/api/v1/no-such-thing", Map.of());
    assertThat(post.status()).isEqualTo(404);
    assertThat(post.header("Content-Type")).as(post.body()).startsWith("application/problem+json");
  }
}
