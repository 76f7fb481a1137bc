package dev.musubi.mail;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A message being written: recipients as {@code {name, address}} objects or {@code "Name
 * <address>"} strings, subject, plain and/or HTML body, uploaded attachment IDs, and optionally the
 * sender identity, the message replied to or forwarded, and the draft it replaces.
 */
public record Compose(
    @Nullable List<Object> to,
    @Nullable List<Object> cc,
    @Nullable List<Object> bcc,
    @Nullable String from,
    @Nullable String subject,
    @Nullable String text,
    @Nullable String html,
    @Nullable List<String> attachments,
    @Nullable String inReplyTo,
    @Nullable String forwardOf,
    @Nullable String draftId) {}
