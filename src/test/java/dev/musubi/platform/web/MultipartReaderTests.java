package dev.musubi.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartReaderTests {

  private static final String B = "----musubiBoundary42";

  private static byte[] body(byte[] content, String filename) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        ("preamble\r\n--"
                + B
                + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n")
            .getBytes(StandardCharsets.UTF_8));
    out.writeBytes(
        ("--"
                + B
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\nContent-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    out.writeBytes(content);
    out.writeBytes(("\r\n--" + B + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** Delivers at most a few bytes per read, like a slow network. */
  private static InputStream trickle(byte[] bytes) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 7));
      }
    };
  }

  @Test
  void readsEachPartAndItsHeaders() throws Exception {
    byte[] content = new byte[300_000];
    new Random(4).nextBytes(content);
    // Put something that looks like a delimiter's start into the content.
    byte[] fake = ("\r\n--" + B.substring(0, 10)).getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(fake, 0, content, 1000, fake.length);
    MultipartReader r = new MultipartReader(trickle(body(content, "見積.png")), B);
    MultipartReader.Part note = r.next();
    assertThat(note.name()).isEqualTo("note");
    assertThat(note.filename()).isNull();
    assertThat(new String(note.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    MultipartReader.Part file = r.next();
    assertThat(file.name()).isEqualTo("file");
    assertThat(file.filename()).isEqualTo("見積.png");
    assertThat(file.contentType()).isEqualTo("image/png");
    assertThat(file.body().readAllBytes()).isEqualTo(content);
    assertThat(r.next()).isNull();
  }

  @Test
  void skipsAPartThatWasNotRead() throws Exception {
    MultipartReader r =
        new MultipartReader(new ByteArrayInputStream(body(new byte[] {1, 2, 3}, "a.bin")), B);
    assertThat(r.next().name()).isEqualTo("note");
    MultipartReader.Part file = r.next();
    assertThat(file.body().readAllBytes()).containsExactly(1, 2, 3);
    assertThat(r.next()).isNull();
  }

  @Test
  void refusesABodyWithoutItsClosingDelimiter() throws Exception {
    byte[] full = body(new byte[5000], "a.bin");
    byte[] cut = java.util.Arrays.copyOf(full, full.length - 30);
    MultipartReader r = new MultipartReader(new ByteArrayInputStream(cut), B);
    r.next();
    MultipartReader.Part file = r.next();
    assertThatThrownBy(() -> file.body().readAllBytes())
        .isInstanceOf(MultipartReader.MalformedException.class);
  }

  @Test
  void parsesTheBoundaryParameter() {
    assertThat(MultipartReader.boundary("multipart/form-data; boundary=abc")).isEqualTo("abc");
    assertThat(MultipartReader.boundary("multipart/form-data; boundary=\"a b\"")).isEqualTo("a b");
    assertThat(MultipartReader.boundary("application/json")).isNull();
    assertThat(MultipartReader.boundary(null)).isNull();
  }
}
