package dev.musubi.drive;

/** Bytes used and allowed: the caller's personal drive and the whole company. */
public record Quota(long used, long limit, long companyUsed, long companyLimit, long maxFileSize) {}
