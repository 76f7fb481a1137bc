package dev.musubi.drive;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** One stored version of a file; {@code number} counts from 1. */
public record FileVersion(
    UUID id,
    int number,
    long size,
    String contentType,
    @Nullable UUID createdBy,
    Instant createdAt,
    boolean current) {}
