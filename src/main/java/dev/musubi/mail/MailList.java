package dev.musubi.mail;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A distribution list: mail to its address goes to every active member of a department (with its
 * sub-departments) or of a custom group, as they are at delivery time. Exactly one of {@code
 * departmentId} and {@code groupId} is set. {@code targetName} is the department's or group's name,
 * null when it has been deleted; such a list is {@code broken}: it delivers to nobody until an
 * admin removes it.
 */
public record MailList(
    UUID id,
    String address,
    @Nullable UUID departmentId,
    @Nullable UUID groupId,
    @Nullable String targetName,
    boolean broken,
    Instant createdAt) {}
