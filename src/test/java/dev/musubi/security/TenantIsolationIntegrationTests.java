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
          "contact",
          "contact_setting");

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
          sharedContactId.toString(),
          personalContactId.toString(),
          "取引先 秘密");
    }
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
              .map(r -> new java.util.TreeMap<>(r).toString())
              .sorted()
              .toList();
      snapshot.put(table, rows);
    }
    return snapshot;
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
            "/api/v1/admin/audit/export?actor=" + a.member().loginId())) {
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
      if (r.status() != 401 || !r.problemType().equals("unauthenticated")) {
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
