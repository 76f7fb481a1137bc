package dev.musubi.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Runs every RFC 3501 conformance transcript in {@code src/test/resources/transcripts/imap/}
 * (format in its README.md) against the real server: each with a fresh company, a member whose
 * INBOX holds the two messages described in the README, and its own 127.x source address.
 */
class ImapTranscriptIntegrationTests extends ImapIntegrationTestBase {

  static Stream<Arguments> transcripts() throws IOException {
    Resource[] files =
        new PathMatchingResourcePatternResolver().getResources("classpath:transcripts/imap/*.txt");
    assertThat(files).hasSizeGreaterThanOrEqualTo(10);
    return Arrays.stream(files)
        .sorted(java.util.Comparator.comparing(Resource::getFilename))
        .map(file -> Arguments.of(file.getFilename(), file));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transcripts")
  void transcript(String name, Resource file) throws Exception {
    var fixtures = fixtures();
    var company = fixtures.company();
    Fixtures.TestMember member = fixtures.member(company, "conform");
    String address = "conform@" + company.domain();
    deliverRaw(address, FIRST.replace("${to}", address).getBytes(StandardCharsets.UTF_8));
    deliverRaw(address, SECOND.replace("${to}", address).getBytes(StandardCharsets.UTF_8));
    String plain =
        Base64.getEncoder()
            .encodeToString(
                ("\0" + member.loginId() + "\0" + Fixtures.PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
    List<String> lines =
        new String(file.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    try (var wire = new ImapWire(nextSource(), port())) {
      int number = 0;
      for (String raw : lines) {
        number++;
        String where = name + ":" + number;
        String line =
            raw.replace("${login}", member.loginId())
                .replace("${password}", Fixtures.PASSWORD)
                .replace("${plain}", plain);
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
        } else if (line.startsWith("UNTIL: ")) {
          String pattern = line.substring(7);
          String reply;
          do {
            reply = wire.readLine();
            assertThat(reply).as(where + " waiting for " + pattern).isNotNull();
          } while (!reply.matches(pattern));
        } else if (line.startsWith("FILL: ")) {
          int octets = Integer.parseInt(line.substring(6).strip());
          wire.send("x".repeat(octets));
        } else if (line.equals("EOF")) {
          String next;
          do {
            next = wire.readLine();
          } while (next != null && next.startsWith("* "));
          assertThat(next).as(where + " connection closed").isNull();
        } else {
          throw new IllegalArgumentException(where + ": unknown directive " + line);
        }
      }
    }
  }

  /** A multipart message with Japanese subject, text and a PDF attachment. */
  static final String FIRST =
      "From: =?UTF-8?B?5L2Q6Jek?= <sato@outside.example>\r\n"
          + "To: ${to}\r\n"
          + "Cc: Team <team@outside.example>, other@outside.example\r\n"
          + "Subject: =?UTF-8?B?6KaL56mN5pu444Gu6YCB5LuY?=\r\n"
          + "Date: Tue, 3 Mar 2026 09:00:00 +0900\r\n"
          + "Message-ID: <q1@outside.example>\r\n"
          + "MIME-Version: 1.0\r\n"
          + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
          + "\r\n"
          + "preamble\r\n"
          + "--b1\r\n"
          + "Content-Type: text/plain; charset=UTF-8\r\n"
          + "Content-Transfer-Encoding: 8bit\r\n"
          + "\r\n"
          + "お世話になっております。\r\n"
          + "見積書です。\r\n"
          + "--b1\r\n"
          + "Content-Type: application/pdf; name=\"q.pdf\"\r\n"
          + "Content-Disposition: attachment; filename=\"q.pdf\"\r\n"
          + "Content-Transfer-Encoding: base64\r\n"
          + "\r\n"
          + "JVBERi0xLjQK\r\n"
          + "--b1--\r\n";

  /** A short plain ASCII message. */
  static final String SECOND =
      "From: Alice <alice@outside.example>\r\n"
          + "To: ${to}\r\n"
          + "Subject: Hello\r\n"
          + "Date: Wed, 4 Mar 2026 10:00:00 +0000\r\n"
          + "Message-ID: <h2@outside.example>\r\n"
          + "\r\n"
          + "second message\r\n";

  private static String unescape(String text) {
    var out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(++i);
        switch (next) {
          case 'r' -> out.append('\r');
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case '\\' -> out.append('\\');
          case '0' -> out.append('\0');
          // Flags such as \Seen keep their backslash.
          default -> out.append(c).append(next);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
