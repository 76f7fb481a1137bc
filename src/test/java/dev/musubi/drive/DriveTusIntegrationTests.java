package dev.musubi.drive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Resumable uploads (tus 1.0): create, append in pieces, resume from HEAD, finish. */
@MusubiIntegrationTest
class DriveTusIntegrationTests {

  @LocalServerPort int port;
  Fixtures fixtures;
  Fixtures.TestCompany company;
  DriveClient sato;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
    company = fixtures.company();
    sato = new DriveClient(port, fixtures.member(company, "sato"));
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private DriveClient.Bytes create(DriveClient c, String folder, String name, long length) {
    return c.send(
        "POST",
        "/api/v1/drive/uploads",
        null,
        Map.of(
            "Tus-Resumable",
            "1.0.0",
            "Upload-Length",
            Long.toString(length),
            "Upload-Metadata",
            "filename " + b64(name) + ",folder " + b64(folder)));
  }

  private DriveClient.Bytes patch(DriveClient c, String location, long offset, byte[] bytes) {
    return c.send(
        "PATCH",
        location,
        HttpRequest.BodyPublishers.ofByteArray(bytes),
        Map.of(
            "Tus-Resumable", "1.0.0",
            "Upload-Offset", Long.toString(offset),
            "Content-Type", "application/offset+octet-stream"));
  }

  @Test
  void anUploadResumesFromTheOffsetAndEndsAsADriveFile() {
    String root = sato.root();
    byte[] content = new byte[700_000];
    new Random(7).nextBytes(content);
    DriveClient.Bytes created = create(sato, root, "大きな資料.bin", content.length);
    assertThat(created.status()).isEqualTo(201);
    String location = created.header("Location");
    assertThat(location).startsWith("/api/v1/drive/uploads/");

    DriveClient.Bytes first = patch(sato, location, 0, Arrays.copyOfRange(content, 0, 300_000));
    assertThat(first.status()).isEqualTo(204);
    assertThat(first.header("Upload-Offset")).isEqualTo("300000");
    // A client that lost track asks where to resume.
    DriveClient.Bytes head = sato.send("HEAD", location, null, Map.of("Tus-Resumable", "1.0.0"));
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Upload-Offset")).isEqualTo("300000");
    assertThat(head.header("Upload-Length")).isEqualTo("700000");
    // A wrong offset is refused and changes nothing.
    DriveClient.Bytes wrong = patch(sato, location, 100, new byte[] {1, 2, 3});
    assertThat(wrong.status()).isEqualTo(409);
    assertThat(wrong.header("Upload-Offset")).isEqualTo("300000");
    // Still nothing in the folder until the last byte.
    assertThat(sato.api.get("/api/v1/drive/folders/" + root).json().get("total").asLong()).isZero();

    DriveClient.Bytes last =
        patch(sato, location, 300_000, Arrays.copyOfRange(content, 300_000, content.length));
    assertThat(last.status()).isEqualTo(204);
    assertThat(last.header("Upload-Offset")).isEqualTo("700000");
    String fileId = last.header("Drive-File-Id");
    assertThat(sato.download(fileId, Map.of()).body()).isEqualTo(content);
    assertThat(sato.send("HEAD", location, null, Map.of()).status()).isEqualTo(404);
  }

  @Test
  void uploadsOverTheQuotaOrWithBadNamesAreRefusedAtCreation() {
    String root = sato.root();
    company.admin().put("/api/v1/admin/drive-policy", Map.of("memberQuotaBytes", 1000));
    DriveClient.Bytes big = create(sato, root, "big.bin", 5000);
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.problemType()).isEqualTo("quota-exceeded");
    DriveClient.Bytes bad = create(sato, root, "../x", 10);
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().get("errors").get(0).get("field").asString()).isEqualTo("filename");
  }

  @Test
  void anotherMembersUploadIsNotFound() {
    DriveClient.Bytes created = create(sato, sato.root(), "a.bin", 10);
    String location = created.header("Location");
    DriveClient other = new DriveClient(port, fixtures.member(company, "suzuki"));
    assertThat(other.send("HEAD", location, null, Map.of()).status()).isEqualTo(404);
    assertThat(patch(other, location, 0, new byte[] {1}).status()).isEqualTo(404);
    assertThat(other.send("DELETE", location, null, Map.of()).status()).isEqualTo(404);
    assertThat(create(other, sato.root(), "b.bin", 10).status()).isEqualTo(404);
    assertThat(sato.send("HEAD", location, null, Map.of()).header("Upload-Offset")).isEqualTo("0");
  }

  @Test
  void aSecondPatchWhileTheFirstIsStillAppendingIsLockedAndAppendsNothing() throws Exception {
    byte[] content = new byte[1000];
    new Random(11).nextBytes(content);
    String location = create(sato, sato.root(), "再開.bin", content.length).header("Location");
    // A PATCH whose body stops half-way, as when a network drops and the server has not yet
    // noticed: the first 100 bytes arrive, the rest never does while the socket stays open.
    try (java.net.Socket held = new java.net.Socket("127.0.0.1", port)) {
      java.io.OutputStream out = held.getOutputStream();
      out.write(
          ("PATCH "
                  + location
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + sato.token()
                  + "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                  + "Content-Type: application/offset+octet-stream\r\nContent-Length: 1000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(content, 0, 100);
      out.flush();
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(20))
          .until(
              () ->
                  "100"
                      .equals(sato.send("HEAD", location, null, Map.of()).header("Upload-Offset")));

      DriveClient.Bytes second =
          patch(sato, location, 100, Arrays.copyOfRange(content, 100, content.length));
      assertThat(second.status()).isEqualTo(423);
      assertThat(second.problemType()).isEqualTo("upload-busy");
      assertThat(sato.send("HEAD", location, null, Map.of()).header("Upload-Offset"))
          .isEqualTo("100");
    }
    // The dropped request ends with what it kept; the client resumes from there, once.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .until(
            () ->
                patch(sato, location, 100, Arrays.copyOfRange(content, 100, content.length))
                        .status()
                    == 204);
    String root = sato.root();
    var items = sato.api.get("/api/v1/drive/folders/" + root).json().get("items");
    assertThat(items).hasSize(1);
    assertThat(sato.download(items.get(0).get("id").asString(), Map.of()).body())
        .isEqualTo(content);
  }
}
