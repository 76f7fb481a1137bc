package dev.musubi.messaging;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A file or image of a talk message, as members see it.
 *
 * @param id its ID, for {@code /api/v1/talk/rooms/{room}/attachments/{id}}
 * @param name the file name as uploaded (shown as text, never as markup)
 * @param contentType the media type: a proven image type when the server decoded the image, the
 *     uploader's declared type otherwise
 * @param size bytes
 * @param width pixels, for images
 * @param height pixels, for images
 * @param thumbnail whether {@code …/thumbnail} has a small rendition
 */
public record Attachment(
    UUID id,
    String name,
    String contentType,
    long size,
    @Nullable Integer width,
    @Nullable Integer height,
    boolean thumbnail) {}
