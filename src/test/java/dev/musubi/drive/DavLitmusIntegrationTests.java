package dev.musubi.drive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Runs the WebDAV conformance suite {@code litmus} (Debian package) against {@code /dav/files/} of
 * a fresh member: suites basic, copymove, props and locks must pass.
 */
@MusubiIntegrationTest
class DavLitmusIntegrationTests {

  @LocalServerPort int port;

  @Test
  void litmusPassesBasicCopymovePropsAndLocks() throws Exception {
    Fixtures fixtures = new Fixtures(port);
    Fixtures.TestCompany company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "litmus");
    String url = "http://127.0.0.1:" + port + "/dav/files/" + member.loginId() + "/";
    Path log = Files.createTempFile("litmus", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                "/usr/bin/litmus", "--keep-going", url, member.loginId(), Fixtures.PASSWORD)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("TESTS", "basic copymove props locks");
    pb.directory(Files.createTempDirectory("litmus").toFile());
    Process p = pb.start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("litmus finished").isTrue();
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.writeString(Path.of("target", "litmus.log"), out, StandardCharsets.UTF_8);
    assertThat(out).as(out).doesNotContain("FAIL").contains("<- summary for `locks'");
    for (String suite : new String[] {"basic", "copymove", "props", "locks"}) {
      assertThat(out)
          .as(out)
          .containsPattern("summary for `" + suite + "': of \\d+ tests run: \\d+ passed, 0 failed");
    }
    assertThat(p.exitValue()).as(out).isZero();
  }
}
