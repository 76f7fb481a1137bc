package dev.musubi.contacts;

/** A company's address book settings: may members (not only admins) edit the shared book. */
public record ContactSettings(boolean membersMayEditShared) {}
