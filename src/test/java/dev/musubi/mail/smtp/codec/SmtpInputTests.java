package dev.musubi.mail.smtp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.musubi.mail.smtp.codec.SmtpInput.DataOutcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmtpInputTests {

  private static SmtpInput input(String wire) {
    return new SmtpInput(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void readsPipelinedCommandsInOrder() throws Exception {
    var in = input("MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n");
    assertThat(in.readLine(512)).isEqualTo("MAIL FROM:<a@b.example>");
    assertThat(in.hasBufferedInput()).isTrue();
    assertThat(in.readLine(512)).isEqualTo("RCPT TO:<c@d.example>");
    assertThat(in.readLine(512)).isEqualTo("DATA");
    assertThat(in.hasBufferedInput()).isFalse();
    assertThatThrownBy(() -> in.readLine(512)).isInstanceOf(EOFException.class);
  }

  @Test
  void commandLinesMustEndInCrlfAndFitTheLimit() throws Exception {
    var in = input("NOOP\nNOOP\r\n" + "X".repeat(600) + "\r\nQUIT\r\n");
    assertThatThrownBy(() -> in.readLine(512)).hasMessageContaining("500 5.5.2 Line must end");
    assertThat(in.readLine(512)).isEqualTo("NOOP");
    assertThatThrownBy(() -> in.readLine(512)).hasMessageContaining("500 5.5.2 Line too long");
    assertThat(in.readLine(512)).isEqualTo("QUIT");
  }

  @Test
  void bareCrNulAndInvalidUtf8AreRefusedInCommands() {
    assertThatThrownBy(() -> input("NO\rOP\r\n").readLine(512)).hasMessageContaining("5.5.2");
    assertThatThrownBy(() -> input("NO\0OP\r\n").readLine(512)).hasMessageContaining("5.5.2");
    var bad = new SmtpInput(new ByteArrayInputStream(new byte[] {'A', (byte) 0xc3, '\r', '\n'}));
    assertThatThrownBy(() -> bad.readLine(512)).hasMessageContaining("not UTF-8");
  }

  @Test
  void dataEndsOnlyAtCrlfDotCrlfAndIsUnstuffed() throws Exception {
    var in = input("Subject: x\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n");
    var sink = new ByteArrayOutputStream();
    var result = in.readData(sink, 1000, 1000);
    assertThat(result.outcome()).isEqualTo(DataOutcome.COMPLETE);
    assertThat(sink.toString(StandardCharsets.UTF_8))
        .isEqualTo("Subject: x\r\n\r\n.leading dot\r\n");
    assertThat(result.size()).isEqualTo(sink.size());
    assertThat(in.readLine(512)).isEqualTo("QUIT");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n.\n", "\r.\r", "\r\n.\n", "\n.\r\n", "\r.\r\n", "\n.\r"})
  void smugglingEndingsDoNotEndDataAndMarkTheMessage(String fakeEnd) throws Exception {
    String smuggled = "MAIL FROM:<evil@attacker.example>\r\nRCPT TO:<bob@musubi.test>\r\nDATA\r\n";
    var in = input("Subject: x\r\n\r\nhello" + fakeEnd + smuggled + "body\r\n.\r\nNOOP\r\n");
    var sink = new ByteArrayOutputStream();
    var result = in.readData(sink, 10_000, 1000);
    assertThat(result.outcome()).isEqualTo(DataOutcome.BARE_NEWLINE);
    // The next command is the one after the real end of data, not a smuggled one.
    assertThat(in.readLine(512)).isEqualTo("NOOP");
  }

  @Test
  void oversizedDataIsReadToTheEndButNotKept() throws Exception {
    var in = input("x".repeat(90) + "\r\n" + "y".repeat(90) + "\r\n.\r\nQUIT\r\n");
    var sink = new ByteArrayOutputStream();
    var result = in.readData(sink, 100, 1000);
    assertThat(result.outcome()).isEqualTo(DataOutcome.TOO_LARGE);
    assertThat(sink.size()).isLessThanOrEqualTo(100);
    assertThat(in.readLine(512)).isEqualTo("QUIT");
  }

  @Test
  void overlongTextLinesAreRefused() throws Exception {
    var in = input("z".repeat(1200) + "\r\n.\r\nQUIT\r\n");
    var result = in.readData(new ByteArrayOutputStream(), 10_000, 1000);
    assertThat(result.outcome()).isEqualTo(DataOutcome.LINE_TOO_LONG);
    assertThat(in.readLine(512)).isEqualTo("QUIT");
  }

  @Test
  void connectionClosedDuringDataIsAnEof() {
    assertThatThrownBy(
            () -> input("half a message\r\n").readData(new ByteArrayOutputStream(), 100, 1000))
        .isInstanceOf(EOFException.class);
  }
}
