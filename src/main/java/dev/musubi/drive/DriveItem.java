package dev.musubi.drive;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A folder or a file.
 *
 * @param type {@code folder} or {@code file}
 * @param etag the quoted ID of the file's current version (changes with every upload); null for
 *     folders
 * @param trashedAt when it went to the trash, or null
 */
public record DriveItem(
    UUID id,
    UUID driveId,
    @Nullable UUID parentId,
    String type,
    String name,
    long size,
    @Nullable String contentType,
    @Nullable String etag,
    @Nullable UUID versionId,
    Instant createdAt,
    Instant updatedAt,
    @Nullable Instant trashedAt) {

  public boolean folder() {
    return "folder".equals(type);
  }
}
