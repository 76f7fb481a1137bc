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
}
