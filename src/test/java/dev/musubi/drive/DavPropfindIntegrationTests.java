package dev.musubi.drive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** WebDAV PROPFIND with Depth: 1 lists each child's own dead properties, and only its own. */
@MusubiIntegrationTest
class DavPropfindIntegrationTests {

  @LocalServerPort int port;

  @org.springframework.beans.factory.annotation.Autowired
  org.springframework.jdbc.core.JdbcTemplate jdbc;

  final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(
      Fixtures.TestMember m, String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (m.loginId() + ":" + Fixtures.PASSWORD)
                                .getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String proppatch(String value) {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propertyupdate xmlns:D=\"DAV:\""
        + " xmlns:Z=\"urn:example:musubi\"><D:set><D:prop><Z:colour>"
        + value
        + "</Z:colour></D:prop></D:set></D:propertyupdate>";
  }

  @Test
  void depthOneShowsEachChildsDeadPropertiesUnderItsOwnHref() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestMember m = fixtures.member(fixtures.company(), "dav");
    String base = "/dav/files/" + m.loginId() + "/";
    assertThat(send(m, "MKCOL", base + "box/", null).statusCode()).isEqualTo(201);
    for (String name : new String[] {"red.txt", "blue.txt", "plain.txt"}) {
      assertThat(send(m, "PUT", base + "box/" + name, name).statusCode()).isEqualTo(201);
    }
    assertThat(send(m, "PROPPATCH", base + "box/red.txt", proppatch("赤")).statusCode())
        .isEqualTo(207);
    assertThat(send(m, "PROPPATCH", base + "box/blue.txt", proppatch("青")).statusCode())
        .isEqualTo(207);
    assertThat(send(m, "PROPPATCH", base + "box/", proppatch("箱")).statusCode()).isEqualTo(207);

    HttpResponse<String> found =
        send(
            m,
            "PROPFIND",
            base + "box/",
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\"><D:allprop/>"
                + "</D:propfind>",
            "Depth",
            "1");
    assertThat(found.statusCode()).isEqualTo(207);
    Matcher response =
        Pattern.compile("<D:response><D:href>([^<]*)</D:href>(.*?)</D:response>", Pattern.DOTALL)
            .matcher(found.body());
    java.util.Map<String, String> byHref = new java.util.HashMap<>();
    while (response.find()) {
      byHref.put(response.group(1).replaceAll(".*/box/", "box/"), response.group(2));
    }
    assertThat(byHref).containsOnlyKeys("box/", "box/red.txt", "box/blue.txt", "box/plain.txt");
    assertThat(byHref.get("box/")).contains("箱").doesNotContain("赤", "青");
    assertThat(byHref.get("box/red.txt")).contains("赤").doesNotContain("青", "箱");
    assertThat(byHref.get("box/blue.txt")).contains("青").doesNotContain("赤", "箱");
    assertThat(byHref.get("box/plain.txt")).doesNotContain("colour");
  }

  @Test
  void depthOneListsEveryChildOfAFolderLargerThanOnePage() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestMember m = fixtures.member(fixtures.company(), "many");
    String base = "/dav/files/" + m.loginId() + "/";
    assertThat(send(m, "MKCOL", base + "many/", null).statusCode()).isEqualTo(201);
    assertThat(send(m, "PUT", base + "many/zz-last.txt", "last").statusCode()).isEqualTo(201);
    // 10,050 sub-folders written straight into the store: making them one by one over WebDAV
    // would take minutes, and the listing reads them the same way.
    java.util.Map<String, Object> folder =
        jdbc.queryForMap(
            "SELECT id, tenant_id, drive_id FROM drive_node WHERE name = 'many' AND created_by = ?",
            m.id());
    java.sql.Timestamp now = java.sql.Timestamp.from(java.time.Instant.now());
    java.util.List<Object[]> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 10_050; i++) {
      String name = String.format("Sub%05d", i);
      rows.add(
          new Object[] {
            java.util.UUID.randomUUID(),
            folder.get("tenant_id"),
            folder.get("drive_id"),
            folder.get("id"),
            name,
            name.toLowerCase(java.util.Locale.ROOT),
            m.id(),
            now,
            now
          });
    }
    jdbc.batchUpdate(
        "INSERT INTO drive_node (id, tenant_id, drive_id, parent_id, kind, name, live_key,"
            + " created_by, created_at, updated_at) VALUES (?, ?, ?, ?, 'folder', ?, ?, ?, ?, ?)",
        rows);

    HttpResponse<String> found =
        send(
            m,
            "PROPFIND",
            base + "many/",
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\">"
                + "<D:prop><D:resourcetype/></D:prop></D:propfind>",
            "Depth",
            "1");
    assertThat(found.statusCode()).isEqualTo(207);
    Matcher href = Pattern.compile("<D:href>([^<]*)</D:href>").matcher(found.body());
    java.util.List<String> hrefs = new java.util.ArrayList<>();
    while (href.find()) {
      hrefs.add(href.group(1));
    }
    // The folder itself, every sub-folder once, and the file after them all.
    assertThat(hrefs).hasSize(10_052).doesNotHaveDuplicates();
    assertThat(hrefs.get(1)).endsWith("/many/Sub00000/");
    assertThat(hrefs.get(10_050)).endsWith("/many/Sub10049/");
    assertThat(hrefs.get(10_051)).endsWith("/many/zz-last.txt");
  }
}
