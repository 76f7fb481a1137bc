package dev.musubi.drive;

import org.jspecify.annotations.Nullable;

/**
 * Bytes used and allowed: the caller's personal drive and the whole company; and whether the caller
 * may download files here and now under the company's drive policy.
 *
 * @param download false when the drive policy refuses the caller's downloads from this request
 * @param downloadRefusal why not: {@code network} (not from a managed network) or {@code role};
 *     null when downloads are allowed
 */
public record Quota(
    long used,
    long limit,
    long companyUsed,
    long companyLimit,
    long maxFileSize,
    boolean download,
    @Nullable String downloadRefusal) {}
