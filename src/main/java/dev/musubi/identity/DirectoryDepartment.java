package dev.musubi.identity;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A department in the directory tree.
 *
 * @param depth 0 for a top-level department
 * @param path names from the top down to this department
 * @param memberCount active members placed directly in this department
 * @param totalMemberCount active members in this department and every department below it
 * @param children sub-departments (empty in the flat list)
 */
public record DirectoryDepartment(
    UUID id,
    @Nullable UUID parentId,
    String name,
    String nameReading,
    int sortOrder,
    int depth,
    List<String> path,
    int memberCount,
    int totalMemberCount,
    List<DirectoryDepartment> children) {}
