package dev.musubi.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.contacts.codec.TextDecoding;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@MusubiIntegrationTest
class ContactImportExportIntegrationTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  Fixtures.TestMember member;
  String token;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void company() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    member = fixtures.member(company, "import");
    ApiClient.Response t =
        member
            .client()
            .post(
                "/api/v1/me/tokens",
                Map.of("name", "import", "scopes", List.of("read", "write"), "expiresInDays", 1));
    assertThat(t.status()).as(t.body()).isEqualTo(201);
    token = t.json().get("token").asString();
  }

  record Answer(int status, byte[] body, HttpResponse<byte[]> raw) {
    JsonNode json() {
      return JSON.readTree(new String(body, StandardCharsets.UTF_8));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private Answer send(String method, String path, byte[] body, String type) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", type)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<byte[]> resp = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(resp.statusCode(), resp.body(), resp);
  }

  private Answer importFile(String query, byte[] body) throws Exception {
    return send("POST", "/api/v1/contacts/import?" + query, body, "application/octet-stream");
  }

  private Answer get(String path) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build();
    HttpResponse<byte[]> resp = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(resp.statusCode(), resp.body(), resp);
  }

  private long stored() {
    return jdbc.sql("SELECT COUNT(*) FROM contact WHERE tenant_id = ? AND deleted_at IS NULL")
        .param(company.id())
        .query(Long.class)
        .single();
  }

  private static final String EXCEL_CSV =
      "姓,名,姓（フリガナ）,名（フリガナ）,会社名,部署,役職,メールアドレス,携帯電話,タグ,謎の列\r\n"
          + "山田,太郎,ヤマダ,タロウ,株式会社サンプル,営業部,部長,taro@sample.example,090-1234-5678,取引先;重要,x\r\n"
          + "髙橋,花子,タカハシ,ハナコ,有限会社テスト,,,hanako@test.example,,,y\r\n";

  @Test
  void excelCsvInUtf8WithBomIsPreviewedThenImported() throws Exception {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] file = concat(bom, EXCEL_CSV.getBytes(StandardCharsets.UTF_8));
    Answer preview = importFile("book=personal", file);
    assertThat(preview.status()).as(preview.text()).isEqualTo(200);
    JsonNode p = preview.json();
    assertThat(p.get("dryRun").asBoolean()).isTrue();
    assertThat(p.get("encoding").asString()).isEqualTo("UTF-8");
    assertThat(p.get("format").asString()).isEqualTo("csv");
    assertThat(p.get("mapping").get(0).get("header").asString()).isEqualTo("姓");
    assertThat(p.get("mapping").get(0).get("field").asString()).isEqualTo("familyName");
    assertThat(p.get("mapping").get(10).path("field").isString()).isFalse();
    assertThat(p.get("valid").asInt()).isEqualTo(2);
    assertThat(stored()).isZero();

    Answer commit = importFile("book=personal&dryRun=false", file);
    assertThat(commit.status()).as(commit.text()).isEqualTo(200);
    assertThat(commit.json().get("imported").asInt()).isEqualTo(2);
    JsonNode list = member.client().get("/api/v1/contacts?book=personal&q=ﾔﾏﾀﾞ").json();
    JsonNode yamada = list.get("items").get(0);
    assertThat(yamada.get("company").asString()).isEqualTo("株式会社サンプル");
    assertThat(yamada.get("tags").toString()).contains("取引先", "重要");
    assertThat(yamada.get("phones").get(0).get("type").asString()).isEqualTo("mobile");
  }

  @Test
  void shiftJisCsvFromJapaneseExcelIsDetected() throws Exception {
    Answer commit =
        importFile("book=personal&dryRun=false", EXCEL_CSV.getBytes(TextDecoding.SHIFT_JIS));
    assertThat(commit.status()).as(commit.text()).isEqualTo(200);
    assertThat(commit.json().get("encoding").asString()).isEqualTo("Shift_JIS");
    assertThat(
            member
                .client()
                .get("/api/v1/contacts?book=personal&q=" + ContactsIntegrationTests.enc("髙橋"))
                .json()
                .get("total")
                .asInt())
        .isEqualTo(1);
  }

  @Test
  void aFileMixingEncodingsIsRefusedAndNothingIsImported() throws Exception {
    byte[] mixed =
        concat(
            "姓,名\n山田,太郎\n".getBytes(StandardCharsets.UTF_8),
            "鈴木,一郎\n".getBytes(TextDecoding.SHIFT_JIS));
    Answer r = importFile("book=personal&dryRun=false", mixed);
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.text()).contains("mixed_encoding", "Lines: 3");
    assertThat(stored()).isZero();
  }

  @Test
  void oneBadRowMeansNothingIsImportedAndThePreviewNamesIt() throws Exception {
    String csv = "姓,名,メール\n山田,太郎,taro@ok.example\n鈴木,一郎,not-an-email\n佐藤,,\n";
    byte[] file = csv.getBytes(StandardCharsets.UTF_8);
    JsonNode preview = importFile("book=personal", file).json();
    assertThat(preview.get("valid").asInt()).isEqualTo(2);
    JsonNode bad = preview.get("rows").get(1);
    assertThat(bad.get("row").asInt()).isEqualTo(2);
    assertThat(bad.get("errors").get(0).get("field").asString()).isEqualTo("emails");
    Answer commit = importFile("book=personal&dryRun=false", file);
    assertThat(commit.status()).isEqualTo(422);
    assertThat(commit.text()).contains("rows[2].emails", "nothing was imported");
    assertThat(stored()).isZero();
    assertThat(
            importFile("book=personal&dryRun=false", "謎,列\n1,2\n".getBytes(StandardCharsets.UTF_8))
                .text())
        .contains("csv_header");
    assertThat(importFile("book=personal", "姓\n\"閉じない\n".getBytes(StandardCharsets.UTF_8)).status())
        .isEqualTo(422);
    assertThat(importFile("book=personal", new byte[0]).status()).isEqualTo(422);
  }

  @Test
  void vcardsOfBothVersionsImportWithReadingsAndExportRoundTrips() throws Exception {
    String v3 =
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:abc-123\r\nFN:伊藤 誠\r\nN:伊藤;誠;;;\r\n"
            + "X-PHONETIC-LAST-NAME:いとう\r\nX-PHONETIC-FIRST-NAME:まこと\r\n"
            + "ORG:東洋商事;経理部\r\nTITLE:課長\r\nEMAIL;TYPE=INTERNET,WORK:makoto@toyo.example\r\n"
            + "TEL;TYPE=CELL:080-1111-2222\r\nADR;TYPE=WORK:;;丸の内1-1;千代田区;東京都;100-0005;日本\r\n"
            + "CATEGORIES:取引先,経理\r\nNOTE:年賀状\\n送付済み\r\nEND:VCARD\r\n";
    String v4 =
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:小林 優\r\nN;SORT-AS=\"こばやし,ゆう\":小林;優;;;\r\n"
            + "EMAIL;TYPE=home:yu@example.jp\r\nEND:VCARD\r\n";
    Answer r = importFile("book=personal&dryRun=false", (v3 + v4).getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().get("format").asString()).isEqualTo("vcard");
    assertThat(r.json().get("imported").asInt()).isEqualTo(2);
    JsonNode ito =
        member.client().get("/api/v1/contacts?book=personal&q=makoto").json().get("items").get(0);
    assertThat(ito.get("uid").asString()).isEqualTo("abc-123");
    assertThat(ito.get("familyNameReading").asString()).isEqualTo("いとう");
    assertThat(ito.get("department").asString()).isEqualTo("経理部");
    assertThat(ito.get("address").get("postalCode").asString()).isEqualTo("100-0005");
    assertThat(ito.get("notes").asString()).isEqualTo("年賀状\n送付済み");
    JsonNode kobayashi = member.client().get("/api/v1/contacts?book=personal&q=kobayashi").json();
    assertThat(kobayashi.get("items").get(0).get("givenNameReading").asString()).isEqualTo("ゆう");

    for (String version : List.of("3.0", "4.0")) {
      Answer export = get("/api/v1/contacts/export?book=personal&format=vcf&version=" + version);
      assertThat(export.status()).isEqualTo(200);
      assertThat(export.raw().headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/vcard");
      String text = export.text();
      assertThat(text).contains("VERSION:" + version, "X-PHONETIC-LAST-NAME:いとう", "UID:abc-123");
      // Round trip into a fresh book of another member: same contacts come back.
      Fixtures.TestMember other = fixtures.member(company, "rt" + version.charAt(0));
      ApiClient.Response t =
          other
              .client()
              .post(
                  "/api/v1/me/tokens",
                  Map.of("name", "rt", "scopes", List.of("read", "write"), "expiresInDays", 1));
      String saved = token;
      token = t.json().get("token").asString();
      Answer back = importFile("book=personal&dryRun=false", export.body());
      token = saved;
      assertThat(back.status()).as(back.text()).isEqualTo(200);
      JsonNode again =
          other
              .client()
              .get("/api/v1/contacts?book=personal&q=" + ContactsIntegrationTests.enc("いとう"))
              .json()
              .get("items")
              .get(0);
      assertThat(again.get("emails").get(0).get("value").asString())
          .isEqualTo("makoto@toyo.example");
      assertThat(again.get("phones").get(0).get("type").asString()).isEqualTo("mobile");
      assertThat(again.get("tags").toString()).contains("取引先", "経理");
    }
  }

  @Test
  void malformedVcardsAreRefusedClearly() throws Exception {
    Answer notVcard =
        importFile("book=personal&format=vcf", "hello\nworld".getBytes(StandardCharsets.UTF_8));
    assertThat(notVcard.status()).isEqualTo(422);
    assertThat(notVcard.text()).contains("BEGIN:VCARD");
    String badEmail =
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:壊れた\r\nEMAIL:@@@\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n";
    JsonNode preview =
        importFile("book=personal", badEmail.getBytes(StandardCharsets.UTF_8)).json();
    assertThat(preview.get("valid").asInt()).isZero();
    assertThat(preview.get("rows").get(0).get("errors").get(0).get("field").asString())
        .isEqualTo("emails");
    assertThat(preview.get("rows").get(1).get("errors").get(0).get("field").asString())
        .isEqualTo("displayName");
    assertThat(
            importFile("book=personal&dryRun=false", badEmail.getBytes(StandardCharsets.UTF_8))
                .status())
        .isEqualTo(422);
    String unterminated = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:途中で終わる\r\nN:途中;\r\n";
    Answer cut = importFile("book=personal", unterminated.getBytes(StandardCharsets.UTF_8));
    assertThat(cut.status()).isIn(200, 422);
    assertThat(stored()).isZero();
  }

  @Test
  void photosAreResizedAndHugeOrBombPhotosRefused() throws Exception {
    BufferedImage img = new BufferedImage(1600, 1200, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    byte[] huge = new byte[10 * 1024 * 1024];
    new java.util.Random(1).nextBytes(huge);
    String cards =
        card("写真あり", png.toByteArray())
            + card("巨大写真", huge)
            + card("爆弾写真", bombPng(100_000, 100_000));
    Answer r = importFile("book=personal&dryRun=false", cards.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode rows = r.json().get("rows");
    assertThat(rows.get(0).get("warnings")).isEmpty();
    assertThat(rows.get(1).get("warnings").get(0).asString()).contains("photo_too_large");
    assertThat(rows.get(2).get("warnings").get(0).asString()).contains("photo_too_large");
    JsonNode list = member.client().get("/api/v1/contacts?book=personal").json().get("items");
    assertThat(list).hasSize(3);
    for (JsonNode c : list) {
      boolean expected = c.get("displayName").asString().equals("写真あり");
      assertThat(c.get("hasPhoto").asBoolean())
          .as(c.get("displayName").asString())
          .isEqualTo(expected);
      if (expected) {
        Answer photo = get("/api/v1/contacts/" + c.get("id").asString() + "/photo");
        BufferedImage stored = ImageIO.read(new ByteArrayInputStream(photo.body()));
        assertThat(Math.max(stored.getWidth(), stored.getHeight())).isEqualTo(512);
      }
    }
  }

  @Test
  void csvExportNeutralisesFormulasAndOffersShiftJis() throws Exception {
    Map<String, Object> evil =
        Map.of(
            "displayName", "=HYPERLINK(\"http://evil.example\",\"click\")",
            "company", "@SUM(1+1)",
            "notes", "-2+3",
            "phones", List.of(Map.of("type", "work", "value", "+81 3-1234-5678")),
            "tags", List.of("+tag"));
    assertThat(member.client().post("/api/v1/contacts?book=personal", evil).status())
        .isEqualTo(201);
    Answer csv = get("/api/v1/contacts/export?book=personal&format=csv");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.body()[0]).isEqualTo((byte) 0xEF);
    String text = new String(csv.body(), 3, csv.body().length - 3, StandardCharsets.UTF_8);
    String row = text.split("\r\n")[1];
    assertThat(row).startsWith("\"'=HYPERLINK(");
    assertThat(row).contains(",'@SUM(1+1),", ",'+81 3-1234-5678,", ",'-2+3,", ",'+tag");
    for (String cell : row.split(",")) {
      assertThat(cell.replace("\"", ""))
          .doesNotStartWith("=")
          .doesNotStartWith("@")
          .doesNotStartWith("+")
          .doesNotStartWith("-");
    }
    assertThat(csv.raw().headers().firstValue("Content-Disposition").orElse(""))
        .contains("attachment");

    assertThat(
            member
                .client()
                .post(
                    "/api/v1/contacts?book=personal", Map.of("familyName", "髙橋", "givenName", "①"))
                .status())
        .isEqualTo(201);
    Answer sjis = get("/api/v1/contacts/export?book=personal&format=csv&encoding=shift_jis");
    assertThat(new String(sjis.body(), TextDecoding.SHIFT_JIS)).contains("髙橋", "姓（よみ）");
    // An export imports again unchanged (the apostrophes come off).
    Answer back = importFile("book=personal", csv.body());
    assertThat(back.json().get("rows").get(0).get("displayName").asString())
        .startsWith("=HYPERLINK(");
  }

  @Test
  void importIntoTheSharedBookNeedsPermission() throws Exception {
    Answer r = importFile("book=shared&dryRun=false", EXCEL_CSV.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).isEqualTo(403);
    assertThat(stored()).isZero();
    assertThat(
            importFile("book=personal&format=xls", EXCEL_CSV.getBytes(StandardCharsets.UTF_8))
                .status())
        .isEqualTo(422);
    assertThat(get("/api/v1/contacts/export?format=pdf").status()).isEqualTo(422);
  }

  // ------------------------------------------------------------------------------------------

  private static String card(String name, byte[] photo) {
    String b64 = Base64.getEncoder().encodeToString(photo);
    StringBuilder folded = new StringBuilder();
    for (int i = 0; i < b64.length(); i += 74) {
      folded.append(i == 0 ? "" : "\r\n ").append(b64, i, Math.min(b64.length(), i + 74));
    }
    return "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:"
        + name
        + "\r\nPHOTO;ENCODING=b;TYPE=PNG:"
        + folded
        + "\r\nEND:VCARD\r\n";
  }

  /** A tiny PNG whose header claims a huge image (a decompression bomb). */
  private static byte[] bombPng(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width)
        .putInt(height)
        .put((byte) 8)
        .put((byte) 2)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    ByteBuffer len = ByteBuffer.allocate(4).putInt(data.length);
    out.writeBytes(len.array());
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
