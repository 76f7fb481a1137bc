package dev.musubi.identity;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Changes to a member's directory profile; null leaves a field as it is. {@code clearManager}
 * removes the manager.
 */
public record DirectoryProfileChanges(
    @Nullable String extension,
    @Nullable String office,
    @Nullable String title,
    @Nullable String nameRomaji,
    @Nullable UUID managerId,
    boolean clearManager) {}
