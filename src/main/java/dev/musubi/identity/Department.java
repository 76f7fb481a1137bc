package dev.musubi.identity;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A department; departments form a tree per company. */
public record Department(
    UUID id, @Nullable UUID parentId, String name, String nameReading, int sortOrder) {}
