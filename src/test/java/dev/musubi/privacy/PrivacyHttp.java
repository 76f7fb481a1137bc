package dev.musubi.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import tools.jackson.databind.JsonNode;

/**
 * A bearer-token client for privacy tests: tokens keep working while the test clock moves weeks
 * ahead (sessions would time out), and downloads are read as bytes.
 */
final class PrivacyHttp {

  final ApiClient api;
  private final String token;
  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  PrivacyHttp(int port, ApiClient signedIn) {
    ApiClient.Response t =
        signedIn.post(
            "/api/v1/me/tokens",
            Map.of(
                "name", "privacy-test", "scopes", List.of("read", "write"), "expiresInDays", 365));
    assertThat(t.status()).as(t.body()).isEqualTo(201);
    this.token = t.json().get("token").asString();
    this.api = new ApiClient(port).bearer(token);
    this.base = "http://127.0.0.1:" + port;
  }

  record Bytes(int status, byte[] body, HttpResponse<byte[]> raw) {}

  Bytes get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  Bytes upload(String folderId, String filename, byte[] content) {
    return send(
        HttpRequest.newBuilder(URI.create(base + "/api/v1/drive/folders/" + folderId + "/files"))
            .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(filename, content))));
  }

  Bytes uploadVersion(String fileId, byte[] content) {
    return send(
        HttpRequest.newBuilder(URI.create(base + "/api/v1/drive/files/" + fileId + "/versions"))
            .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .POST(HttpRequest.BodyPublishers.ofByteArray(multipart("v", content))));
  }

  private Bytes send(HttpRequest.Builder b) {
    try {
      HttpResponse<byte[]> r =
          http.send(
              b.timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return new Bytes(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String personalRoot() {
    ApiClient.Response r = api.get("/api/v1/drive/drives");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    for (JsonNode d : r.json()) {
      if (d.get("kind").asString().equals("personal")) {
        return d.get("rootFolderId").asString();
      }
    }
    throw new AssertionError("no personal drive: " + r.body());
  }

  String uploaded(String folderId, String filename, byte[] content) {
    Bytes r = upload(folderId, filename, content);
    assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    return tools.jackson.databind.json.JsonMapper.builder()
        .build()
        .readTree(r.body())
        .get("id")
        .asString();
  }

  private static final String BOUNDARY = "----musubiPrivacyBoundary";

  private static byte[] multipart(String filename, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\nContent-Type: text/plain\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    out.writeBytes(content);
    out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** The entries of a zip archive, name to bytes. */
  static Map<String, byte[]> unzip(byte[] zip) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }
}
