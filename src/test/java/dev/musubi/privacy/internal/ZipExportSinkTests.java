package dev.musubi.privacy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

class ZipExportSinkTests {

  @Test
  void hostileNamesFromTheStoresCannotEscapeTheArchiveOrCollide() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ZipExportSink sink = new ZipExportSink(out);
    byte[] x = "x".getBytes(StandardCharsets.UTF_8);
    sink.write("drive/../../etc/passwd", x);
    sink.write("/drive/abs.txt", x);
    sink.write("drive\\win\\path.txt", x);
    sink.write("drive/bell\u0007name?.txt", x);
    sink.write("drive/Report.txt", x);
    sink.write("drive/report.TXT", new ByteArrayInputStream(x));
    sink.write("..", x);
    sink.finish();

    List<String> names = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        names.add(e.getName());
      }
    }
    assertThat(names)
        .containsExactly(
            "drive/etc/passwd",
            "drive/abs.txt",
            "drive/win/path.txt",
            "drive/bellname.txt",
            "drive/Report.txt",
            "drive/report (2).TXT",
            "file");
    assertThat(names).noneMatch(n -> n.startsWith("/") || n.contains(".."));
    assertThat(sink.bytes()).isEqualTo(7);
  }
}
