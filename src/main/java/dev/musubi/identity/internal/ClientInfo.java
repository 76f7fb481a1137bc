package dev.musubi.identity.internal;

/** Where a request came from, for audit and throttling. */
public record ClientInfo(String ip, String userAgent) {}
