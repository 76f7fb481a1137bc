package dev.musubi.mail;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/** An address with its display name (null when the message gave none). */
public record MailAddress(
    @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String name, String address) {}
