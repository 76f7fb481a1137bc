package dev.musubi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The command line as an operator runs it: {@code java … MusubiApplication <command>} in a process
 * of its own, without the web server, on a data directory and the suite's database.
 */
class CommandLineIntegrationTests {

  record Run(int exit, String output) {}

  private static Run run(Path dataDir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.musubi.MusubiApplication");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("MUSUBI_DATA_DIR", dataDir.toString());
    pb.environment().put("MUSUBI_BOOTSTRAP_DOMAIN", "cli.example.jp");
    pb.environment().put("MUSUBI_BOOTSTRAP_ADMIN", "kanri");
    pb.environment().put("MUSUBI_BOOTSTRAP_PASSWORD", "Kumo-no-ue-42!");
    pb.environment().put("LOGGING_LEVEL_ROOT", "warn");
    if ("postgres".equals(TestDatabase.kind())) {
      String schema = "cli_" + dataDir.getFileName().toString().replaceAll("[^a-z0-9]", "");
      pb.environment()
          .put("MUSUBI_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema);
      pb.environment().put("MUSUBI_DB_USER", "postgres");
      pb.environment().put("SPRING_FLYWAY_SCHEMAS", schema);
      pb.environment().put("SPRING_FLYWAY_CREATE_SCHEMAS", "true");
    }
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(output).isTrue();
    return new Run(p.exitValue(), output);
  }

  @Test
  void commandsRunWithoutTheWebServerAndABackupVerifies() throws Exception {
    Path dataDir =
        Files.createTempDirectory("musubi-cli-" + UUID.randomUUID().toString().substring(0, 8));
    Path backups = dataDir.resolve("backups");

    Run unknown = run(dataDir, "no-such-command");
    assertThat(unknown.exit()).as(unknown.output()).isEqualTo(2);
    assertThat(unknown.output())
        .contains("Unknown command: no-such-command")
        .contains("audit-verify")
        .contains("backup")
        .contains("index-rebuild");

    Run backup = run(dataDir, "backup", "--to", backups.toString());
    assertThat(backup.exit()).as(backup.output()).isZero();
    assertThat(backup.output()).contains("archive ");
    Path archive;
    try (Stream<Path> s = Files.list(backups)) {
      archive =
          s.filter(p -> p.getFileName().toString().startsWith("musubi-backup-"))
              .findFirst()
              .orElseThrow();
    }

    Run verify = run(dataDir, "verify", "--from", archive.toString());
    assertThat(verify.exit()).as(verify.output()).isZero();
    assertThat(verify.output()).contains("is intact");
  }
}
