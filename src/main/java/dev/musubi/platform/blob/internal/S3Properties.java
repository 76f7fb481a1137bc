package dev.musubi.platform.blob.internal;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The S3-compatible store used when {@code musubi.blobs.backend} is {@code s3}; env {@code
 * MUSUBI_S3_ENDPOINT}, {@code MUSUBI_S3_BUCKET}, {@code MUSUBI_S3_ACCESS_KEY}, {@code
 * MUSUBI_S3_SECRET_KEY}, {@code MUSUBI_S3_REGION}, {@code MUSUBI_S3_PREFIX}, {@code
 * MUSUBI_S3_PATH_STYLE}, {@code MUSUBI_S3_PART_SIZE_MB}.
 *
 * @param endpoint the store's URL (empty for AWS itself)
 * @param bucket the bucket, created at start when absent
 * @param accessKey the access key ID
 * @param secretKey the secret access key
 * @param region the region (default {@code us-east-1})
 * @param prefix a key prefix inside the bucket (default none)
 * @param pathStyle path-style URLs (default true, what most S3-compatible stores need)
 * @param partSizeMb multipart upload part size in MiB (5 to 512, default 16); memory per upload
 */
@ConfigurationProperties("musubi.s3")
public record S3Properties(
    @Nullable String endpoint,
    @Nullable String bucket,
    @Nullable String accessKey,
    @Nullable String secretKey,
    @Nullable String region,
    @Nullable String prefix,
    @Nullable Boolean pathStyle,
    @Nullable Integer partSizeMb) {

  public S3Properties {
    if (region == null || region.isBlank()) {
      region = "us-east-1";
    }
    if (prefix == null) {
      prefix = "";
    }
    if (pathStyle == null) {
      pathStyle = true;
    }
    if (partSizeMb == null) {
      partSizeMb = 16;
    }
    if (partSizeMb < 5 || partSizeMb > 512) {
      throw new IllegalStateException("MUSUBI_S3_PART_SIZE_MB must be between 5 and 512");
    }
  }
}
