package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A member's talk files over real HTTP with a personal access token: JSON calls through {@link
 * ApiClient}, binary uploads and downloads through the JDK client.
 */
final class TalkFiles {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  final ApiClient api;
  private final String token;
  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Bytes(int status, byte[] body, HttpResponse<byte[]> raw) {
    @Nullable String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    JsonNode json() {
      return JSON.readTree(body);
    }

    String problemType() {
      String type = json().path("type").asString("");
      return type.startsWith("urn:musubi:problem:") ? type.substring(19) : type;
    }
  }

  TalkFiles(int port, Fixtures.TestMember member) {
    ApiClient.Response t =
        member
            .client()
            .post(
                "/api/v1/me/tokens",
                Map.of(
                    "name", "talk-files", "scopes", List.of("read", "write"), "expiresInDays", 30));
    assertThat(t.status()).as(t.body()).isEqualTo(201);
    this.token = t.json().get("token").asString();
    this.api = new ApiClient(port).bearer(token);
    this.base = "http://127.0.0.1:" + port;
  }

  static String path(String roomId) {
    return "/api/v1/talk/rooms/" + roomId + "/attachments";
  }

  Bytes upload(String roomId, @Nullable String name, String contentType, byte[] content) {
    return send(
        HttpRequest.newBuilder(uri(roomId, name))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(content)));
  }

  /** Uploads without a Content-Length (chunked), as a browser stream would. */
  Bytes uploadChunked(String roomId, String name, byte[] content) {
    return send(
        HttpRequest.newBuilder(uri(roomId, name))
            .header("Content-Type", "application/octet-stream")
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> (InputStream) new ByteArrayInputStream(content))));
  }

  JsonNode uploaded(String roomId, String name, String contentType, byte[] content) {
    Bytes r = upload(roomId, name, contentType, content);
    assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    return r.json();
  }

  Bytes get(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b);
  }

  private URI uri(String roomId, @Nullable String name) {
    return URI.create(
        base
            + path(roomId)
            + (name == null
                ? ""
                : "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20")));
  }

  private Bytes send(HttpRequest.Builder b) {
    try {
      HttpResponse<byte[]> r =
          http.send(
              b.header("Authorization", "Bearer " + token)
                  .header("Accept", "application/json")
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return new Bytes(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A PNG of the given size: a colour gradient, so that every image differs. */
  static byte[] png(int width, int height, int seed) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(seed * 37 % 256, 120, 200));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.ORANGE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A tiny PNG whose header claims {@code width × height} pixels (a decompression bomb: the pixel
   * data would be enormous once inflated).
   */
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
}
