package dev.musubi.platform.search;

import java.time.Instant;
import java.util.UUID;

/**
 * One searchable thing (a message, a mail, a file name…).
 *
 * @param tenantId the company; searches never cross companies
 * @param type what kind of document, e.g. {@code message}
 * @param id its ID, unique within (tenant, type)
 * @param scope the access scope it belongs to, e.g. the room ID; queries name the scopes the caller
 *     may see
 * @param author who wrote it (a member ID), or empty
 * @param time when it was written
 * @param text the text to index (Japanese and English)
 */
public record SearchDocument(
    UUID tenantId,
    String type,
    String id,
    String scope,
    String author,
    Instant time,
    String text) {}
