package dev.musubi.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Processing integrity under crashes: Musubi runs as a separate process while members send messages
 * (each with an idempotency key), upload files and a mail server delivers mail over SMTP, all at
 * once; it is killed with SIGKILL at random moments and restarted, and every acknowledged message,
 * file and mail must be there exactly once (messages in a gap-free sequence), every stored file
 * whole; and a graceful stop (SIGTERM) finishes the request in flight.
 */
class CrashSafetyIntegrationTests {

  private static final String PASSWORD = "Kumo-no-ue-42!";
  private static final int KILLS = 2;

  private Process server;
  private final Path dataDir;
  private final int port;
  private final Path log;
  private final int smtpPort;

  CrashSafetyIntegrationTests() throws IOException {
    dataDir = Files.createTempDirectory("musubi-crash");
    log = dataDir.resolve("server.log");
    port = freePort();
    smtpPort = freePort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.destroyForcibly();
    }
  }

  private void start(Map<String, String> env) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    // Started five times per run and busy only briefly: the quick (C1) compiler alone halves the
    // CPU a start takes on this small machine; what is tested does not depend on the JIT.
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.musubi.MusubiApplication");
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    server = pb.start();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    ApiClient probe = new ApiClient(port);
    while (Instant.now().isBefore(deadline)) {
      assertThat(server.isAlive()).as("server exited; see %s", log).isTrue();
      try {
        if (probe.get("/actuator/health/readiness").status() == 200) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Musubi did not become ready; see " + log);
  }

  private Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("MUSUBI_DATA_DIR", dataDir.toString());
    env.put("SERVER_PORT", Integer.toString(port));
    env.put("SERVER_ADDRESS", "127.0.0.1");
    env.put("MUSUBI_BOOTSTRAP_DOMAIN", "crash.example.jp");
    env.put("MUSUBI_BOOTSTRAP_ADMIN", "kanri");
    env.put("MUSUBI_BOOTSTRAP_PASSWORD", PASSWORD);
    env.put("MUSUBI_OPERATOR_PASSWORD", "operator-test-Password-1");
    // Many sends from one member in a few seconds: the rate limit is not what this drill tests.
    env.put("MUSUBI_RATE_LIMIT_MEMBER_PER_MINUTE", "0");
    // As in the rest of the suite: hashing at production cost on the C1 compiler takes most of a
    // second per sign-in, and the drill is not about password hashing.
    env.put("MUSUBI_IDENTITY_PASSWORD_HASHING_MEMORY_KIB", "1024");
    env.put("MUSUBI_IDENTITY_PASSWORD_HASHING_ITERATIONS", "1");
    env.put("LOGGING_LEVEL_ROOT", "warn");
    env.put("MUSUBI_SMTP_PORT", Integer.toString(smtpPort));
    env.put("MUSUBI_SMTP_ADDRESS", "127.0.0.1");
    try {
      env.put("MUSUBI_SUBMISSION_PORT", Integer.toString(freePort()));
      env.put("MUSUBI_IMAP_PORT", Integer.toString(freePort()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    if ("postgres".equals(TestDatabase.kind())) {
      String schema = "crash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      env.put("MUSUBI_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema);
      env.put("MUSUBI_DB_USER", "postgres");
      env.put("SPRING_FLYWAY_SCHEMAS", schema);
      env.put("SPRING_FLYWAY_CREATE_SCHEMAS", "true");
    }
    return env;
  }

  /** A file's content, made from its name so that any stored copy can be checked. */
  private static byte[] fileContent(String name) {
    byte[] content = new byte[48 * 1024 + Math.floorMod(name.hashCode(), 4096)];
    new Random(name.hashCode()).nextBytes(content);
    return content;
  }

  /** Uploads one file; true when Musubi acknowledged it (201). */
  private boolean upload(java.net.http.HttpClient http, String token, String folder, String name)
      throws IOException, InterruptedException {
    String boundary = "----musubi-crash";
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    body.writeBytes(fileContent(name));
    body.writeBytes(
        ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    java.net.http.HttpResponse<String> r =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        "http://127.0.0.1:" + port + "/api/v1/drive/folders/" + folder + "/files"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofSeconds(60))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 201;
  }

  /** Delivers one mail over SMTP; true when the server answered 250 to its data. */
  private boolean deliver(String subject) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", smtpPort)) {
      socket.setSoTimeout(60_000);
      var in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
      var out = socket.getOutputStream();
      if (!reply(in).startsWith("220")) {
        return false;
      }
      for (String command :
          List.of(
              "EHLO partner.example",
              "MAIL FROM:<sender@partner.example>",
              "RCPT TO:<kanri@crash.example.jp>",
              "DATA")) {
        out.write((command + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer = reply(in);
        if (!answer.startsWith(command.equals("DATA") ? "354" : "250")) {
          return false;
        }
      }
      out.write(
          ("From: <sender@partner.example>\r\nTo: <kanri@crash.example.jp>\r\nSubject: "
                  + subject
                  + "\r\nMessage-ID: <"
                  + subject
                  + "@partner.example>\r\n\r\ncrash drill\r\n.\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return reply(in).startsWith("250");
    }
  }

  /** The last line of an SMTP reply (multi-line replies continue with {@code 250-}). */
  private static String reply(java.io.BufferedReader in) throws IOException {
    String line = in.readLine();
    while (line != null && line.length() > 3 && line.charAt(3) == '-') {
      line = in.readLine();
    }
    return line == null ? "" : line;
  }

  @Test
  void acknowledgedMessagesFilesAndMailSurviveKillNineExactlyOnce() throws Exception {
    Map<String, String> env = environment();
    start(env);
    ApiClient admin = new ApiClient(port);
    assertThat(admin.login("kanri@crash.example.jp", PASSWORD).status()).isEqualTo(200);
    ApiClient.Response room =
        admin.post("/api/v1/rooms", Map.of("type", "group", "name", "障害訓練", "members", List.of()));
    assertThat(room.status()).as(room.body()).isEqualTo(201);
    String roomId = room.json().get("id").asString();
    ApiClient.Response created =
        admin.post(
            "/api/v1/me/tokens", Map.of("name", "crash", "scopes", List.of("read", "write")));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String token = created.json().get("token").asString();
    String folder = admin.get("/api/v1/drive/drives").json().get(0).get("rootFolderId").asString();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Set<String> acknowledgedFiles = ConcurrentHashMap.newKeySet();
    Set<String> acknowledgedMail = ConcurrentHashMap.newKeySet();
    Random random = new Random(42);
    for (int round = 0; round < KILLS; round++) {
      AtomicBoolean running = new AtomicBoolean(true);
      List<ApiClient> clients = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        ApiClient client = new ApiClient(port);
        assertThat(client.login("kanri@crash.example.jp", PASSWORD).status()).isEqualTo(200);
        clients.add(client);
      }
      List<Thread> senders = new ArrayList<>();
      for (ApiClient client : clients) {
        senders.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      while (running.get()) {
                        String key = UUID.randomUUID().toString();
                        try {
                          ApiClient.Response r =
                              client.post(
                                  "/api/v1/rooms/" + roomId + "/messages",
                                  Map.of("text", key, "idempotencyKey", key));
                          if (r.status() == 201) {
                            acknowledged.add(key);
                          }
                        } catch (RuntimeException connectionLost) {
                          return;
                        }
                      }
                    }));
      }
      senders.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (running.get()) {
                      String name = "f-" + UUID.randomUUID() + ".bin";
                      try {
                        if (upload(http, token, folder, name)) {
                          acknowledgedFiles.add(name);
                        }
                      } catch (IOException | InterruptedException | RuntimeException lost) {
                        return;
                      }
                    }
                  }));
      senders.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (running.get()) {
                      String subject = "crash-" + UUID.randomUUID();
                      try {
                        if (deliver(subject)) {
                          acknowledgedMail.add(subject);
                        }
                      } catch (IOException | RuntimeException lost) {
                        return;
                      }
                    }
                  }));
      // Let some of each through, then kill at a random moment.
      Instant wait = Instant.now().plusSeconds(60);
      while ((acknowledged.size() < 5 * (round + 1)
              || acknowledgedFiles.size() < round + 1
              || acknowledgedMail.size() < round + 1)
          && Instant.now().isBefore(wait)) {
        Thread.sleep(50);
      }
      Thread.sleep(200 + random.nextInt(1500));
      server.destroyForcibly().waitFor();
      running.set(false);
      for (Thread s : senders) {
        s.join(Duration.ofSeconds(30));
      }
      start(env);
    }
    assertThat(acknowledged).isNotEmpty();

    ApiClient reader = new ApiClient(port);
    assertThat(reader.login("kanri@crash.example.jp", PASSWORD).status()).isEqualTo(200);
    Map<String, Integer> seen = new HashMap<>();
    List<Long> seqs = new ArrayList<>();
    long after = 0;
    while (true) {
      ApiClient.Response page =
          reader.get("/api/v1/rooms/" + roomId + "/messages?after=" + after + "&limit=100");
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      JsonNode items = page.json().isArray() ? page.json() : page.json().get("items");
      if (items.isEmpty()) {
        break;
      }
      for (JsonNode m : items) {
        seen.merge(m.get("text").asString(), 1, Integer::sum);
        seqs.add(m.get("seq").asLong());
        after = Math.max(after, m.get("seq").asLong());
      }
    }
    System.out.printf(
        "crash drill: %d kills, %d acknowledged, %d stored; files %d acknowledged; mail %d"
            + " acknowledged%n",
        KILLS, acknowledged.size(), seqs.size(), acknowledgedFiles.size(), acknowledgedMail.size());
    for (String key : acknowledged) {
      assertThat(seen.get(key))
          .as("acknowledged message %s (stored: %s)", key, seen.keySet())
          .isEqualTo(1);
    }
    assertThat(seen.values()).allMatch(n -> n == 1);
    for (int i = 0; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).isEqualTo(seqs.get(0) + i);
    }

    // Files: every acknowledged one is there once, and every stored one is whole (no partial or
    // missing blob behind a listed file).
    assertThat(acknowledgedFiles).isNotEmpty();
    ApiClient tokenClient = new ApiClient(port).bearer(token);
    Map<String, Integer> files = new HashMap<>();
    List<JsonNode> listed = new ArrayList<>();
    for (int page = 0; ; page++) {
      JsonNode items =
          tokenClient
              .get("/api/v1/drive/folders/" + folder + "?size=200&page=" + page)
              .json()
              .get("items");
      if (items.isEmpty()) {
        break;
      }
      items.forEach(listed::add);
    }
    for (JsonNode item : listed) {
      String name = item.get("name").asString();
      files.merge(name, 1, Integer::sum);
      java.net.http.HttpResponse<byte[]> content =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(
                          "http://127.0.0.1:"
                              + port
                              + "/api/v1/drive/files/"
                              + item.get("id").asString()
                              + "/content"))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertThat(content.statusCode()).as(name).isEqualTo(200);
      assertThat(content.body()).as(name).isEqualTo(fileContent(name));
    }
    for (String name : acknowledgedFiles) {
      assertThat(files.get(name)).as("acknowledged file %s", name).isEqualTo(1);
    }

    // Mail: every message the server accepted with 250 is in the inbox once.
    assertThat(acknowledgedMail).isNotEmpty();
    String inbox = null;
    for (JsonNode f : reader.get("/api/v1/mail/folders").json()) {
      if ("inbox".equals(f.path("role").asString(""))) {
        inbox = f.get("id").asString();
      }
    }
    assertThat(inbox).isNotNull();
    Map<String, Integer> mails = new HashMap<>();
    for (int page = 0; ; page++) {
      JsonNode items =
          reader
              .get("/api/v1/mail/folders/" + inbox + "/messages?size=200&page=" + page)
              .json()
              .get("items");
      if (items.isEmpty()) {
        break;
      }
      for (JsonNode m : items) {
        mails.merge(m.get("subject").asString(), 1, Integer::sum);
      }
    }
    for (String subject : acknowledgedMail) {
      assertThat(mails.get(subject)).as("acknowledged mail %s", subject).isEqualTo(1);
    }
  }

  /**
   * SIGTERM while a file is being uploaded: Musubi stops taking new work but finishes the upload in
   * flight (graceful shutdown), acknowledges it, exits, and the file is there after a restart.
   */
  @Test
  void aGracefulStopFinishesTheUploadInFlight() throws Exception {
    Map<String, String> env = environment();
    env.put("LOGGING_LEVEL_ORG_SPRINGFRAMEWORK_BOOT", "info"); // "Commencing graceful shutdown"
    start(env);
    ApiClient admin = new ApiClient(port);
    assertThat(admin.login("kanri@crash.example.jp", PASSWORD).status()).isEqualTo(200);
    ApiClient.Response created =
        admin.post(
            "/api/v1/me/tokens", Map.of("name", "upload", "scopes", List.of("read", "write")));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String token = created.json().get("token").asString();
    String root = admin.get("/api/v1/drive/drives").json().get(0).get("rootFolderId").asString();

    // The body: a multipart head and the first MiB, then 3 MiB that flow only after the stop
    // has begun.
    byte[] content = new byte[4 * 1024 * 1024];
    new Random(7).nextBytes(content);
    String boundary = "----musubi-graceful";
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] tail =
        ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.util.concurrent.CountDownLatch sending = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch stopping = new java.util.concurrent.CountDownLatch(1);
    int first = 1024 * 1024;
    java.io.InputStream body =
        new java.io.SequenceInputStream(
            new java.io.SequenceInputStream(
                new java.io.ByteArrayInputStream(head),
                new java.io.ByteArrayInputStream(content, 0, first)),
            new java.io.InputStream() {
              private final java.io.InputStream rest =
                  new java.io.SequenceInputStream(
                      new java.io.ByteArrayInputStream(content, first, content.length - first),
                      new java.io.ByteArrayInputStream(tail));

              @Override
              public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                sending.countDown();
                try {
                  stopping.await();
                } catch (InterruptedException e) {
                  throw new IOException(e);
                }
                return rest.read(b, off, len);
              }
            });
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpRequest upload =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(
                    "http://127.0.0.1:" + port + "/api/v1/drive/folders/" + root + "/files"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> body))
            .build();
    java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>> answer =
        http.sendAsync(upload, java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(sending.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    // The server is inside the request once the blob store has begun its temporary file; before
    // that the connection could still be idle, and an idle connection is closed at once.
    Path blobTmp = dataDir.resolve("blobs").resolve("tmp");
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              if (!Files.isDirectory(blobTmp)) {
                return false;
              }
              try (var files = Files.list(blobTmp)) {
                return files.anyMatch(f -> f.getFileName().toString().endsWith(".part"));
              }
            });

    server.destroy(); // SIGTERM
    // Tomcat says it is draining before the rest of the body is let through.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.readString(log).contains("Commencing graceful shutdown"));
    stopping.countDown();

    java.net.http.HttpResponse<String> r = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    start(env);
    ApiClient reader = new ApiClient(port);
    assertThat(reader.login("kanri@crash.example.jp", PASSWORD).status()).isEqualTo(200);
    String id =
        new ApiClient(port)
            .bearer(token)
            .get("/api/v1/drive/folders/" + root)
            .json()
            .get("items")
            .get(0)
            .get("id")
            .asString();
    java.net.http.HttpResponse<byte[]> stored =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        "http://127.0.0.1:" + port + "/api/v1/drive/files/" + id + "/content"))
                .header("Authorization", "Bearer " + token)
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(stored.statusCode()).isEqualTo(200);
    assertThat(stored.body()).isEqualTo(content);
  }
}
