package dev.musubi.drive;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@MusubiIntegrationTest
class DriveLinksIntegrationTests {

  @LocalServerPort int port;
  @Autowired TestClock clock;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  DriveClient sato;
  String fileId;
  final HttpClient outsider = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    sato = new DriveClient(port, fixtures.member(company, "sato"));
    fileId =
        sato.uploaded(sato.root(), "提案書.txt", "提案の中身".getBytes(StandardCharsets.UTF_8))
            .get("id")
            .asString();
  }

  private HttpResponse<byte[]> fetch(String path, @Nullable String password) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(30));
      if (password != null) {
        b.header("X-Link-Password", password);
      }
      return outsider.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonNode link(Map<String, Object> body) {
    ApiClient.Response r = sato.api.post("/api/v1/drive/files/" + fileId + "/links", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  @Test
  void anOutsiderDownloadsWithThePasswordUntilTheLimit() {
    JsonNode l = link(Map.of("password", "himitsu-no-aikotoba", "maxDownloads", 2));
    String token = l.get("token").asString();
    assertThat(sato.api.get("/api/v1/drive/files/" + fileId + "/links").body())
        .doesNotContain(token);
    HttpResponse<byte[]> info = fetch("/s/" + token, null);
    assertThat(info.statusCode()).isEqualTo(200);
    assertThat(new String(info.body(), StandardCharsets.UTF_8)).contains("passwordRequired\":true");
    assertThat(fetch("/s/" + token + "/content", null).statusCode()).isEqualTo(401);
    assertThat(fetch("/s/" + token + "/content", "wrong-password").statusCode()).isEqualTo(401);
    HttpResponse<byte[]> ok = fetch("/s/" + token + "/content", "himitsu-no-aikotoba");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(new String(ok.body(), StandardCharsets.UTF_8)).isEqualTo("提案の中身");
    assertThat(ok.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment");
    assertThat(ok.headers().firstValue("X-Content-Type-Options").orElse("")).isEqualTo("nosniff");
    assertThat(fetch("/s/" + token + "/content", "himitsu-no-aikotoba").statusCode())
        .isEqualTo(200);
    assertThat(fetch("/s/" + token + "/content", "himitsu-no-aikotoba").statusCode())
        .isEqualTo(410);
    ApiClient.Response audit = company.admin().get("/api/v1/admin/audit?targetId=" + fileId);
    assertThat(audit.body())
        .contains("\"actionCode\":4020")
        .contains("\"actionCode\":4021")
        .contains("\"actionCode\":4023");
    assertThat(audit.body()).doesNotContain("himitsu").doesNotContain(token);
  }

  @Test
  void guessingALinkPasswordIsStoppedAfterTenWrongTries() {
    String token = link(Map.of("password", "himitsu-no-aikotoba")).get("token").asString();
    String other = link(Map.of("password", "betsu-no-aikotoba")).get("token").asString();
    try {
      for (int i = 0; i < 10; i++) {
        assertThat(fetch("/s/" + token + "/content", "guess-" + i).statusCode()).isEqualTo(401);
      }
      // Now even the right password is refused for a while, with a clear problem.
      HttpResponse<byte[]> blocked = fetch("/s/" + token + "/content", "himitsu-no-aikotoba");
      assertThat(blocked.statusCode()).isEqualTo(429);
      assertThat(new String(blocked.body(), StandardCharsets.UTF_8)).contains("rate-limited");
      assertThat(Long.parseLong(blocked.headers().firstValue("Retry-After").orElseThrow()))
          .isBetween(1L, 900L);
      // Another link is not affected.
      assertThat(fetch("/s/" + other + "/content", "betsu-no-aikotoba").statusCode())
          .isEqualTo(200);
      // After the window the right password works again; nothing was downloaded meanwhile.
      clock.advance(Duration.ofMinutes(16));
      HttpResponse<byte[]> ok = fetch("/s/" + token + "/content", "himitsu-no-aikotoba");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(sato.api.get("/api/v1/drive/files/" + fileId + "/links").body())
          .contains("\"downloads\":1");
    } finally {
      clock.reset();
    }
  }

  @Test
  void linksExpireAndCanBeRevoked() {
    String expiring = link(Map.of("expiresInDays", 1)).get("token").asString();
    JsonNode revocable = link(Map.of());
    try {
      clock.advance(Duration.ofDays(2));
      assertThat(fetch("/s/" + expiring + "/content", null).statusCode()).isEqualTo(410);
    } finally {
      clock.reset();
    }
    String token = revocable.get("token").asString();
    assertThat(fetch("/s/" + token + "/content", null).statusCode()).isEqualTo(200);
    assertThat(sato.api.delete("/api/v1/drive/links/" + revocable.get("id").asString()).status())
        .isEqualTo(204);
    assertThat(fetch("/s/" + token + "/content", null).statusCode()).isEqualTo(404);
    assertThat(fetch("/s/not-a-real-token-at-all-xxxxxxxx/content", null).statusCode())
        .isEqualTo(404);
    // Trashing the file takes its links down with it.
    String again = link(Map.of()).get("token").asString();
    sato.api.delete("/api/v1/drive/items/" + fileId);
    assertThat(fetch("/s/" + again + "/content", null).statusCode()).isEqualTo(404);
  }

  @Test
  void companyPolicyCanForbidOutsideLinksAndExtensions() {
    String token = link(Map.of()).get("token").asString();
    ApiClient.Response p =
        company.admin().put("/api/v1/admin/drive-policy", Map.of("outsideLinks", false));
    assertThat(p.status()).as(p.body()).isEqualTo(200);
    ApiClient.Response refused =
        sato.api.post("/api/v1/drive/files/" + fileId + "/links", Map.of());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.problemType()).isEqualTo("outside-links-forbidden");
    assertThat(fetch("/s/" + token + "/content", null).statusCode()).isEqualTo(403);
    company
        .admin()
        .put(
            "/api/v1/admin/drive-policy",
            Map.of("outsideLinks", true, "blockedExtensions", java.util.List.of("txt")));
    ApiClient.Response ext = sato.api.post("/api/v1/drive/files/" + fileId + "/links", Map.of());
    assertThat(ext.status()).isEqualTo(403);
    assertThat(ext.problemType()).isEqualTo("extension-blocked");
    // A plain member cannot change the policy.
    assertThat(sato.api.put("/api/v1/admin/drive-policy", Map.of("outsideLinks", true)).status())
        .isEqualTo(403);
  }

  @Test
  void badLinkSettingsAreRefusedAndOthersCannotTouchLinks() {
    ApiClient.Response bad =
        sato.api.post(
            "/api/v1/drive/files/" + fileId + "/links",
            Map.of("expiresInDays", 0, "password", "short", "maxDownloads", -1));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().get("errors")).hasSize(3);
    JsonNode l = link(Map.of());
    DriveClient stranger = new DriveClient(port, fixtures.company().admin());
    assertThat(stranger.api.post("/api/v1/drive/files/" + fileId + "/links", Map.of()).status())
        .isEqualTo(404);
    assertThat(stranger.api.get("/api/v1/drive/files/" + fileId + "/links").status())
        .isEqualTo(404);
    assertThat(stranger.api.delete("/api/v1/drive/links/" + l.get("id").asString()).status())
        .isEqualTo(404);
    assertThat(fetch("/s/" + l.get("token").asString() + "/content", null).statusCode())
        .isEqualTo(200);
  }

  private HttpResponse<String> davGet(Fixtures.TestMember m, String name) throws Exception {
    String basic =
        java.util.Base64.getEncoder()
            .encodeToString((m.loginId() + ":" + Fixtures.PASSWORD).getBytes(UTF_8));
    return outsider.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/dav/files/" + m.loginId() + "/" + name))
            .header("Authorization", "Basic " + basic)
            .build(),
        HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  @Test
  void companyPolicyCanRestrictMemberDownloadsByNetworkAndRole() throws Exception {
    Fixtures.TestMember suzuki = fixtures.member(company, "suzuki");
    DriveClient plain = new DriveClient(port, suzuki);
    String own =
        plain.uploaded(plain.root(), "memo.txt", "メモ".getBytes(UTF_8)).get("id").asString();
    String version =
        plain
            .api
            .get("/api/v1/drive/files/" + own + "/versions")
            .json()
            .get(0)
            .get("id")
            .asString();
    DriveClient admin = new DriveClient(port, company.admin());
    String adminFile =
        admin.uploaded(admin.root(), "a.txt", "a".getBytes(UTF_8)).get("id").asString();
    String token = link(Map.of()).get("token").asString();

    // Only from the managed networks: this request comes from 127.0.0.1, outside 10.0.0.0/8.
    ApiClient.Response set =
        company
            .admin()
            .put(
                "/api/v1/admin/drive-policy",
                Map.of("downloadNetworks", List.of("10.0.0.0/8", " fd00::/8 ")));
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(set.json().get("downloadNetworks").toString())
        .isEqualTo("[\"10.0.0.0/8\",\"fd00::/8\"]");
    DriveClient.Bytes refused = plain.download(own);
    assertThat(refused.status()).isEqualTo(403);
    String problem = new String(refused.body(), UTF_8);
    assertThat(problem)
        .contains("urn:musubi:problem:download-not-allowed")
        .contains("managed networks");
    assertThat(
            plain
                .get("/api/v1/drive/files/" + own + "/content?version=" + version, Map.of())
                .status())
        .isEqualTo(403);
    assertThat(plain.api.get("/api/v1/drive/files/" + own + "/preview").status()).isEqualTo(200);
    JsonNode quota = plain.api.get("/api/v1/drive/quota").json();
    assertThat(quota.get("download").asBoolean()).isFalse();
    assertThat(quota.get("downloadRefusal").asString()).isEqualTo("network");
    HttpResponse<String> dav = davGet(suzuki, "memo.txt");
    assertThat(dav.statusCode()).isEqualTo(403);
    assertThat(dav.body()).contains("download-not-allowed");
    // Outside links keep their own rules.
    assertThat(fetch("/s/" + token + "/content", null).statusCode()).isEqualTo(200);

    // 127.0.0.0/8 is managed; now only members without an admin role are refused.
    set =
        company
            .admin()
            .put(
                "/api/v1/admin/drive-policy",
                Map.of(
                    "downloadNetworks",
                    List.of("127.0.0.0/8"),
                    "downloadDeniedRoles",
                    List.of("member")));
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(admin.download(adminFile).status()).isEqualTo(200);
    DriveClient.Bytes byRole = plain.download(own);
    assertThat(byRole.status()).isEqualTo(403);
    assertThat(new String(byRole.body(), UTF_8)).contains("download-not-allowed").contains("role");
    assertThat(plain.api.get("/api/v1/drive/quota").json().get("downloadRefusal").asString())
        .isEqualTo("role");
    assertThat(admin.api.get("/api/v1/drive/quota").json().get("download").asBoolean()).isTrue();
    ApiClient.Response audit =
        company.admin().get("/api/v1/admin/audit?action=DRIVE_DOWNLOAD_REFUSED");
    assertThat(audit.json().get("items")).hasSize(4);
    assertThat(audit.body())
        .contains("\"actionCode\":4006")
        .contains("network")
        .contains("role")
        .contains(suzuki.loginId());
    assertThat(company.admin().get("/api/v1/admin/audit?action=DRIVE_POLICY_CHANGED").body())
        .contains("downloadDeniedRoles=[member]");

    // Custom roles count as keys; bad entries are refused with the field named.
    String role =
        company
            .admin()
            .post(
                "/api/v1/admin/roles", Map.of("name", "閲覧", "permissions", List.of("members.read")))
            .json()
            .get("code")
            .asString();
    assertThat(
            company
                .admin()
                .put(
                    "/api/v1/admin/drive-policy",
                    Map.of("downloadDeniedRoles", List.of(role, "auditor")))
                .status())
        .isEqualTo(200);
    assertThat(plain.download(own).status()).isEqualTo(200);
    List<String> many =
        java.util.stream.IntStream.range(0, 101).mapToObj(i -> "10.0.0." + i).toList();
    for (Map<String, Object> bad :
        List.<Map<String, Object>>of(
            Map.of("downloadNetworks", List.of("10.0.0.0/33")),
            Map.of("downloadNetworks", List.of("intranet.example.jp")),
            Map.of("downloadNetworks", many),
            Map.of("downloadDeniedRoles", List.of("custom:" + java.util.UUID.randomUUID())))) {
      ApiClient.Response r = company.admin().put("/api/v1/admin/drive-policy", bad);
      assertThat(r.status()).as(r.body()).isEqualTo(422);
      assertThat(r.json().get("errors").findValuesAsString("field"))
          .containsExactly(bad.keySet().iterator().next());
    }
    // Another company's admin changes only their own company; a plain member nothing.
    Fixtures.TestCompany other = fixtures.company();
    assertThat(
            other
                .admin()
                .put("/api/v1/admin/drive-policy", Map.of("downloadDeniedRoles", List.of("member")))
                .status())
        .isEqualTo(200);
    assertThat(
            company
                .admin()
                .put("/api/v1/admin/drive-policy", Map.of("downloadDeniedRoles", List.of(role)))
                .status())
        .isEqualTo(200);
    assertThat(
            other
                .admin()
                .put("/api/v1/admin/drive-policy", Map.of("downloadDeniedRoles", List.of(role)))
                .status())
        .isEqualTo(422);
    assertThat(
            suzuki
                .client()
                .put("/api/v1/admin/drive-policy", Map.of("downloadDeniedRoles", List.of()))
                .status())
        .isEqualTo(403);
    assertThat(plain.download(own).status()).isEqualTo(200);
    // Without a recent sign-in the policy does not change.
    try {
      clock.advance(Duration.ofMinutes(16));
      ApiClient.Response stale =
          company
              .admin()
              .put("/api/v1/admin/drive-policy", Map.of("downloadNetworks", List.of("10.0.0.0/8")));
      assertThat(stale.problemType()).isEqualTo("reauthentication-required");
    } finally {
      clock.reset();
    }
    assertThat(plain.download(own).status()).isEqualTo(200);
  }
}
