package dev.musubi.platform.blob.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Ciphertext files under {@code <data-dir>/blobs}: {@code <company>/<2 hex>/<object-id>}, written
 * to {@code tmp/} first, then fsync, atomic rename, fsync of the directory.
 */
public class LocalBlobBackend implements BlobBackend {

  private static final Pattern ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern SHARD = Pattern.compile("[0-9a-f]{2}");
  private static final Pattern KEY =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[0-9a-f-]{36}");

  private final Path root;
  private final Path tmp;

  public LocalBlobBackend(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.tmp = this.root.resolve("tmp");
    Files.createDirectories(tmp);
  }

  public Path root() {
    return root;
  }

  @Override
  public String name() {
    return "local";
  }

  /** The file of an object: keys are {@code <uuid>/<uuid>} and nothing else. */
  Path path(String key) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("bad object key");
    }
    String object = key.substring(37);
    return root.resolve(key.substring(0, 36)).resolve(object.substring(34)).resolve(object);
  }

  @Override
  public Upload upload(String key) throws IOException {
    Path target = path(key);
    Path temp = tmp.resolve(UUID.randomUUID() + ".part");
    FileChannel channel =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    OutputStream out =
        new FilterOutputStream(Channels.newOutputStream(channel)) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            flush();
          }
        };
    return new Upload() {
      private boolean done;

      @Override
      public OutputStream out() {
        return out;
      }

      @Override
      public void commit() throws IOException {
        out.flush();
        channel.force(true);
        channel.close();
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
          Files.createDirectories(dir);
          fsyncDirectory(dir.getParent());
          fsyncDirectory(dir.getParent().getParent());
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(dir);
        done = true;
      }

      @Override
      public void abort() {
        if (done) {
          return;
        }
        done = true;
        try {
          channel.close();
        } catch (IOException ignored) {
          // deleting below is what matters
        }
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the collector's sweep of tmp/ removes it later
        }
      }
    };
  }

  @Override
  public SeekableByteChannel read(String key) throws IOException {
    return FileChannel.open(path(key), StandardOpenOption.READ);
  }

  @Override
  public byte @Nullable [] readWhole(String key, int length) throws IOException {
    try (FileChannel channel = FileChannel.open(path(key), StandardOpenOption.READ)) {
      if (channel.size() != length) {
        return null;
      }
      ByteBuffer all = ByteBuffer.allocate(length);
      // Positional reads: no seek before or between them.
      while (all.hasRemaining()) {
        if (channel.read(all, all.position()) < 0) {
          throw new IOException("the object ended early");
        }
      }
      return all.array();
    }
  }

  @Override
  public void delete(String key) throws IOException {
    Path file = path(key);
    if (Files.deleteIfExists(file)) {
      fsyncDirectory(file.getParent());
    }
  }

  @Override
  public boolean exists(String key) {
    return Files.exists(path(key));
  }

  @Override
  public void check() throws IOException {
    Path probe = tmp.resolve("health-" + UUID.randomUUID());
    try {
      Files.writeString(probe, "ok", StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /** An object file: the company and object ID its path names. */
  record ObjectFile(UUID tenantId, UUID objectId, Path file) {}

  /**
   * Hands {@code each} the object files of one company (or of all when {@code tenantId} is null)
   * that were last written before {@code cutoff}, in batches of at most {@code batch}. Files whose
   * path is not an object key (the {@code tmp/} directory, anything else) are skipped.
   */
  void olderObjects(@Nullable UUID tenantId, Instant cutoff, int batch, ObjectBatch each)
      throws IOException {
    List<Path> companies = new ArrayList<>();
    if (tenantId != null) {
      companies.add(root.resolve(tenantId.toString()));
    } else {
      try (Stream<Path> dirs = Files.list(root)) {
        dirs.filter(d -> ID.matcher(d.getFileName().toString()).matches()).forEach(companies::add);
      }
    }
    List<ObjectFile> pending = new ArrayList<>();
    for (Path company : companies) {
      if (!Files.isDirectory(company)) {
        continue;
      }
      UUID tenant = UUID.fromString(company.getFileName().toString());
      List<Path> shards;
      try (Stream<Path> dirs = Files.list(company)) {
        shards = dirs.filter(d -> SHARD.matcher(d.getFileName().toString()).matches()).toList();
      } catch (NoSuchFileException gone) {
        continue;
      }
      for (Path shard : shards) {
        List<Path> files;
        try (Stream<Path> list = Files.list(shard)) {
          files = list.toList();
        } catch (NoSuchFileException gone) {
          continue;
        }
        for (Path file : files) {
          String name = file.getFileName().toString();
          if (!ID.matcher(name).matches() || !name.endsWith(shard.getFileName().toString())) {
            continue;
          }
          try {
            if (!Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
              continue;
            }
          } catch (NoSuchFileException gone) {
            continue;
          }
          pending.add(new ObjectFile(tenant, UUID.fromString(name), file));
          if (pending.size() >= batch) {
            each.accept(List.copyOf(pending));
            pending.clear();
          }
        }
      }
    }
    if (!pending.isEmpty()) {
      each.accept(List.copyOf(pending));
    }
  }

  /** Receives a batch of object files. */
  @FunctionalInterface
  interface ObjectBatch {
    void accept(List<ObjectFile> files) throws IOException;
  }

  /** Removes temp files older than {@code age} (left by a crash); returns how many. */
  int sweepTemp(Instant now, Duration age) throws IOException {
    int count = 0;
    try (Stream<Path> files = Files.list(tmp)) {
      for (Path file : files.toList()) {
        try {
          if (Files.getLastModifiedTime(file).toInstant().isBefore(now.minus(age))
              && Files.deleteIfExists(file)) {
            count++;
          }
        } catch (NoSuchFileException gone) {
          // removed meanwhile
        }
      }
    }
    return count;
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (java.nio.file.AccessDeniedException e) {
      // Windows cannot open a directory; its rename is durable without this
      if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
        throw e;
      }
    }
  }
}
