package dev.musubi.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@MusubiIntegrationTest
class CardDavIntegrationTests {

  @LocalServerPort int port;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  Fixtures.TestMember member;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void company() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    member = fixtures.member(company, "dav");
  }

  record Answer(int status, String body, HttpResponse<String> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  Answer davAs(String login, String method, String path, String body, String... headers) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .header(
                  "Authorization",
                  "Basic "
                      + Base64.getEncoder()
                          .encodeToString(
                              (login + ":" + Fixtures.PASSWORD).getBytes(StandardCharsets.UTF_8)))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      for (int i = 0; i < headers.length; i += 2) {
        b.header(headers[i], headers[i + 1]);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body(), r);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  Answer dav(String method, String path, String body, String... headers) {
    return davAs(member.loginId(), method, path, body, headers);
  }

  static final String PROPFIND_PRINCIPAL =
      "<d:propfind xmlns:d=\"DAV:\"><d:prop><d:current-user-principal/></d:prop></d:propfind>";
  static final String PROPFIND_HOME =
      "<d:propfind xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\"><d:prop>"
          + "<c:addressbook-home-set/></d:prop></d:propfind>";
  static final String PROPFIND_BOOKS =
      "<d:propfind xmlns:d=\"DAV:\"><d:prop><d:resourcetype/><d:displayname/><d:sync-token/>"
          + "<d:getetag/><d:nonsense/></d:prop></d:propfind>";

  static String vcard(String uid, String family, String given, String email) {
    return "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:"
        + uid
        + "\r\nFN:"
        + family
        + " "
        + given
        + "\r\nN:"
        + family
        + ";"
        + given
        + ";;;\r\nEMAIL;TYPE=WORK:"
        + email
        + "\r\nEND:VCARD\r\n";
  }

  private static String first(String regex, String text) {
    Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
    assertThat(m.find()).as(regex + " in " + text).isTrue();
    return m.group(1);
  }

  @Test
  void discoveryLeadsFromTheWellKnownUriToThreeAddressBooks() {
    Answer wk = dav("PROPFIND", "/.well-known/carddav", PROPFIND_PRINCIPAL);
    assertThat(wk.status()).isEqualTo(301);
    assertThat(wk.header("Location")).isEqualTo("/dav/card/");
    Answer root = dav("PROPFIND", "/dav/card/", PROPFIND_PRINCIPAL, "Depth", "0");
    assertThat(root.status()).isEqualTo(207);
    String principal = first("<d:current-user-principal><d:href>([^<]+)</d:href>", root.body());
    assertThat(principal).startsWith("/dav/card/principals/").endsWith("/");
    Answer p = dav("PROPFIND", principal, PROPFIND_HOME, "Depth", "0");
    String home = first("<card:addressbook-home-set><d:href>([^<]+)</d:href>", p.body());
    Answer books = dav("PROPFIND", home, PROPFIND_BOOKS, "Depth", "1");
    assertThat(books.status()).isEqualTo(207);
    assertThat(books.body())
        .contains(home + "personal/", home + "shared/", home + "directory/")
        .contains("<card:addressbook/>", "個人アドレス帳", "urn:musubi:sync:")
        .contains("HTTP/1.1 404 Not Found"); // d:nonsense
    assertThat(dav("OPTIONS", home + "personal/", null).header("DAV")).contains("addressbook");
  }

  @Test
  void putGetDeleteFollowETagsAndShowInTheApi() {
    String book = "/dav/card/" + member.loginId() + "/personal/";
    String card = vcard("kobayashi-1", "小林", "優", "yu@example.jp");
    Answer created =
        dav(
            "PUT",
            book + "kobayashi-1.vcf",
            card,
            "If-None-Match",
            "*",
            "Content-Type",
            "text/vcard");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String etag = created.header("ETag");
    assertThat(etag).isEqualTo("\"1\"");
    assertThat(dav("PUT", book + "kobayashi-1.vcf", card, "If-None-Match", "*").status())
        .isEqualTo(412);
    Answer get = dav("GET", book + "kobayashi-1.vcf", null);
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.header("ETag")).isEqualTo(etag);
    assertThat(get.body()).contains("FN:小林 優", "UID:kobayashi-1");
    ApiClient api = member.client();
    assertThat(api.get("/api/v1/contacts?book=personal&q=yu@example").json().get("total").asInt())
        .isEqualTo(1);

    String changed = vcard("kobayashi-1", "小林", "優子", "yu@example.jp");
    assertThat(dav("PUT", book + "kobayashi-1.vcf", changed, "If-Match", "\"7\"").status())
        .isEqualTo(412);
    Answer updated = dav("PUT", book + "kobayashi-1.vcf", changed, "If-Match", etag);
    assertThat(updated.status()).isEqualTo(204);
    assertThat(updated.header("ETag")).isEqualTo("\"2\"");
    assertThat(dav("DELETE", book + "kobayashi-1.vcf", null, "If-Match", etag).status())
        .isEqualTo(412);
    assertThat(dav("DELETE", book + "kobayashi-1.vcf", null, "If-Match", "\"2\"").status())
        .isEqualTo(204);
    assertThat(dav("GET", book + "kobayashi-1.vcf", null).status()).isEqualTo(404);
    assertThat(dav("PUT", book + "broken.vcf", "not a vcard").status()).isEqualTo(422);
  }

  @Test
  void syncCollectionReportsChangesAndDeletionsSinceAToken() {
    String book = "/dav/card/" + member.loginId() + "/personal/";
    ApiClient api = member.client();
    String a =
        api.post("/api/v1/contacts?book=personal", Map.of("familyName", "青木", "givenName", "一"))
            .json()
            .get("id")
            .asString();
    String sync =
        "<d:sync-collection xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\">"
            + "<d:sync-token>%s</d:sync-token><d:sync-level>1</d:sync-level>"
            + "<d:prop><d:getetag/></d:prop></d:sync-collection>";
    Answer initial = dav("REPORT", book, sync.formatted(""));
    assertThat(initial.status()).isEqualTo(207);
    assertThat(initial.body()).contains(".vcf");
    String token = first("<d:sync-token>([^<]+)</d:sync-token>", initial.body());

    Answer none = dav("REPORT", book, sync.formatted(token));
    assertThat(none.body()).doesNotContain(".vcf");
    String b =
        api.post("/api/v1/contacts?book=personal", Map.of("familyName", "石井", "givenName", "二"))
            .json()
            .get("uid")
            .asString();
    String aUid = api.get("/api/v1/contacts/" + a).json().get("uid").asString();
    assertThat(api.delete("/api/v1/contacts/" + a).status()).isEqualTo(204);
    Answer delta = dav("REPORT", book, sync.formatted(token));
    assertThat(delta.body()).contains(b + ".vcf", aUid + ".vcf</d:href><d:status>HTTP/1.1 404");
    assertThat(dav("REPORT", book, sync.formatted("urn:musubi:sync:nonsense")).status())
        .isEqualTo(403);
  }

  @Test
  void multigetAndQueryReturnAddressData() {
    String book = "/dav/card/" + member.loginId() + "/personal/";
    dav("PUT", book + "a.vcf", vcard("a", "伊藤", "誠", "makoto@example.jp"), "If-None-Match", "*");
    dav("PUT", book + "b.vcf", vcard("b", "佐藤", "葵", "aoi@example.jp"), "If-None-Match", "*");
    Answer multi =
        dav(
            "REPORT",
            book,
            "<c:addressbook-multiget xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\">"
                + "<d:prop><d:getetag/><c:address-data/></d:prop><d:href>"
                + book
                + "a.vcf</d:href><d:href>"
                + book
                + "zzz.vcf</d:href></c:addressbook-multiget>");
    assertThat(multi.status()).isEqualTo(207);
    assertThat(multi.body()).contains("FN:伊藤 誠", "zzz.vcf</d:href><d:status>HTTP/1.1 404");
    Answer query =
        dav(
            "REPORT",
            book,
            "<c:addressbook-query xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\">"
                + "<d:prop><d:getetag/><c:address-data version=\"4.0\"/></d:prop><c:filter>"
                + "<c:prop-filter name=\"EMAIL\"><c:text-match match-type=\"starts-with\">AOI@"
                + "</c:text-match></c:prop-filter></c:filter></c:addressbook-query>");
    assertThat(query.body()).contains("FN:佐藤 葵", "VERSION:4.0").doesNotContain("伊藤");
  }

  @Test
  void directoryCardsCarryTheMembersPhoto() throws Exception {
    String home = "/dav/card/" + member.loginId() + "/";
    String path = home + "directory/" + member.id() + ".vcf";
    Answer before = dav("GET", path, null);
    assertThat(before.body()).doesNotContain("PHOTO");

    ApiClient.Response token =
        member
            .client()
            .post(
                "/api/v1/me/tokens",
                Map.of("name", "photo", "scopes", List.of("read", "write"), "expiresInDays", 30));
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(300, 200, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, "png", png);
    HttpResponse<String> put =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/api/v1/directory/members/"
                            + member.id()
                            + "/photo"))
                .header("Authorization", "Bearer " + token.json().get("token").asString())
                .header("Content-Type", "image/png")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(png.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

    Answer after = dav("GET", path, null);
    assertThat(after.body()).contains("PHOTO;ENCODING=b;TYPE=jpeg:/9j/");
    assertThat(after.header("ETag")).isNotEqualTo(before.header("ETag"));
    Answer v4 =
        dav(
            "REPORT",
            home + "directory/",
            "<c:addressbook-multiget xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\">"
                + "<d:prop><d:getetag/><c:address-data version=\"4.0\"/></d:prop><d:href>"
                + path
                + "</d:href></c:addressbook-multiget>",
            "Depth",
            "1");
    assertThat(v4.body()).contains("PHOTO:data:image/jpeg;base64,");
  }

  @Test
  void multigetOfHundredsOfCardsReadsOnlyTheCallersBook() {
    Fixtures.TestMember other = fixtures.member(company, "dav2");
    StringBuilder mine = new StringBuilder();
    for (int i = 0; i < 520; i++) {
      mine.append(vcard("c" + i, "佐藤", "番号" + i, "c" + i + "@example.jp"));
    }
    var client = member.client();
    var imported =
        client.sendRaw(
            "POST",
            "/api/v1/contacts/import?book=personal&format=vcf&dryRun=false",
            mine.toString(),
            "text/vcard",
            client.csrf());
    assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    var theirs = other.client();
    var otherImport =
        theirs.sendRaw(
            "POST",
            "/api/v1/contacts/import?book=personal&format=vcf&dryRun=false",
            vcard("c0", "他人", "秘密", "secret@example.jp")
                + vcard("only-theirs", "他人", "二", "x@example.jp"),
            "text/vcard",
            theirs.csrf());
    assertThat(otherImport.status()).as(otherImport.body()).isEqualTo(200);
    String book = "/dav/card/" + member.loginId() + "/personal/";
    StringBuilder q =
        new StringBuilder(
            "<c:addressbook-multiget xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\">"
                + "<d:prop><d:getetag/><c:address-data/></d:prop>");
    for (int i = 0; i < 520; i++) {
      q.append("<d:href>").append(book).append("c").append(i).append(".vcf</d:href>");
    }
    q.append("<d:href>").append(book).append("only-theirs.vcf</d:href>");
    q.append("</c:addressbook-multiget>");
    Answer multi = dav("REPORT", book, q.toString());
    assertThat(multi.status()).isEqualTo(207);
    assertThat(multi.body().split("BEGIN:VCARD", -1)).hasSize(521);
    assertThat(multi.body())
        .contains("FN:佐藤 番号0", "FN:佐藤 番号519")
        .contains("only-theirs.vcf</d:href><d:status>HTTP/1.1 404")
        .doesNotContain("他人");
    // The hrefs come back in the order asked.
    assertThat(multi.body().indexOf("c518.vcf")).isLessThan(multi.body().indexOf("c519.vcf"));
  }

  @Test
  void theDirectoryIsReadOnlyAndTheSharedBookFollowsTheCompanySetting() {
    String home = "/dav/card/" + member.loginId() + "/";
    Answer dir = dav("PROPFIND", home + "directory/", PROPFIND_BOOKS, "Depth", "1");
    assertThat(dir.body()).contains(member.id() + ".vcf", company.adminId() + ".vcf");
    Answer card = dav("GET", home + "directory/" + member.id() + ".vcf", null);
    assertThat(card.body()).contains("FN:山田 dav");
    assertThat(dav("PUT", home + "directory/x.vcf", vcard("x", "偽", "者", "x@example.jp")).status())
        .isEqualTo(403);
    assertThat(dav("DELETE", home + "directory/" + member.id() + ".vcf", null).status())
        .isEqualTo(403);
    assertThat(dav("PUT", home + "shared/s.vcf", vcard("s", "共有", "太郎", "s@example.jp")).status())
        .isEqualTo(403);
    company.admin().put("/api/v1/contacts/settings", Map.of("membersMayEditShared", true));
    assertThat(dav("PUT", home + "shared/s.vcf", vcard("s", "共有", "太郎", "s@example.jp")).status())
        .isEqualTo(201);
    assertThat(company.admin().get("/api/v1/contacts?book=shared").json().get("total").asInt())
        .isEqualTo(1);
  }

  @Test
  void anotherMembersOrCompanysBooksAreNotFound() {
    String book = "/dav/card/" + member.loginId() + "/personal/";
    dav(
        "PUT",
        book + "mine.vcf",
        vcard("mine", "秘密", "友人", "secret@example.jp"),
        "If-None-Match",
        "*");
    Fixtures.TestMember colleague = fixtures.member(company, "colleague");
    Fixtures.TestMember stranger = fixtures.member(fixtures.company(), "stranger");
    for (Fixtures.TestMember other : List.of(colleague, stranger)) {
      for (String[] req :
          List.of(
              new String[] {"GET", book + "mine.vcf"},
              new String[] {"PROPFIND", book},
              new String[] {"DELETE", book + "mine.vcf"},
              new String[] {"PROPFIND", "/dav/card/principals/" + member.loginId() + "/"},
              new String[] {"PROPFIND", "/dav/card/" + member.loginId() + "/directory/"})) {
        Answer r =
            davAs(
                other.loginId(),
                req[0],
                req[1],
                req[0].equals("PROPFIND") ? PROPFIND_BOOKS : null,
                "Depth",
                "1");
        assertThat(r.status()).as(req[0] + " " + req[1]).isEqualTo(404);
        assertThat(r.body()).doesNotContain("秘密");
      }
    }
    assertThat(dav("GET", book + "mine.vcf", null).status()).isEqualTo(200);
  }

  private String vdirsyncer(java.nio.file.Path dir, String... args) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of("/usr/bin/vdirsyncer", "-c", dir.resolve("config").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("HOME", dir.toString());
    pb.environment().put("XDG_CONFIG_HOME", dir.toString());
    pb.environment().put("LANG", "C.UTF-8");
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      in.write("y\ny\ny\ny\ny\ny\n".getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", args) + ":\n" + out).isZero();
    return out;
  }

  @Test
  void vdirsyncerSyncsBothWays(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    ApiClient api = member.client();
    String keep =
        api.post(
                "/api/v1/contacts?book=personal",
                Map.of(
                    "familyName", "中村",
                    "givenName", "陽子",
                    "familyNameReading", "なかむら",
                    "givenNameReading", "ようこ",
                    "emails", List.of(Map.of("type", "work", "value", "yoko@nakamura.example"))))
            .json()
            .get("id")
            .asString();
    String gone =
        api.post("/api/v1/contacts?book=personal", Map.of("familyName", "消える", "givenName", "人"))
            .json()
            .get("id")
            .asString();
    java.nio.file.Path local = dir.resolve("contacts");
    java.nio.file.Files.writeString(
        dir.resolve("config"),
        """
        [general]
        status_path = "%s/status/"

        [pair musubi]
        a = "musubi_remote"
        b = "musubi_local"
        collections = ["from a"]
        conflict_resolution = "a wins"

        [storage musubi_remote]
        type = "carddav"
        url = "http://127.0.0.1:%d/dav/card/"
        username = "%s"
        password = "%s"

        [storage musubi_local]
        type = "filesystem"
        path = "%s/"
        fileext = ".vcf"
        """
            .formatted(dir, port, member.loginId(), Fixtures.PASSWORD, local));
    vdirsyncer(dir, "discover", "musubi");
    vdirsyncer(dir, "sync");
    java.nio.file.Path personal = local.resolve("personal");
    assertThat(personal).isDirectory();
    assertThat(local.resolve("directory")).isDirectory();
    String all = readAll(personal);
    assertThat(all).contains("FN:中村 陽子", "X-PHONETIC-LAST-NAME:なかむら", "FN:消える 人");
    assertThat(readAll(local.resolve("directory"))).contains("FN:山田 dav");

    // Local → Musubi: a new card; Musubi → local: a deletion and a change.
    java.nio.file.Files.writeString(
        personal.resolve("local-1.vcf"),
        vcard("local-1", "端末", "作成", "phone@example.jp"),
        StandardCharsets.UTF_8);
    assertThat(api.delete("/api/v1/contacts/" + gone).status()).isEqualTo(204);
    long version = api.get("/api/v1/contacts/" + keep).json().get("version").asLong();
    Map<String, Object> changed =
        Map.of(
            "familyName", "中村",
            "givenName", "陽子",
            "familyNameReading", "なかむら",
            "givenNameReading", "ようこ",
            "title", "部長",
            "emails", List.of(Map.of("type", "work", "value", "yoko@nakamura.example")),
            "version", version);
    assertThat(api.put("/api/v1/contacts/" + keep, changed).status()).isEqualTo(200);
    vdirsyncer(dir, "sync");
    assertThat(
            api.get("/api/v1/contacts?book=personal&q=" + ContactsIntegrationTests.enc("端末"))
                .json()
                .get("total")
                .asInt())
        .isEqualTo(1);
    all = readAll(personal);
    assertThat(all).contains("TITLE:部長").doesNotContain("消える");

    // A local deletion reaches Musubi.
    try (var files = java.nio.file.Files.list(personal)) {
      for (java.nio.file.Path f : files.toList()) {
        if (java.nio.file.Files.readString(f).contains("中村")) {
          java.nio.file.Files.delete(f);
        }
      }
    }
    vdirsyncer(dir, "sync");
    assertThat(api.get("/api/v1/contacts/" + keep).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/contacts?book=personal").json().get("total").asInt()).isEqualTo(1);
  }

  private static String readAll(java.nio.file.Path dir) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (var files = java.nio.file.Files.list(dir)) {
      for (java.nio.file.Path f : files.sorted().toList()) {
        sb.append(java.nio.file.Files.readString(f, StandardCharsets.UTF_8)).append('\n');
      }
    }
    return sb.toString();
  }
}
