package dev.musubi.mail.smtp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Network bytes into the codec never crash it: every input ends in a command, a protocol error with
 * a reply, or end of input. The {@code @FuzzTest} replays its seed corpus in the normal build and
 * fuzzes for 30 seconds with {@code JAZZER_FUZZ=1}; the seeded random test runs a fixed number of
 * generated inputs in every build.
 */
class SmtpCodecFuzzTests {

  @FuzzTest(maxDuration = "30s")
  void commandLinesAndDataNeverCrashTheCodec(byte[] input) throws IOException {
    exercise(input);
  }

  @Test
  void seededRandomInputsNeverCrashTheCodec() throws IOException {
    var random = new Random(5321);
    String alphabet =
        "MAIL FROM:<>RCPT TO:@.\r\n\r\n.SIZE=9BODY=8BITMIMESMTPUTF8EHLO\"\\[]:, 日本AUTH PLAIN= AGEAYg==";
    for (int i = 0; i < 20_000; i++) {
      var out = new ByteArrayOutputStream();
      int length = random.nextInt(300);
      for (int j = 0; j < length; j++) {
        if (random.nextInt(4) == 0) {
          out.write(random.nextInt(256));
        } else {
          out.write(alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      exercise(out.toByteArray());
    }
  }

  private static void exercise(byte[] input) throws IOException {
    var in = new SmtpInput(new ByteArrayInputStream(input));
    try {
      for (int i = 0; i < 64; i++) {
        try {
          SmtpCommand command = SmtpCommandParser.parse(in.readLine(1024));
          assertThat(command).isNotNull();
          if (command instanceof SmtpCommand.Auth auth && auth.initialResponse() != null) {
            sasl(auth.initialResponse());
            // The next line is what a client sends after a 334 challenge.
            sasl(in.readLine(12288));
          }
          if (command instanceof SmtpCommand.Data) {
            var sink = new ByteArrayOutputStream();
            var result = in.readData(sink, 4096, 1000);
            assertThat(result.size()).isEqualTo(sink.size()).isLessThanOrEqualTo(4096);
          }
        } catch (SmtpProtocolException e) {
          assertThat(e.reply().code()).isBetween(400, 599);
          assertThat(new String(e.reply().toWire(), java.nio.charset.StandardCharsets.UTF_8))
              .endsWith("\r\n")
              .doesNotContain("\n\r");
        }
      }
    } catch (EOFException endOfInput) {
      // Every input ends this way eventually.
    }
  }

  /** SASL responses either decode or are refused with 501; nothing else escapes. */
  private static void sasl(String response) {
    try {
      var plain = SaslResponses.plain(response);
      assertThat(plain.loginId()).isNotEmpty().doesNotContain("\0");
      assertThat(plain.password()).isNotEmpty();
    } catch (SmtpProtocolException e) {
      assertThat(e.reply().code()).isEqualTo(501);
    }
    try {
      assertThat(SaslResponses.login(response)).doesNotContain("\0");
    } catch (SmtpProtocolException e) {
      assertThat(e.reply().code()).isEqualTo(501);
    }
  }
}
