package dev.musubi.mail;

import org.jspecify.annotations.Nullable;

/** An address with its display name (null when the message gave none). */
public record MailAddress(@Nullable String name, String address) {}
