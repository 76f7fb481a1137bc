package dev.musubi.mail.imap.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Network bytes into the IMAP codec never crash it: every input ends in a parsed command, a
 * protocol error, or end of input; sequence sets, SEARCH keys, FETCH items, mailbox names and the
 * MIME structure of arbitrary bytes are handled the same way. The {@code @FuzzTest} replays its
 * seed corpus in the normal build and fuzzes for 30 seconds with {@code JAZZER_FUZZ=1}; the seeded
 * random test runs a fixed number of generated inputs in every build.
 */
class ImapCodecFuzzTests {

  @FuzzTest(maxDuration = "30s")
  void commandsNeverCrashTheCodec(byte[] input) throws IOException {
    exercise(input);
  }

  @Test
  void seededRandomInputsNeverCrashTheCodec() throws IOException {
    var random = new Random(3501);
    String alphabet =
        "a1 UID FETCH SEARCH STORE APPEND LIST 1:*,() [] <0.5> BODY.PEEK[HEADER.FIELDS (A)]"
            + " {3}\r\n{2+}\r\n\"\\ OR NOT CHARSET UTF-8 FLAGS \\Seen &U9Z- 会議 --b\r\n";
    for (int i = 0; i < 20_000; i++) {
      var out = new ByteArrayOutputStream();
      int length = random.nextInt(300);
      for (int j = 0; j < length; j++) {
        if (random.nextInt(5) == 0) {
          out.write(random.nextInt(256));
        } else {
          out.write(alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      exercise(out.toByteArray());
    }
  }

  private static void exercise(byte[] input) throws IOException {
    var in = new ImapInput(new ByteArrayInputStream(input));
    ImapInput.Literals literals =
        new ImapInput.Literals() {
          @Override
          public long maxLiteral(byte[] soFar) {
            return 1024;
          }

          @Override
          public void goAhead() {}
        };
    try {
      for (int i = 0; i < 64; i++) {
        try {
          byte[] raw = in.readCommand(2048, 8192, literals);
          ImapCommand command = ImapParser.parse(raw);
          assertThat(command.tag()).isNotEmpty();
          assertThat(command.name()).isNotEmpty();
          exerciseArguments(command.args());
        } catch (ImapProtocolException e) {
          assertThat(e.getMessage()).isNotBlank().doesNotContain("\r").doesNotContain("\n");
        }
      }
    } catch (EOFException e) {
      // End of input.
    }
    MimeStructure mime = MimeStructure.of(input);
    var w = new ResponseWriter();
    mime.bodyStructure(w, true);
    mime.envelope(w);
    mime.section(new int[] {1, 2}, "MIME", List.of());
    mime.section(new int[0], "HEADER.FIELDS", List.of("SUBJECT"));
    assertThat(w.size()).isPositive();
  }

  private static void exerciseArguments(List<ImapToken> args) {
    try {
      SearchKey.parse(args);
    } catch (ImapProtocolException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
    for (ImapToken t : args) {
      try {
        FetchItem.parse(t);
      } catch (ImapProtocolException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
      String text = ImapToken.text(t);
      if (text != null) {
        try {
          SequenceSet.parse(text).select(new long[] {1, 2, 5}, true);
        } catch (ImapProtocolException e) {
          assertThat(e.getMessage()).isNotBlank();
        }
        try {
          ModifiedUtf7.encode(ModifiedUtf7.decode(text));
        } catch (ImapProtocolException e) {
          assertThat(e.getMessage()).isNotBlank();
        }
      }
    }
  }
}
