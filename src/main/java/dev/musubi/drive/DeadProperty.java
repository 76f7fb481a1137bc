package dev.musubi.drive;

import org.jspecify.annotations.Nullable;

/**
 * A WebDAV property set by a client (PROPPATCH) on a drive item.
 *
 * @param value the property's content as an XML fragment; null in a change that removes it
 */
public record DeadProperty(String namespace, String name, @Nullable String value) {}
