package dev.musubi.drive;

import java.util.UUID;

/**
 * A drive the caller can see.
 *
 * @param kind {@code personal} or {@code shared}
 * @param role the caller's role in it
 */
public record DriveInfo(UUID id, String kind, String name, UUID rootFolderId, DriveRole role) {}
