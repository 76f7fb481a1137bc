package dev.musubi.platform.blob.internal;

import dev.musubi.platform.blob.BlobObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Copies the backend's objects out of and into a directory, for backups. */
@Component
public class BlobObjectCopies implements BlobObjects {

  private static final Pattern ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final JdbcClient jdbc;
  private final BlobBackend backend;

  public BlobObjectCopies(JdbcClient jdbc, BlobBackend backend) {
    this.jdbc = jdbc;
    this.backend = backend;
  }

  @Override
  public String backend() {
    return backend.name();
  }

  @Override
  public Copied exportTo(Path dir) throws IOException {
    long objects = 0;
    long bytes = 0;
    long missing = 0;
    UUID after = new UUID(0, 0);
    while (true) {
      record Row(UUID id, UUID tenantId, UUID objectId) {}
      List<Row> batch =
          jdbc.sql(
                  "SELECT id, tenant_id, object_id FROM blob WHERE id > :after ORDER BY id"
                      + " LIMIT 500")
              .param("after", after)
              .query(
                  (rs, n) ->
                      new Row(
                          rs.getObject(1, UUID.class),
                          rs.getObject(2, UUID.class),
                          rs.getObject(3, UUID.class)))
              .list();
      for (Row row : batch) {
        after = row.id();
        String key = EncryptedBlobStore.objectKey(row.tenantId(), row.objectId());
        if (!backend.exists(key)) {
          missing++;
          continue;
        }
        Path target = dir.resolve(row.tenantId().toString()).resolve(row.objectId().toString());
        Files.createDirectories(target.getParent());
        try (SeekableByteChannel in = backend.read(key);
            FileChannel out =
                FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          bytes += out.transferFrom(in, 0, Long.MAX_VALUE);
          out.force(true);
          objects++;
        } catch (NoSuchFileException | java.io.FileNotFoundException gone) {
          Files.deleteIfExists(target);
          missing++;
        }
      }
      if (batch.size() < 500) {
        return new Copied(objects, bytes, missing);
      }
    }
  }

  @Override
  public Copied importFrom(Path dir) throws IOException {
    long objects = 0;
    long bytes = 0;
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      Path rel = dir.relativize(f);
      if (rel.getNameCount() != 2
          || !ID.matcher(rel.getName(0).toString()).matches()
          || !ID.matcher(rel.getName(1).toString()).matches()) {
        throw new IOException("not a blob object of a backup: " + rel);
      }
      try (BlobBackend.Upload upload = backend.upload(rel.getName(0) + "/" + rel.getName(1))) {
        try (InputStream in = Files.newInputStream(f);
            OutputStream out = upload.out()) {
          bytes += in.transferTo(out);
        }
        upload.commit();
        objects++;
      }
    }
    return new Copied(objects, bytes, 0);
  }
}
