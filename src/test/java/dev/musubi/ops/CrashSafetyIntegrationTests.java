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
 * (each with an idempotency key, retried after errors), is killed with SIGKILL at random moments,
 * restarted, and every acknowledged message must be there exactly once, in a gap-free sequence.
 */
class CrashSafetyIntegrationTests {

  private static final String PASSWORD = "Kumo-no-ue-42!";
  private static final int KILLS = 2;

  private Process server;
  private final Path dataDir;
  private final int port;
  private final Path log;

  CrashSafetyIntegrationTests() throws IOException {
    dataDir = Files.createTempDirectory("musubi-crash");
    log = dataDir.resolve("server.log");
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
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
    env.put("LOGGING_LEVEL_ROOT", "warn");
    if ("postgres".equals(TestDatabase.kind())) {
      String schema = "crash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      env.put("MUSUBI_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema);
      env.put("MUSUBI_DB_USER", "postgres");
      env.put("SPRING_FLYWAY_SCHEMAS", schema);
      env.put("SPRING_FLYWAY_CREATE_SCHEMAS", "true");
    }
    return env;
  }

  @Test
  void acknowledgedMessagesSurviveKillNineExactlyOnce() throws Exception {
    Map<String, String> env = environment();
    start(env);
    ApiClient admin = new ApiClient(port);
    assertThat(admin.login("kanri@crash.example.jp", PASSWORD).status()).isEqualTo(200);
    ApiClient.Response room =
        admin.post("/api/v1/rooms", Map.of("type", "group", "name", "障害訓練", "members", List.of()));
    assertThat(room.status()).as(room.body()).isEqualTo(201);
    String roomId = room.json().get("id").asString();

    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
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
      // Let some messages through, then kill at a random moment.
      Instant wait = Instant.now().plusSeconds(60);
      while (acknowledged.size() < 5 * (round + 1) && Instant.now().isBefore(wait)) {
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
        "crash drill: %d kills, %d acknowledged, %d stored%n",
        KILLS, acknowledged.size(), seqs.size());
    for (String key : acknowledged) {
      assertThat(seen.get(key))
          .as("acknowledged message %s (stored: %s)", key, seen.keySet())
          .isEqualTo(1);
    }
    assertThat(seen.values()).allMatch(n -> n == 1);
    for (int i = 0; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).isEqualTo(seqs.get(0) + i);
    }
  }
}
