package dev.musubi.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
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
class MemberPhotosIntegrationTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  Fixtures fixtures;
  Fixtures.TestCompany company;
  Fixtures.TestMember hana;
  Fixtures.TestMember ken;

  @BeforeEach
  void company() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    hana = fixtures.member(company, "hana");
    ken = fixtures.member(company, "ken");
  }

  @Test
  void aMemberSetsTheirPhotoAndColleaguesGetASquareJpeg() throws IOException {
    Bytes set = as(hana).put(photoPath(hana.id()), "image/png", picture(800, 600, 1, "png"));
    assertThat(set.status()).as(set.text()).isEqualTo(200);
    String version = set.json().get("member").get("photo").asString();
    assertThat(version).hasSize(64);

    Bytes got = as(ken).get(photoPath(hana.id()));
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.header("Content-Type")).isEqualTo("image/jpeg");
    assertThat(got.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(got.header("Cache-Control")).contains("private");
    assertThat(got.header("ETag")).isEqualTo("\"" + version + "\"");
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(got.body()));
    assertThat(image.getWidth()).isEqualTo(256);
    assertThat(image.getHeight()).isEqualTo(256);

    Bytes again = as(ken).get(photoPath(hana.id()), "If-None-Match", "\"" + version + "\"");
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();

    JsonNode list = ken.client().get("/api/v1/directory/members?q=hana").json().get("items").get(0);
    assertThat(list.get("photo").asString()).isEqualTo(version);
    assertThat(
            ken.client()
                .get("/api/v1/directory/members/" + ken.id())
                .json()
                .get("member")
                .has("photo"))
        .isFalse();
    assertThat(as(ken).get(photoPath(ken.id())).status()).isEqualTo(404);
    assertThat(references(hana.id())).isEqualTo(1);
    assertThat(
            jdbc.sql(
                    "SELECT COUNT(*) FROM audit_event WHERE tenant_id = ?"
                        + " AND action = 'DIRECTORY_PROFILE_UPDATED' AND target_id = ?")
                .params(company.id(), hana.id().toString())
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void aTenMegabytePhotoIsResizedAndReplacesTheOldOne() {
    byte[] first = picture(300, 300, 2, "png");
    String old =
        as(hana)
            .put(photoPath(hana.id()), "image/png", first)
            .json()
            .get("member")
            .get("photo")
            .asString();
    byte[] big = noise(1900, 1800);
    assertThat(big.length).isGreaterThan(10 * 1000 * 1000);

    Bytes set = as(hana).put(photoPath(hana.id()), "image/png", big);
    assertThat(set.status()).as(set.text()).isEqualTo(200);
    String now = set.json().get("member").get("photo").asString();
    assertThat(now).isNotEqualTo(old);
    Bytes got = as(ken).get(photoPath(hana.id()));
    assertThat(got.body().length).isLessThan(200_000);
    assertThat(references(hana.id())).isEqualTo(1);
    assertThat(
            jdbc.sql("SELECT COUNT(*) FROM blob_reference WHERE tenant_id = ? AND sha256 = ?")
                .params(company.id(), old)
                .query(Long.class)
                .single())
        .isZero();
  }

  @Test
  void badUploadsAreRefusedWithProblemsAndNothingIsStored() {
    long blobs = blobs();
    String svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
            + "<script>alert(1)</script></svg>";
    Bytes disguised = as(hana).put(photoPath(hana.id()), "image/png", utf8(svg));
    assertThat(disguised.status()).isEqualTo(422);
    assertThat(disguised.text()).contains("photo").contains("not_an_image");

    Bytes page =
        as(hana).put(photoPath(hana.id()), "image/jpeg", utf8("<html><body>hi</body></html>"));
    assertThat(page.status()).isEqualTo(422);
    assertThat(page.text()).contains("not_an_image");

    byte[] truncated = picture(400, 400, 3, "jpg");
    Bytes broken =
        as(hana).put(photoPath(hana.id()), "image/jpeg", java.util.Arrays.copyOf(truncated, 200));
    assertThat(broken.status()).isEqualTo(422);

    Bytes bomb = as(hana).put(photoPath(hana.id()), "image/png", pngClaiming(60_000, 60_000));
    assertThat(bomb.status()).isEqualTo(422);
    assertThat(bomb.text()).contains("too_many_pixels");

    Bytes empty = as(hana).put(photoPath(hana.id()), "image/png", new byte[0]);
    assertThat(empty.status()).isEqualTo(422);

    byte[] huge = new byte[MemberPhotos.MAX_UPLOAD_BYTES + 1];
    new Random(5).nextBytes(huge);
    Bytes streamed = as(hana).putStreamed(photoPath(hana.id()), huge);
    assertThat(streamed.status()).isEqualTo(413);
    assertThat(streamed.text()).contains("photo-too-large");

    assertThat(blobs()).isEqualTo(blobs);
    assertThat(references(hana.id())).isZero();
    assertThat(
            hana.client()
                .get("/api/v1/directory/members/" + hana.id())
                .json()
                .get("member")
                .has("photo"))
        .isFalse();
  }

  @Test
  void onlyTheMemberAndMemberAdminsChangeItAndOtherCompaniesGet404() {
    byte[] png = picture(200, 200, 4, "png");
    Bytes foreign = as(ken).put(photoPath(hana.id()), "image/png", png);
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(as(ken).delete(photoPath(hana.id())).status()).isEqualTo(403);

    Bytes byAdmin = as(company.admin()).put(photoPath(hana.id()), "image/png", png);
    assertThat(byAdmin.status()).as(byAdmin.text()).isEqualTo(200);

    Fixtures.TestCompany other = fixtures.company();
    Http stranger = as(other.admin());
    assertThat(stranger.get(photoPath(hana.id())).status()).isEqualTo(404);
    assertThat(stranger.put(photoPath(hana.id()), "image/png", png).status()).isEqualTo(404);
    assertThat(stranger.delete(photoPath(hana.id())).status()).isEqualTo(404);
    assertThat(stranger.get(photoPath(UUID.randomUUID())).status()).isEqualTo(404);
    assertThat(stranger.get("/api/v1/directory/members/nonsense/photo").status()).isEqualTo(404);

    assertThat(as(company.admin()).delete(photoPath(hana.id())).status()).isEqualTo(204);
    assertThat(as(ken).get(photoPath(hana.id())).status()).isEqualTo(404);
    assertThat(references(hana.id())).isZero();
  }

  @Test
  void deletingAMemberDropsThePhotoReference() {
    assertThat(as(hana).put(photoPath(hana.id()), "image/png", picture(120, 90, 5, "png")).status())
        .isEqualTo(200);
    assertThat(references(hana.id())).isEqualTo(1);

    ApiClient.Response deleted = company.admin().delete("/api/v1/admin/members/" + hana.id());
    assertThat(deleted.status()).as(deleted.body()).isIn(200, 204);
    assertThat(references(hana.id())).isZero();
    assertThat(as(ken).get(photoPath(hana.id())).status()).isEqualTo(404);
  }

  @Test
  void theMembersOwnDataExportHoldsTheirPhoto() throws IOException {
    Bytes set = as(hana).put(photoPath(hana.id()), "image/png", picture(500, 500, 6, "png"));
    assertThat(set.status()).as(set.text()).isEqualTo(200);
    byte[] served = as(ken).get(photoPath(hana.id())).body();

    ApiClient.Response started = hana.client().post("/api/v1/me/export", null);
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () ->
                hana.client()
                    .get("/api/v1/me/export")
                    .json()
                    .path("status")
                    .asString("")
                    .equals("ready"));
    Bytes zip = as(hana).get("/api/v1/me/export/download");
    assertThat(zip.status()).isEqualTo(200);
    byte[] photo = null;
    try (java.util.zip.ZipInputStream in =
        new java.util.zip.ZipInputStream(new ByteArrayInputStream(zip.body()))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.getName().equals("profile/photo.jpg")) {
          photo = in.readAllBytes();
        }
      }
    }
    assertThat(photo).isEqualTo(served);
  }

  // ------------------------------------------------------------------------------------------

  static String photoPath(UUID member) {
    return "/api/v1/directory/members/" + member + "/photo";
  }

  private long blobs() {
    return jdbc.sql("SELECT COUNT(*) FROM blob WHERE tenant_id = ?")
        .param(company.id())
        .query(Long.class)
        .single();
  }

  private long references(UUID member) {
    return jdbc.sql("SELECT COUNT(*) FROM blob_reference WHERE tenant_id = ? AND owner = ?")
        .params(company.id(), "identity.member-photo:" + member)
        .query(Long.class)
        .single();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Http as(Fixtures.TestMember m) {
    return as(m.client());
  }

  private Http as(ApiClient client) {
    ApiClient.Response t =
        client.post(
            "/api/v1/me/tokens",
            Map.of("name", "photos", "scopes", List.of("read", "write"), "expiresInDays", 30));
    assertThat(t.status()).as(t.body()).isEqualTo(201);
    return new Http("http://127.0.0.1:" + port, t.json().get("token").asString());
  }

  /** A picture: a colour field with a circle, so that every seed differs. */
  static byte[] picture(int width, int height, int seed, String format) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(seed * 37 % 256, 120, 200));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.ORANGE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    return encode(img, format);
  }

  /** A PNG of random pixels: it does not compress, so it is about 3 bytes a pixel. */
  static byte[] noise(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(7);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    return encode(img, "png");
  }

  private static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A tiny PNG whose header claims {@code width × height} pixels (a decompression bomb). */
  static byte[] pngClaiming(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0);
    ihdr.put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  record Bytes(int status, byte[] body, HttpResponse<byte[]> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse("");
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() {
      return JSON.readTree(body);
    }
  }

  /** Binary requests with a personal access token (no CSRF), over the JDK client. */
  record Http(String base, String token) {
    private static final HttpClient CLIENT =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Bytes get(String path, String... headers) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + path)).GET().header("Accept", "*/*");
      if (headers.length > 0) {
        b.headers(headers);
      }
      return send(b);
    }

    Bytes put(String path, String contentType, byte[] body) {
      return send(
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Content-Type", contentType)
              .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** Without a Content-Length (chunked), as a browser stream would send it. */
    Bytes putStreamed(String path, byte[] body) {
      return send(
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Content-Type", "image/png")
              .PUT(
                  HttpRequest.BodyPublishers.ofInputStream(
                      () -> (InputStream) new ByteArrayInputStream(body))));
    }

    Bytes delete(String path) {
      return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    private Bytes send(HttpRequest.Builder b) {
      try {
        HttpRequest request =
            b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build();
        if (request.headers().firstValue("Accept").isEmpty()) {
          request =
              HttpRequest.newBuilder(request, (n, v) -> true)
                  .header("Accept", "application/json")
                  .build();
        }
        HttpResponse<byte[]> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Bytes(r.statusCode(), r.body(), r);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
