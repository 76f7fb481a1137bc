package dev.musubi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.platform.blob.internal.S3Properties;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/** A real S3 API server on 127.0.0.1 (s3proxy over jclouds' filesystem provider) for tests. */
public final class TestS3 implements AutoCloseable {

  public static final String ACCESS = "musubi-test-access";
  public static final String SECRET = "musubi-test-secret-key-0123456789";

  private final S3Proxy proxy;
  private final BlobStoreContext jclouds;

  private TestS3(S3Proxy proxy, BlobStoreContext jclouds) {
    this.proxy = proxy;
    this.jclouds = jclouds;
  }

  public static TestS3 start() throws Exception {
    Path baseDir = Files.createTempDirectory("musubi-s3proxy");
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", baseDir.toString());
    BlobStoreContext jclouds =
        ContextBuilder.newBuilder("filesystem").overrides(properties).build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(jclouds.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
            .build();
    proxy.start();
    for (int i = 0; i < 500 && !"STARTED".equals(proxy.getState()); i++) {
      Thread.sleep(10);
    }
    assertThat(proxy.getState()).isEqualTo("STARTED");
    return new TestS3(proxy, jclouds);
  }

  /** Settings for a bucket of this server, objects under {@code musubi/}. */
  public S3Properties properties(String bucket) {
    return new S3Properties(
        "http://127.0.0.1:" + proxy.getPort(), bucket, ACCESS, SECRET, null, "musubi/", null, 5);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    jclouds.close();
  }
}
