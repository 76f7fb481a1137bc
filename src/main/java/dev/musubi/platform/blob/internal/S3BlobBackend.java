package dev.musubi.platform.blob.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Ciphertext objects in an S3-compatible bucket, key {@code <prefix><company>/<object-id>}. Uploads
 * stream as multipart uploads (one part buffered at a time) and become visible only when completed;
 * reads are ranged GETs that stay open while the reader moves forward.
 */
public class S3BlobBackend implements BlobBackend, AutoCloseable {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(S3BlobBackend.class);

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final int partSize;

  public S3BlobBackend(S3Properties properties) {
    if (properties.bucket() == null || properties.bucket().isBlank()) {
      throw new IllegalStateException("MUSUBI_S3_BUCKET is required for the s3 blob backend");
    }
    if (properties.accessKey() == null || properties.secretKey() == null) {
      throw new IllegalStateException(
          "MUSUBI_S3_ACCESS_KEY and MUSUBI_S3_SECRET_KEY are required for the s3 blob backend");
    }
    var builder =
        S3Client.builder()
            .region(Region.of(properties.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(properties.accessKey(), properties.secretKey())))
            .forcePathStyle(properties.pathStyle())
            // S3-compatible stores do not all accept the newer default checksum trailers
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (properties.endpoint() != null && !properties.endpoint().isBlank()) {
      builder.endpointOverride(URI.create(properties.endpoint()));
    }
    this.s3 = builder.build();
    this.bucket = properties.bucket();
    this.prefix = properties.prefix() == null ? "" : properties.prefix();
    this.partSize = properties.partSizeMb() * 1024 * 1024;
  }

  /** Creates the bucket when it does not exist. */
  public void ensureBucket() throws IOException {
    try {
      s3.headBucket(b -> b.bucket(bucket));
    } catch (NoSuchBucketException e) {
      create();
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {
        throw new IOException("bucket " + bucket + " is not reachable: " + e.getMessage(), e);
      }
      create();
    } catch (SdkException e) {
      throw new IOException("S3 is not reachable: " + e.getMessage(), e);
    }
  }

  private void create() throws IOException {
    try {
      s3.createBucket(b -> b.bucket(bucket));
    } catch (SdkException e) {
      throw new IOException("cannot create bucket " + bucket + ": " + e.getMessage(), e);
    }
  }

  S3Client client() {
    return s3;
  }

  String bucket() {
    return bucket;
  }

  String objectName(String key) {
    return prefix + key;
  }

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public Upload upload(String key) {
    return new MultipartUpload(objectName(key));
  }

  @Override
  public SeekableByteChannel read(String key) throws IOException {
    return new RangedChannel(objectName(key));
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(objectName(key)));
    } catch (SdkException e) {
      throw new IOException("cannot delete " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean exists(String key) throws IOException {
    try {
      s3.headObject(b -> b.bucket(bucket).key(objectName(key)));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw new IOException(e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void check() throws IOException {
    try {
      s3.headBucket(b -> b.bucket(bucket));
    } catch (SdkException e) {
      throw new IOException("bucket " + bucket + " is not reachable: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    s3.close();
  }

  /** Buffers one part at a time; a small object is sent with one PUT at commit. */
  private final class MultipartUpload extends OutputStream implements Upload {
    private final String name;
    private final byte[] buffer = new byte[partSize];
    private int filled;
    private @Nullable String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();
    private boolean done;

    MultipartUpload(String name) {
      this.name = name;
    }

    /** What the encrypter writes to: closing it (Tink does) must neither commit nor abort. */
    private final OutputStream out =
        new java.io.FilterOutputStream(this) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            MultipartUpload.this.write(b, off, len);
          }

          @Override
          public void close() {
            // the upload ends with commit() or abort()
          }
        };

    @Override
    public OutputStream out() {
      return out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        int n = Math.min(len, buffer.length - filled);
        System.arraycopy(b, off, buffer, filled, n);
        filled += n;
        off += n;
        len -= n;
        if (filled == buffer.length) {
          sendPart();
        }
      }
    }

    @Override
    public void flush() {
      // parts are sent when full
    }

    /** Ends the upload: aborts it unless committed. */
    @Override
    public void close() {
      abort();
    }

    private void sendPart() throws IOException {
      try {
        if (uploadId == null) {
          uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(name)).uploadId();
        }
        int number = parts.size() + 1;
        String etag =
            s3.uploadPart(
                    b -> b.bucket(bucket).key(name).uploadId(uploadId).partNumber(number),
                    RequestBody.fromInputStream(
                        new ByteArrayInputStream(buffer, 0, filled), filled))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        filled = 0;
      } catch (SdkException e) {
        throw new IOException("upload to S3 failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void commit() throws IOException {
      try {
        if (uploadId == null) {
          s3.putObject(
              b -> b.bucket(bucket).key(name).contentLength((long) filled),
              RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, filled), filled));
        } else {
          if (filled > 0) {
            sendPart();
          }
          s3.completeMultipartUpload(
              b ->
                  b.bucket(bucket)
                      .key(name)
                      .uploadId(uploadId)
                      .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
        }
        done = true;
      } catch (SdkException e) {
        throw new IOException("upload to S3 failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void abort() {
      if (done) {
        return;
      }
      done = true;
      if (uploadId != null) {
        try {
          s3.abortMultipartUpload(b -> b.bucket(bucket).key(name).uploadId(uploadId));
        } catch (SdkException e) {
          // the bucket's lifecycle rule for incomplete uploads removes it (docs/operations.md)
          log.warn("Could not abort the multipart upload of {}", name, e);
        }
      }
    }
  }

  /** Random access by ranged GETs; one response stays open while reads move forward. */
  private final class RangedChannel implements SeekableByteChannel {
    private final String name;
    private long position;
    private long size = -1;
    private @Nullable ResponseInputStream<GetObjectResponse> stream;
    private long streamPosition;
    private boolean open = true;

    RangedChannel(String name) throws IOException {
      this.name = name;
      try {
        size = s3.headObject(b -> b.bucket(bucket).key(name)).contentLength();
      } catch (NoSuchKeyException e) {
        throw new java.nio.file.NoSuchFileException(name);
      } catch (SdkException e) {
        throw new IOException("cannot read " + name + ": " + e.getMessage(), e);
      }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (!open) {
        throw new ClosedChannelException();
      }
      if (position >= size) {
        return -1;
      }
      if (stream == null || streamPosition != position) {
        closeStream();
        long from = position;
        try {
          stream = s3.getObject(b -> b.bucket(bucket).key(name).range("bytes=" + from + "-"));
        } catch (SdkException e) {
          throw new IOException("cannot read " + name + ": " + e.getMessage(), e);
        }
        streamPosition = position;
      }
      // fill the buffer as a file channel would: Tink's channel treats a short read as "later"
      int total = 0;
      byte[] chunk = dst.hasArray() ? null : new byte[Math.min(dst.remaining(), 64 * 1024)];
      while (dst.hasRemaining()) {
        int n;
        if (chunk == null) {
          n = stream.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
          if (n > 0) {
            dst.position(dst.position() + n);
          }
        } else {
          n = stream.read(chunk, 0, Math.min(chunk.length, dst.remaining()));
          if (n > 0) {
            dst.put(chunk, 0, n);
          }
        }
        if (n < 0) {
          break;
        }
        advance(n);
        total += n;
      }
      return total == 0 ? -1 : total;
    }

    private void advance(int n) {
      position += n;
      streamPosition += n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      position = newPosition;
      return this;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
      closeStream();
    }

    private void closeStream() {
      if (stream != null) {
        stream.abort();
        try {
          stream.close();
        } catch (IOException ignored) {
          // aborted already
        }
        stream = null;
      }
    }
  }
}
