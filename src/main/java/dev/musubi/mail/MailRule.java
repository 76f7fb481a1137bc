package dev.musubi.mail;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A delivery rule: when {@code field} ({@code from}, {@code to} or {@code subject}) contains {@code
 * contains} (case- and width-insensitive), apply {@code action}: {@code move} (to {@code
 * folderId}), {@code flag} or {@code read}. The first matching rule wins.
 */
public record MailRule(
    UUID id,
    String field,
    String contains,
    String action,
    @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable UUID folderId,
    int position) {}
