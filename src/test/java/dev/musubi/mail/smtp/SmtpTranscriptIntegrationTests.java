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
      int number = 0;
      for (String line : lines) {
        number++;
        String where = name + ":" + number;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (line.startsWith("C: ")) {
          wire.send(unescape(line.substring(3)) + "\r\n");
        } else if (line.startsWith("R: ")) {
          wire.send(unescape(line.substring(3)));
        } else if (line.startsWith("S: ")) {
          String reply = wire.readLine();
          assertThat(reply).as(where).isNotNull().matches(line.substring(3));
        } else if (line.startsWith("FILL: ")) {
          int octets = Integer.parseInt(line.substring(6).strip());
          String text = "x".repeat(76) + "\r\n";
          var out = new StringBuilder();
          while (out.length() < octets) {
            out.append(text);
          }
          wire.send(out.toString());
        } else if (line.equals("EOF")) {
          assertThat(wire.readLine()).as(where + " connection closed").isNull();
        } else if (line.startsWith("STORED: ")) {
          long stored =
              inbound.stored.stream()
                  .filter(s -> s.envelope().remoteAddress().equals(source))
                  .count();
          assertThat(stored).as(where).isEqualTo(Long.parseLong(line.substring(8).strip()));
        } else {
          throw new IllegalArgumentException(where + ": unknown directive " + line);
        }
      }
    }
  }

  private static String unescape(String text) {
    var out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(++i);
        out.append(
            switch (next) {
              case 'r' -> '\r';
              case 'n' -> '\n';
              case 't' -> '\t';
              default -> next;
            });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
