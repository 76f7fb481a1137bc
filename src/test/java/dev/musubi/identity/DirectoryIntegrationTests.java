package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class DirectoryIntegrationTests {

  @LocalServerPort int port;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  ApiClient admin;
  String head;
  String sales;
  String tokyo;
  String dev;
  Map<String, String> ids = new HashMap<>();

  @BeforeEach
  void company() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    admin = company.admin();
    head = department("本社", "ほんしゃ", null);
    sales = department("営業部", "えいぎょうぶ", head);
    tokyo = department("東京営業課", "とうきょうえいぎょうか", sales);
    dev = department("開発部", "かいはつぶ", head);
    member("sato", "佐藤", "太郎", "さとう", "たろう", "03-1234-5678", tokyo, "課長");
    member("ito", "伊藤", "花子", "いとう", "はなこ", "06-5555-0001", sales, "部長");
    member("watanabe", "渡辺", "健一", "わたなべ", "けんいち", "", dev, "");
    member("abe", "阿部", "優子", "あべ", "ゆうこ", "", dev, "");
    member("ono", "大野", "潤", "おおの", "じゅん", "", tokyo, "");
  }

  @Test
  void membersSortByReadingInGojuonOrder() {
    JsonNode items = get("/api/v1/directory/members?department=" + head).get("items");
    List<String> names = new ArrayList<>();
    items.forEach(m -> names.add(m.get("familyName").asString()));
    assertThat(names).containsExactly("阿部", "伊藤", "大野", "佐藤", "渡辺");
  }

  @Test
  void searchFindsByReadingInAnyKanaWidthAndSpacing() {
    for (String q : List.of("さとう たろう", "さとうたろう", "サトウ", "ｻﾄｳ ﾀﾛｳ", "たろう さとう", "佐藤 太郎", "佐藤太郎")) {
      assertThat(found(q)).as(q).containsExactly("佐藤");
    }
  }

  @Test
  void searchFindsByRomajiEmailAndPhoneDigits() {
    assertThat(found("Sato Taro")).containsExactly("佐藤");
    assertThat(found("satou")).containsExactly("佐藤");
    assertThat(found("Ohno")).containsExactly("大野");
    assertThat(found("kenichi")).containsExactly("渡辺");
    assertThat(found("Yuuko")).containsExactly("阿部");
    assertThat(found("ito@" + company.domain())).containsExactly("伊藤");
    assertThat(found("0312345678")).containsExactly("佐藤");
    assertThat(found("０６－５５５５")).containsExactly("伊藤");
    assertThat(found("存在しない人")).isEmpty();
  }

  @Test
  void departmentFilterIncludesSubDepartmentsUnlessDirectOnly() {
    assertThat(names(get("/api/v1/directory/members?department=" + sales)))
        .containsExactly("伊藤", "大野", "佐藤");
    assertThat(names(get("/api/v1/directory/members?directOnly=true&department=" + sales)))
        .containsExactly("伊藤");
    assertThat(admin.get("/api/v1/directory/members?department=nonsense").status()).isEqualTo(404);
  }

  @Test
  void departmentTreeHasAnyDepthAndMemberCounts() {
    JsonNode flat = get("/api/v1/directory/departments");
    Map<String, JsonNode> byName = new HashMap<>();
    flat.forEach(d -> byName.put(d.get("name").asString(), d));
    assertThat(byName.get("東京営業課").get("depth").asInt()).isEqualTo(2);
    assertThat(byName.get("東京営業課").get("path").toString()).contains("本社", "営業部", "東京営業課");
    assertThat(byName.get("営業部").get("memberCount").asInt()).isEqualTo(1);
    assertThat(byName.get("営業部").get("totalMemberCount").asInt()).isEqualTo(3);
    assertThat(byName.get("本社").get("totalMemberCount").asInt()).isEqualTo(5);

    JsonNode tree = get("/api/v1/directory/departments/tree");
    assertThat(tree).hasSize(1);
    JsonNode root = tree.get(0);
    assertThat(root.get("name").asString()).isEqualTo("本社");
    // Siblings in 五十音順: えいぎょうぶ before かいはつぶ.
    assertThat(root.get("children").get(0).get("name").asString()).isEqualTo("営業部");
    assertThat(root.get("children").get(0).get("children").get(0).get("name").asString())
        .isEqualTo("東京営業課");

    JsonNode searched = get("/api/v1/directory/departments?q=" + enc("ｴｲｷﾞｮｳ"));
    List<String> found = new ArrayList<>();
    searched.forEach(d -> found.add(d.get("name").asString()));
    assertThat(found).containsExactlyInAnyOrder("営業部", "東京営業課");
  }

  @Test
  void profileShowsDepartmentsPositionsManagerAndReports() {
    ApiClient.Response set =
        admin.patch(
            "/api/v1/directory/members/" + ids.get("sato"),
            Map.of(
                "extension", "1234",
                "office", "東京本社 5F",
                "title", "課長",
                "managerId", ids.get("ito")));
    assertThat(set.status()).as(set.body()).isEqualTo(200);

    ApiClient colleague = fixtures.member(company, "dareka").client();
    JsonNode card = colleague.get("/api/v1/directory/members/" + ids.get("sato")).json();
    JsonNode m = card.get("member");
    assertThat(m.get("extension").asString()).isEqualTo("1234");
    assertThat(m.get("office").asString()).isEqualTo("東京本社 5F");
    assertThat(m.get("nameRomaji").asString()).isEqualTo("Sato Taro");
    assertThat(m.get("manager").get("displayName").asString()).isEqualTo("伊藤 花子");
    assertThat(m.get("departments").get(0).get("position").asString()).isEqualTo("課長");
    assertThat(m.get("departments").get(0).get("path").toString()).contains("本社", "営業部", "東京営業課");
    assertThat(found("1234")).containsExactly("佐藤");

    JsonNode boss = colleague.get("/api/v1/directory/members/" + ids.get("ito")).json();
    assertThat(boss.get("reports").get(0).get("displayName").asString()).isEqualTo("佐藤 太郎");
    assertThat(m.has("roles")).isFalse();
    assertThat(m.has("status")).isFalse();
  }

  @Test
  void membersMayEditTheirOwnCardButNotOthersOrTheirManager() {
    Fixtures.TestMember me = fixtures.member(company, "jibun");
    ApiClient.Response own =
        me.client().patch("/api/v1/directory/members/" + me.id(), Map.of("extension", "2001"));
    assertThat(own.status()).as(own.body()).isEqualTo(200);
    assertThat(
            me.client()
                .patch("/api/v1/directory/members/" + ids.get("sato"), Map.of("office", "x"))
                .status())
        .isEqualTo(403);
    assertThat(
            me.client()
                .patch("/api/v1/directory/members/" + me.id(), Map.of("managerId", ids.get("ito")))
                .status())
        .isEqualTo(403);
    ApiClient.Response bad =
        me.client().patch("/api/v1/directory/members/" + me.id(), Map.of("extension", "内線"));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body()).contains("extension");
  }

  @Test
  void reportingLoopsAreRefused() {
    admin.patch(
        "/api/v1/directory/members/" + ids.get("sato"), Map.of("managerId", ids.get("ito")));
    ApiClient.Response loop =
        admin.patch(
            "/api/v1/directory/members/" + ids.get("ito"), Map.of("managerId", ids.get("sato")));
    assertThat(loop.status()).isEqualTo(422);
    assertThat(loop.body()).contains("cycle");
  }

  @Test
  void anotherCompanySeesNoneOfThis() {
    Fixtures.TestCompany other = fixtures.company();
    ApiClient stranger = other.admin();
    assertThat(stranger.get("/api/v1/directory/members/" + ids.get("sato")).status())
        .isEqualTo(404);
    assertThat(
            stranger
                .patch("/api/v1/directory/members/" + ids.get("sato"), Map.of("office", "x"))
                .status())
        .isEqualTo(404);
    assertThat(stranger.get("/api/v1/directory/members?department=" + sales).status())
        .isEqualTo(404);
    assertThat(stranger.get("/api/v1/directory/members?q=" + enc("佐藤")).body())
        .doesNotContain("佐藤");
    assertThat(stranger.get("/api/v1/directory/departments").body()).doesNotContain("営業部");
  }

  // ------------------------------------------------------------------------------------------

  private String department(String name, String reading, String parent) {
    Map<String, Object> body = new HashMap<>(Map.of("name", name, "nameReading", reading));
    if (parent != null) {
      body.put("parentId", parent);
    }
    ApiClient.Response r = admin.post("/api/v1/admin/departments", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  private void member(
      String login,
      String family,
      String given,
      String familyReading,
      String givenReading,
      String phone,
      String department,
      String position) {
    Map<String, Object> body = new HashMap<>();
    body.put("loginId", login);
    body.put("password", Fixtures.PASSWORD);
    body.put("displayName", family + " " + given);
    body.put("familyName", family);
    body.put("givenName", given);
    body.put("familyNameReading", familyReading);
    body.put("givenNameReading", givenReading);
    body.put("email", login + "@" + company.domain());
    if (!phone.isEmpty()) {
      body.put("phone", phone);
    }
    body.put(
        "departments",
        List.of(Map.of("departmentId", department, "position", position, "primary", true)));
    ApiClient.Response r = admin.post("/api/v1/admin/members", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    ids.put(login, r.json().get("id").asString());
  }

  private JsonNode get(String path) {
    ApiClient.Response r = admin.get(path);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private List<String> found(String q) {
    return names(get("/api/v1/directory/members?q=" + enc(q) + "&department=" + head));
  }

  private static List<String> names(JsonNode page) {
    List<String> names = new ArrayList<>();
    page.get("items").forEach(m -> names.add(m.get("familyName").asString()));
    return names;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
