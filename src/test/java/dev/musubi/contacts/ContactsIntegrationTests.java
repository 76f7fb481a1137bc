package dev.musubi.contacts;

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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class ContactsIntegrationTests {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  Fixtures.TestMember member;

  @BeforeEach
  void company() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    member = fixtures.member(company, "tanaka");
  }

  static Map<String, Object> person(
      String family, String given, String familyReading, String givenReading, String company) {
    Map<String, Object> body = new HashMap<>();
    body.put("familyName", family);
    body.put("givenName", given);
    body.put("familyNameReading", familyReading);
    body.put("givenNameReading", givenReading);
    body.put("company", company);
    return body;
  }

  @Test
  void personalContactsAreSearchedByReadingRomajiEmailAndPhoneAndSortedByReading() {
    ApiClient me = member.client();
    Map<String, Object> suzuki = person("鈴木", "一郎", "すずき", "いちろう", "株式会社みなと商事");
    suzuki.put("companyReading", "みなとしょうじ");
    suzuki.put("title", "営業部長");
    suzuki.put("emails", List.of(Map.of("type", "work", "value", "ichiro@minato.example")));
    suzuki.put("phones", List.of(Map.of("type", "mobile", "value", "090-1111-2222")));
    suzuki.put("tags", List.of("取引先", "重要"));
    suzuki.put(
        "address",
        Map.of(
            "postalCode", "100-0005",
            "region", "東京都",
            "locality", "千代田区",
            "street", "丸の内1-1-1",
            "country", "日本"));
    created(me.post("/api/v1/contacts?book=personal", suzuki));
    created(me.post("/api/v1/contacts?book=personal", person("青木", "花", "あおき", "はな", "")));
    created(me.post("/api/v1/contacts?book=personal", person("渡部", "翔", "わたべ", "しょう", "渡部工務店")));

    assertThat(names(me, "")).containsExactly("青木", "鈴木", "渡部");
    for (String q :
        List.of("ｽｽﾞｷ", "スズキ イチロウ", "すずきいちろう", "Suzuki", "ichirou", "みなと", "ﾐﾅﾄｼｮｳｼﾞ")) {
      assertThat(names(me, q)).as(q).containsExactly("鈴木");
    }
    assertThat(names(me, "ichiro@minato")).containsExactly("鈴木");
    assertThat(names(me, "09011112222")).containsExactly("鈴木");
    assertThat(names(me, "１１１１－２２２２")).containsExactly("鈴木");
    ApiClient.Response tagged = me.get("/api/v1/contacts?book=personal&tag=" + enc("重要"));
    assertThat(tagged.json().get("items")).hasSize(1);
    assertThat(me.get("/api/v1/contacts/tags?book=personal").json().get("取引先").asInt())
        .isEqualTo(1);
    JsonNode one = tagged.json().get("items").get(0);
    assertThat(one.get("address").get("region").asString()).isEqualTo("東京都");
    assertThat(one.get("book").asString()).isEqualTo("personal");
  }

  @Test
  void aPersonalBookIsItsOwnersAlone() {
    JsonNode mine =
        created(
            member
                .client()
                .post("/api/v1/contacts?book=personal", person("秘密", "友人", "ひみつ", "ゆうじん", "")));
    String id = mine.get("id").asString();
    ApiClient colleague = fixtures.member(company, "yoshida").client();
    assertThat(colleague.get("/api/v1/contacts/" + id).status()).isEqualTo(404);
    assertThat(colleague.delete("/api/v1/contacts/" + id).status()).isEqualTo(404);
    assertThat(
            colleague.put("/api/v1/contacts/" + id, Map.of("company", "x", "version", 1)).status())
        .isEqualTo(404);
    assertThat(colleague.get("/api/v1/contacts?book=personal").json().get("total").asInt())
        .isZero();
    assertThat(company.admin().get("/api/v1/contacts/" + id).status()).isEqualTo(404);
    assertThat(member.client().get("/api/v1/contacts/" + id).status()).isEqualTo(200);
  }

  @Test
  void theSharedBookIsEditableByMembersOnlyWhenTheCompanyAllowsIt() {
    ApiClient admin = company.admin();
    ApiClient me = member.client();
    Map<String, Object> partner = person("山本", "健", "やまもと", "けん", "北斗物産");
    ApiClient.Response refused = me.post("/api/v1/contacts?book=shared", partner);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(count("SELECT COUNT(*) FROM contact WHERE tenant_id = ?")).isZero();
    JsonNode shared = created(admin.post("/api/v1/contacts?book=shared", partner));
    assertThat(me.get("/api/v1/contacts?book=shared").json().get("total").asInt()).isEqualTo(1);
    assertThat(me.get("/api/v1/contacts/" + shared.get("id").asString()).status()).isEqualTo(200);
    assertThat(me.get("/api/v1/contacts/books").body()).contains("\"writable\":false");

    assertThat(me.put("/api/v1/contacts/settings", Map.of("membersMayEditShared", true)).status())
        .isEqualTo(403);
    ApiClient.Response allowed =
        admin.put("/api/v1/contacts/settings", Map.of("membersMayEditShared", true));
    assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
    assertThat(me.get("/api/v1/contacts/settings").json().get("membersMayEditShared").asBoolean())
        .isTrue();
    created(me.post("/api/v1/contacts?book=shared", person("川口", "誠", "かわぐち", "まこと", "北斗物産")));
    ApiClient.Response changed =
        me.put(
            "/api/v1/contacts/" + shared.get("id").asString(),
            withVersion(person("山本", "健", "やまもと", "けん", "北斗物産株式会社"), 1));
    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
  }

  @Test
  void changesNeedTheCurrentVersionAndAStaleOneIsRefused() {
    ApiClient me = member.client();
    ApiClient.Response c =
        me.post("/api/v1/contacts?book=personal", person("森", "海", "もり", "うみ", ""));
    created(c);
    String etag = c.header("ETag");
    assertThat(etag).isEqualTo("\"1\"");
    String path = "/api/v1/contacts/" + c.json().get("id").asString();

    ApiClient.Response none = me.put(path, person("森", "空", "もり", "そら", ""));
    assertThat(none.status()).isEqualTo(428);

    ApiClient second = fixtures.client();
    assertThat(second.login(member.loginId(), Fixtures.PASSWORD).status()).isEqualTo(200);
    second.header("If-Match", etag);
    ApiClient.Response first = second.put(path, person("森", "空", "もり", "そら", ""));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.header("ETag")).isEqualTo("\"2\"");

    ApiClient.Response stale = me.put(path, withVersion(person("森", "雲", "もり", "くも", ""), 1));
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.problemType()).isEqualTo("stale");
    assertThat(me.get(path).json().get("givenName").asString()).isEqualTo("空");
    ApiClient.Response staleDelete = second.delete(path); // still If-Match "1"
    assertThat(staleDelete.status()).isEqualTo(412);
    assertThat(me.delete(path).status()).isEqualTo(204);
    assertThat(me.get(path).status()).isEqualTo(404);
  }

  @Test
  void duplicatesAreOfferedAndMergeKeepsEverything() {
    ApiClient me = member.client();
    Map<String, Object> first = person("高橋", "誠", "たかはし", "まこと", "東西銀行");
    first.put("emails", List.of(Map.of("type", "work", "value", "m.takahashi@tozai.example")));
    first.put("tags", List.of("銀行"));
    JsonNode a = created(me.post("/api/v1/contacts?book=personal", first));
    assertThat(a.has("duplicates") && a.get("duplicates").size() > 0).isFalse();

    Map<String, Object> sameEmail = person("髙橋", "誠", "", "", "");
    sameEmail.put("emails", List.of(Map.of("type", "work", "value", "M.Takahashi@tozai.example")));
    sameEmail.put("phones", List.of(Map.of("type", "mobile", "value", "080-3333-4444")));
    sameEmail.put("notes", "ゴルフ好き");
    JsonNode b = created(me.post("/api/v1/contacts?book=personal", sameEmail));
    assertThat(b.get("duplicates").findValuesAsString("id"))
        .containsExactly(a.get("id").asString());

    Map<String, Object> sameName = person("高橋", "誠", "たかはし", "まこと", "東西銀行");
    sameName.put("tags", List.of("ゴルフ"));
    JsonNode c = created(me.post("/api/v1/contacts?book=personal", sameName));
    assertThat(c.get("duplicates").findValuesAsString("id")).contains(a.get("id").asString());
    assertThat(me.get("/api/v1/contacts/" + a.get("id").asString() + "/duplicates").json())
        .hasSize(2);

    ApiClient.Response merged =
        me.post(
            "/api/v1/contacts/" + a.get("id").asString() + "/merge",
            Map.of("from", List.of(b.get("id").asString(), c.get("id").asString())));
    assertThat(merged.status()).as(merged.body()).isEqualTo(200);
    JsonNode m = merged.json();
    assertThat(m.get("emails")).hasSize(1);
    assertThat(m.get("phones").get(0).get("value").asString()).isEqualTo("080-3333-4444");
    assertThat(m.get("notes").asString()).isEqualTo("ゴルフ好き");
    assertThat(m.get("tags").toString()).contains("銀行", "ゴルフ");
    assertThat(m.get("version").asLong()).isEqualTo(2);
    assertThat(me.get("/api/v1/contacts/" + b.get("id").asString()).status()).isEqualTo(404);
    assertThat(me.get("/api/v1/contacts?book=personal").json().get("total").asInt()).isEqualTo(1);
  }

  @Test
  void mergeAcrossBooksIsRefusedAndNothingChanges() {
    Fixtures.TestMember admin =
        new Fixtures.TestMember(company.adminId(), company.adminLoginId(), company.admin());
    JsonNode shared =
        created(
            admin
                .client()
                .post("/api/v1/contacts?book=shared", person("林", "亮", "はやし", "りょう", "")));
    JsonNode personal =
        created(
            admin
                .client()
                .post("/api/v1/contacts?book=personal", person("林", "亮", "はやし", "りょう", "")));
    ApiClient.Response r =
        admin
            .client()
            .post(
                "/api/v1/contacts/" + shared.get("id").asString() + "/merge",
                Map.of("from", List.of(personal.get("id").asString())));
    assertThat(r.status()).isEqualTo(422);
    assertThat(admin.client().get("/api/v1/contacts/" + personal.get("id").asString()).status())
        .isEqualTo(200);
  }

  @Test
  void invalidContactsAreRefusedWithFieldErrorsAndNothingIsStored() {
    ApiClient me = member.client();
    Map<String, Object> bad = person("佐々木", "\u202Eevil", "", "", "");
    bad.put("emails", List.of(Map.of("type", "work", "value", "not-an-email")));
    bad.put("phones", List.of(Map.of("type", "pager", "value", "電話して")));
    ApiClient.Response r = me.post("/api/v1/contacts?book=personal", bad);
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.body()).contains("givenName", "emails", "phones");
    ApiClient.Response empty = me.post("/api/v1/contacts?book=personal", Map.of());
    assertThat(empty.status()).isEqualTo(422);
    assertThat(empty.body()).contains("displayName");
    assertThat(me.post("/api/v1/contacts?book=elsewhere", person("a", "b", "", "", "")).status())
        .isEqualTo(422);
    assertThat(count("SELECT COUNT(*) FROM contact WHERE tenant_id = ?")).isZero();
    assertThat(me.get("/api/v1/contacts/not-a-uuid").status()).isEqualTo(404);
  }

  // ------------------------------------------------------------------------------------------

  private long count(String sql) {
    return jdbc.sql(sql).param(company.id()).query(Long.class).single();
  }

  private static Map<String, Object> withVersion(Map<String, Object> body, long version) {
    Map<String, Object> b = new HashMap<>(body);
    b.put("version", version);
    return b;
  }

  static JsonNode created(ApiClient.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private static List<String> names(ApiClient client, String q) {
    ApiClient.Response r = client.get("/api/v1/contacts?book=personal&q=" + enc(q));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    r.json().get("items").forEach(c -> names.add(c.get("familyName").asString()));
    return names;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
