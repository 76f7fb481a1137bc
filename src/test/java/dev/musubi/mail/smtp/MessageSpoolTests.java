package dev.musubi.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MessageSpoolTests {

  private static Stream<Path> spoolFiles() throws IOException {
    return Files.list(Path.of(System.getProperty("java.io.tmpdir")))
        .filter(p -> p.getFileName().toString().startsWith("musubi-smtp-"));
  }

  @Test
  void smallMessagesStayInMemory() throws Exception {
    try (var spool = new MessageSpool()) {
      spool.write("Subject: hi\r\n\r\nbody\r\n".getBytes());
      assertThat(spool.size()).isEqualTo(21);
      assertThat(new String(spool.open().readAllBytes())).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
    }
  }

  @Test
  void largeMessagesSpillToAnEncryptedFileThatCloseDeletes() throws Exception {
    byte[] message = new byte[3 * 1024 * 1024 + 17];
    new Random(42).nextBytes(message);
    var before = spoolFiles().toList();
    Path file;
    try (var spool = new MessageSpool()) {
      for (int offset = 0; offset < message.length; offset += 1000) {
        spool.write(message, offset, Math.min(1000, message.length - offset));
      }
      assertThat(spool.open().readAllBytes()).isEqualTo(message);
      // Readable again from the start, e.g. for DKIM and then the store.
      assertThat(spool.open().readAllBytes()).isEqualTo(message);
      file = spoolFiles().filter(p -> !before.contains(p)).findFirst().orElseThrow();
      byte[] onDisk = Files.readAllBytes(file);
      assertThat(onDisk).hasSize(message.length);
      assertThat(Arrays.equals(onDisk, 0, 4096, message, 0, 4096)).isFalse();
    }
    assertThat(file).doesNotExist();
  }
}
