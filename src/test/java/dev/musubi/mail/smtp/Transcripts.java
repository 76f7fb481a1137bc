package dev.musubi.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Plays one conformance transcript (format in {@code transcripts/smtp/README.md}) over a raw
 * connection; shared by the inbound and submission transcript tests.
 */
public final class Transcripts {

  private Transcripts() {}

  /**
   * @param stored how many messages this transcript stored so far, for {@code STORED:} lines; null
   *     where the directive is not available
   */
  public static void run(
      String name, List<String> lines, SmtpWire wire, @Nullable LongSupplier stored)
      throws IOException {
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
      } else if (line.startsWith("STORED: ") && stored != null) {
        assertThat(stored.getAsLong())
            .as(where)
            .isEqualTo(Long.parseLong(line.substring(8).strip()));
      } else {
        throw new IllegalArgumentException(where + ": unknown directive " + line);
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
