package dev.musubi.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Runs every transcript in {@code src/test/resources/transcripts/smtp/} (format in its README.md)
 * against the real server, each from its own 127.0.0.x address.
 */
class SmtpTranscriptIntegrationTests extends SmtpIntegrationTestBase {

  private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(100);

  static Stream<Arguments> transcripts() throws IOException {
    Resource[] files =
        new PathMatchingResourcePatternResolver().getResources("classpath:transcripts/smtp/*.txt");
    assertThat(files).hasSizeGreaterThanOrEqualTo(15);
    return Arrays.stream(files)
        .sorted(java.util.Comparator.comparing(Resource::getFilename))
        .map(file -> Arguments.of(file.getFilename(), file));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transcripts")
  void transcript(String name, Resource file) throws Exception {
    String source = "127.0.0." + NEXT_ADDRESS.getAndIncrement();
    List<String> lines =
        new String(file.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    try (var wire = new SmtpWire(source, port())) {
      Transcripts.run(
          name,
          lines,
          wire,
          () ->
              inbound.stored.stream()
                  .filter(s -> s.envelope().remoteAddress().equals(source))
                  .count());
    }
  }
}
