package dev.musubi.drive.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.platform.MusubiProperties;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import dev.musubi.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** tus expiration: an upload left alone for a day is removed with its bytes. */
@MusubiIntegrationTest
class TusExpiryIntegrationTests {

  @LocalServerPort int port;
  @Autowired TestClock clock;
  @Autowired TusController tus;
  @Autowired MusubiProperties properties;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anUploadNobodyTouchesForADayIsRemovedWithItsBytes() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    ApiClient sato = fixtures.member(fixtures.company(), "sato").client();
    String root = sato.get("/api/v1/drive/drives").json().get(0).get("rootFolderId").asString();
    ApiClient.Response created =
        sato.header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", "10")
            .header("Upload-Metadata", "filename " + b64("途中.bin") + ",folder " + b64(root))
            .post("/api/v1/drive/uploads", null);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.header("Upload-Expires")).endsWith("GMT");
    String location = created.header("Location");
    String id = location.substring(location.lastIndexOf('/') + 1);
    Path part = properties.dataDir().resolve("drive-uploads").resolve(id + ".part");
    sato.header("Upload-Offset", "0");
    ApiClient.Response patched =
        sato.sendRaw("PATCH", location, "12345", "application/offset+octet-stream", sato.csrf());
    assertThat(patched.status()).as(patched.body()).isEqualTo(204);
    assertThat(Files.size(part)).isEqualTo(5);
    // A token outlives the day this test skips over; a browser session would not.
    String token =
        sato.post(
                "/api/v1/me/tokens",
                java.util.Map.of(
                    "name",
                    "tus",
                    "scopes",
                    java.util.List.of("read", "write"),
                    "expiresInDays",
                    30))
            .json()
            .get("token")
            .asString();
    ApiClient bearer = new ApiClient(port).bearer(token);

    // Twenty hours later it is still there; a day after the last bytes it is gone.
    clock.advance(Duration.ofHours(20));
    assertThat(tus.removeExpired()).isZero();
    assertThat(bearer.send("HEAD", location, null).status()).isEqualTo(200);
    clock.advance(Duration.ofHours(5));
    assertThat(bearer.send("HEAD", location, null).status()).isEqualTo(404);
    assertThat(tus.removeExpired()).isEqualTo(1);
    assertThat(part).doesNotExist();
    // A stray file no upload names is removed too once it is old enough.
    Path stray = part.resolveSibling("0190aaaa-0000-7000-8000-000000000000.part");
    Files.write(stray, new byte[] {1});
    clock.advance(Duration.ofHours(25));
    tus.removeExpired();
    assertThat(stray).doesNotExist();
  }
}
