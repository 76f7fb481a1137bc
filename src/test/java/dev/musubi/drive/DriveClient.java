package dev.musubi.drive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A member's drive over real HTTP with a personal access token: JSON calls through {@link
 * ApiClient}, binary uploads and downloads through the JDK client.
 */
public final class DriveClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String BOUNDARY = "----musubiTestBoundary7";

  final ApiClient api;
  private final String token;
  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public record Bytes(int status, byte[] body, HttpResponse<byte[]> raw) {
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

  DriveClient(int port, Fixtures.TestMember member) {
    this(port, member.client());
  }

  public DriveClient(int port, ApiClient signedIn) {
    ApiClient.Response t =
        signedIn.post(
            "/api/v1/me/tokens",
            Map.of("name", "drive-test", "scopes", List.of("read", "write"), "expiresInDays", 30));
    assertThat(t.status()).as(t.body()).isEqualTo(201);
    this.token = t.json().get("token").asString();
    this.api = new ApiClient(port).bearer(token);
    this.base = "http://127.0.0.1:" + port;
  }

  String token() {
    return token;
  }

  JsonNode personal() {
    ApiClient.Response r = api.get("/api/v1/drive/drives");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    for (JsonNode d : r.json()) {
      if (d.get("kind").asString().equals("personal")) {
        return d;
      }
    }
    throw new AssertionError("no personal drive: " + r.body());
  }

  public String root() {
    return personal().get("rootFolderId").asString();
  }

  JsonNode folder(String name, String parent) {
    ApiClient.Response r =
        api.post("/api/v1/drive/folders/" + parent + "/folders", Map.of("name", name));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  static byte[] multipart(String filename, String contentType, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename.replace("\"", "%22")
                + "\"\r\nContent-Type: "
                + contentType
                + "\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    out.writeBytes(content);
    out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  Bytes upload(String folderId, String filename, byte[] content) {
    return send(
        "POST",
        "/api/v1/drive/folders/" + folderId + "/files",
        HttpRequest.BodyPublishers.ofByteArray(multipart(filename, "text/plain", content)),
        Map.of());
  }

  public JsonNode uploaded(String folderId, String filename, byte[] content) {
    Bytes r = upload(folderId, filename, content);
    assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    return r.json();
  }

  /** Uploads with chunked transfer encoding: the server learns the size only while reading. */
  Bytes uploadChunked(String folderId, String filename, Supplier<InputStream> content) {
    byte[] head =
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
    return send(
        "POST",
        "/api/v1/drive/folders/" + folderId + "/files",
        HttpRequest.BodyPublishers.ofInputStream(
            () ->
                new java.io.SequenceInputStream(
                    java.util.Collections.enumeration(
                        List.of(
                            new java.io.ByteArrayInputStream(head),
                            content.get(),
                            new java.io.ByteArrayInputStream(tail))))),
        Map.of());
  }

  Bytes uploadVersion(String fileId, byte[] content, @Nullable String ifMatch) {
    return send(
        "POST",
        "/api/v1/drive/files/" + fileId + "/versions",
        HttpRequest.BodyPublishers.ofByteArray(multipart("ignored", "text/plain", content)),
        ifMatch == null ? Map.of() : Map.of("If-Match", ifMatch));
  }

  public Bytes download(String fileId) {
    return download(fileId, Map.of());
  }

  Bytes download(String fileId, Map<String, String> headers) {
    return send("GET", "/api/v1/drive/files/" + fileId + "/content", null, headers);
  }

  Bytes get(String path, Map<String, String> headers) {
    return send("GET", path, null, headers);
  }

  Bytes send(
      String method,
      String path,
      HttpRequest.@Nullable BodyPublisher body,
      Map<String, String> headers) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(60))
              .header("Authorization", "Bearer " + token)
              .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
      if (body != null && !headers.containsKey("Content-Type")) {
        b.header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
      }
      headers.forEach(b::header);
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Bytes(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
