package dev.musubi.identity;

import java.time.Instant;
import java.util.UUID;

/** A customer company (tenant). */
public record Company(UUID id, String name, String domain, String status, Instant createdAt) {}
