package dev.musubi.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** CSV import (dry run, all-or-nothing, encodings, duplicates, look-alikes, size) and export. */
@MusubiIntegrationTest
class MemberImportIntegrationTests {

  private static final Charset SJIS = Charset.forName("windows-31j");
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  @LocalServerPort int port;

  record Result(int status, JsonNode json, String body) {}

  /** Posts raw bytes as the browser's fetch would, with the session cookie and CSRF header. */
  Result upload(ApiClient c, String query, byte[] body) throws Exception {
    String csrf = c.csrf();
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/admin/members/import" + query))
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", "text/csv")
            .header("Accept", "application/json")
            .header("X-XSRF-TOKEN", csrf)
            .header(
                "Cookie", "MUSUBI_SESSION=" + c.cookie("MUSUBI_SESSION") + "; XSRF-TOKEN=" + csrf)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    return new Result(r.statusCode(), JsonMapper.builder().build().readTree(r.body()), r.body());
  }

  static byte[] utf8Bom(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(BOM);
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  static long total(ApiClient admin, String q) {
    return admin.get("/api/v1/admin/members?q=" + q).json().get("total").asLong();
  }

  @Test
  void aDryRunReportsEveryRowAndACommitWritesAllOrNothing() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    String head =
        admin.post("/api/v1/admin/departments", Map.of("name", "本社")).json().get("id").asString();
    admin.post("/api/v1/admin/departments", Map.of("name", "営業部", "parentId", head));
    String csv =
        "loginId,displayName,familyName,givenName,email,department,position\r\n"
            + "sato,佐藤 一郎,佐藤,一郎,sato@example.jp,本社/営業部,課長\r\n"
            + "suzuki,鈴木 花子,鈴木,花子,not-an-email,営業部,\r\n"
            + "SATO,佐藤 二郎,佐藤,二郎,,,\r\n"
            + "paypal,ペイ,,,,,\r\n"
            + "paypa1,ペイ似,,,,,\r\n"
            + "kanri,管理 重複,,,,,\r\n"
            + "tanaka,田中,,,,存在しない部,\r\n"
            + "\"taka\nhashi\",改行,,,,,\r\n";
    Result dry = upload(admin, "?dryRun=true", utf8Bom(csv));
    assertThat(dry.status()).as(dry.body()).isEqualTo(200);
    assertThat(dry.json().get("rows").asInt()).isEqualTo(8);
    assertThat(dry.json().get("valid").asInt()).isEqualTo(2);
    assertThat(dry.json().get("encoding").asString()).isEqualTo("utf-8");
    Map<Integer, String> codes = new java.util.TreeMap<>();
    dry.json()
        .get("errors")
        .forEach(e -> codes.put(e.get("row").asInt(), e.get("code").asString()));
    assertThat(codes)
        .containsEntry(3, "email")
        .containsEntry(4, "duplicate")
        .containsEntry(6, "look_alike")
        .containsEntry(7, "taken")
        .containsEntry(8, "unknown_department")
        .containsKey(9)
        .doesNotContainKeys(2, 5);
    assertThat(total(admin, "sato")).isZero();

    Result refused = upload(admin, "?dryRun=false", utf8Bom(csv));
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().get("committed").asBoolean()).isFalse();
    assertThat(total(admin, "sato") + total(admin, "paypal")).as("nothing written").isZero();

    String good =
        "loginId,displayName,familyName,givenName,email,department,position\n"
            + "sato,佐藤 一郎,佐藤,一郎,sato@example.jp,本社/営業部,課長\n"
            + "paypal,ペイ,,,,,\n";
    Result done = upload(admin, "?dryRun=false", good.getBytes(StandardCharsets.UTF_8));
    assertThat(done.status()).as(done.body()).isEqualTo(201);
    assertThat(done.json().get("valid").asInt()).isEqualTo(2);
    JsonNode sato = admin.get("/api/v1/admin/members?q=sato").json().get("items").get(0);
    assertThat(sato.get("departments").get(0).get("name").asString()).isEqualTo("営業部");
    assertThat(sato.get("departments").get(0).get("position").asString()).isEqualTo("課長");
    assertThat(fixtures.client().login(sato.get("loginId").asString(), "").status())
        .as("imported members have no password until a reset link")
        .isNotEqualTo(200);
    assertThat(
            admin.get("/api/v1/admin/audit?action=MEMBERS_IMPORTED").json().get("total").asLong())
        .isEqualTo(1);
    // Importing the same file again: every row is taken.
    Result twice = upload(admin, "?dryRun=true", good.getBytes(StandardCharsets.UTF_8));
    assertThat(twice.json().get("invalid").asInt()).isEqualTo(2);
  }

  @Test
  void shiftJisIsReadAndAWrongEncodingIsAClearError() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    byte[] sjis =
        ("ログインID,表示名,姓,名,姓(よみ),名(よみ)\r\n"
                + "watanabe,渡邊 髙橋,渡邊,髙橋,わたなべ,たかはし\r\n"
                + "ito,伊藤 ①,伊藤,①,いとう,いち\r\n")
            .getBytes(SJIS);
    Result wrong = upload(admin, "?dryRun=true&encoding=utf-8", sjis);
    assertThat(wrong.status()).isEqualTo(422);
    assertThat(wrong.body()).contains("encoding").contains("UTF-8");
    assertThat(upload(admin, "?dryRun=true&encoding=shift_jis", utf8Bom("loginId\nx1\n")).status())
        .isEqualTo(422);
    assertThat(upload(admin, "?dryRun=true&encoding=ebcdic", sjis).status()).isEqualTo(422);

    Result auto = upload(admin, "?dryRun=false", sjis);
    assertThat(auto.status()).as(auto.body()).isEqualTo(201);
    assertThat(auto.json().get("encoding").asString()).isEqualTo("shift_jis");
    JsonNode w = admin.get("/api/v1/admin/members?q=watanabe").json().get("items").get(0);
    assertThat(w.get("displayName").asString()).isEqualTo("渡邊 髙橋");
    assertThat(w.get("familyNameReading").asString()).isEqualTo("わたなべ");

    Result explicit =
        upload(
            admin,
            "?dryRun=true&encoding=shift_jis",
            "loginId,displayName\nkimura,木村 拓\n".getBytes(SJIS));
    assertThat(explicit.json().get("valid").asInt()).isEqualTo(1);

    // Malformed CSV and unknown columns are refused as a whole.
    assertThat(upload(admin, "?dryRun=true", "loginId,unknown\nx,y\n".getBytes()).body())
        .contains("unknown_column");
    assertThat(upload(admin, "?dryRun=true", "loginId\n\"open\n".getBytes()).status())
        .isEqualTo(422);
    assertThat(upload(admin, "?dryRun=true", new byte[0]).status()).isEqualTo(422);
  }

  @Test
  void exportNeutralisesFormulasAndRoundTrips() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ApiClient admin = company.admin();
    ApiClient.Response created =
        admin.post(
            "/api/v1/admin/members",
            Map.of(
                "loginId", "keisan",
                "password", Fixtures.PASSWORD,
                "displayName", "=HYPERLINK(\"http://evil.example\",\"x\")",
                "phone", "+81-3-1234-5678"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    ApiClient.Response export = admin.get("/api/v1/admin/members/export");
    assertThat(export.status()).isEqualTo(200);
    assertThat(export.header("Content-Type")).startsWith("text/csv");
    String body = export.body();
    assertThat(body).startsWith("\uFEFF\"loginId\"");
    assertThat(body).contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"");
    assertThat(body).contains("\"'+81-3-1234-5678\"");
    assertThat(body).contains("keisan@" + company.domain());
    assertThat(
            admin.get("/api/v1/admin/audit?action=MEMBERS_EXPORTED").json().get("total").asLong())
        .isEqualTo(1);

    ApiClient.Response sjis = admin.get("/api/v1/admin/members/export?encoding=shift_jis");
    assertThat(sjis.header("Content-Type")).containsIgnoringCase("shift_jis");

    Fixtures.TestMember auditor = fixtures.member(company, "kansa", "auditor");
    assertThat(auditor.client().get("/api/v1/admin/members/export").status()).isEqualTo(403);
    Fixtures.TestMember jinji = fixtures.member(company, "jinji", "member_admin");
    assertThat(upload(jinji.client(), "?dryRun=true", "loginId\nok1\n".getBytes()).status())
        .isEqualTo(200);
    Fixtures.TestMember plain = fixtures.member(company, "ippan");
    assertThat(upload(plain.client(), "?dryRun=true", "loginId\nok1\n".getBytes()).status())
        .isEqualTo(403);
  }

  @Test
  void aHundredThousandRowsAreValidatedInADryRun() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    ByteArrayOutputStream out = new ByteArrayOutputStream(6_000_000);
    out.writeBytes("loginId,displayName,familyName,givenName\n".getBytes());
    for (int i = 0; i < 100_000; i++) {
      out.writeBytes(
          ("shain" + i + ",社員 " + i + ",社員," + i + "\n").getBytes(StandardCharsets.UTF_8));
    }
    Result r = upload(company.admin(), "?dryRun=true", out.toByteArray());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("rows").asInt()).isEqualTo(100_000);
    assertThat(r.json().get("invalid").asInt()).isZero();

    out.writeBytes("shain100000,多すぎ,,\n".getBytes(StandardCharsets.UTF_8));
    Result tooMany = upload(company.admin(), "?dryRun=true", out.toByteArray());
    assertThat(tooMany.status()).isEqualTo(422);
    assertThat(tooMany.body()).contains("too_many_rows");
    assertThat(
            List.of(
                company.admin().get("/api/v1/admin/members?q=shain").json().get("total").asLong()))
        .containsExactly(0L);
  }
}
