package dev.musubi.privacy.internal;

import dev.musubi.platform.privacy.ExportSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes export files as entries of one zip archive. Names from the stores (file, calendar names)
 * are made safe here: no absolute paths, no {@code ..}, no control characters, and unique within
 * the archive ignoring case.
 */
public final class ZipExportSink implements ExportSink {

  private final ZipOutputStream zip;
  private final Set<String> used = new HashSet<>();
  private final List<String> names = new ArrayList<>();
  private long bytes;

  public ZipExportSink(OutputStream out) {
    this.zip = new ZipOutputStream(out);
  }

  @Override
  public void write(String path, byte[] content) throws IOException {
    zip.putNextEntry(new ZipEntry(unique(safe(path))));
    zip.write(content);
    zip.closeEntry();
    bytes += content.length;
  }

  @Override
  public void write(String path, InputStream content) throws IOException {
    zip.putNextEntry(new ZipEntry(unique(safe(path))));
    bytes += content.transferTo(zip);
    zip.closeEntry();
  }

  /** The entry names written so far, in order. */
  public List<String> names() {
    return List.copyOf(names);
  }

  /** Bytes of content written (before compression). */
  public long bytes() {
    return bytes;
  }

  public void finish() throws IOException {
    zip.finish();
    zip.flush();
  }

  /** A path with only safe segments; never empty. */
  static String safe(String path) {
    List<String> parts = new ArrayList<>();
    for (String raw : path.replace('\\', '/').split("/")) {
      String s = Normalizer.normalize(raw, Normalizer.Form.NFC);
      StringBuilder b = new StringBuilder();
      s.codePoints()
          .filter(c -> c >= 0x20 && c != 0x7f && c != ':' && c != '*' && c != '?' && c != '"')
          .filter(c -> c != '<' && c != '>' && c != '|')
          .forEach(b::appendCodePoint);
      String part = b.toString().strip();
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        continue;
      }
      parts.add(part.length() > 200 ? part.substring(0, 200) : part);
    }
    return parts.isEmpty() ? "file" : String.join("/", parts);
  }

  private String unique(String path) {
    String candidate = path;
    int dot = path.lastIndexOf('.');
    int slash = path.lastIndexOf('/');
    String stem = dot > slash + 1 ? path.substring(0, dot) : path;
    String ext = dot > slash + 1 ? path.substring(dot) : "";
    for (int i = 2; !used.add(candidate.toLowerCase(Locale.ROOT)); i++) {
      candidate = stem + " (" + i + ")" + ext;
    }
    names.add(candidate);
    return candidate;
  }
}
