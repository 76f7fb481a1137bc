package dev.musubi.mail.submission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.mail.smtp.SmtpWire;
import dev.musubi.mail.smtp.Transcripts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** Runs every transcript in {@code src/test/resources/transcripts/submission/}. */
class SubmissionTranscriptIntegrationTests extends SubmissionIntegrationTestBase {

  static Stream<Arguments> transcripts() throws IOException {
    Resource[] files =
        new PathMatchingResourcePatternResolver()
            .getResources("classpath:transcripts/submission/*.txt");
    assertThat(files).hasSizeGreaterThanOrEqualTo(4);
    return Arrays.stream(files)
        .sorted(Comparator.comparing(Resource::getFilename))
        .map(file -> Arguments.of(file.getFilename(), file));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transcripts")
  void transcript(String name, Resource file) throws Exception {
    List<String> lines =
        new String(file.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    try (var wire = new SmtpWire(nextAddress(), server.port())) {
      Transcripts.run(name, lines, wire, null);
    }
  }
}
