package dev.musubi.drive;

import java.util.List;

/** A folder, the path from its drive's root to it, and one page of its entries. */
public record FolderPage(
    DriveItem folder,
    List<DriveItem> path,
    List<DriveItem> items,
    int page,
    int size,
    long total) {}
