package dev.musubi.contacts;

/**
 * Address book settings as the caller sees them.
 *
 * @param membersMayEditShared members (not only admins) may edit the shared book
 * @param membersMayCollectFromMail the company lets members collect their outside mail
 *     correspondents as personal contacts (allowed unless an admin forbids it)
 * @param collectFromMail the caller collects them (off until they turn it on; has no effect while
 *     the company forbids it)
 */
public record ContactSettings(
    boolean membersMayEditShared, boolean membersMayCollectFromMail, boolean collectFromMail) {}
