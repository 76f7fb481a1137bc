package dev.musubi.mail;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A message in a list (folder, search, thread). */
public record MessageItem(
    UUID id,
    UUID threadId,
    UUID folderId,
    @Nullable MailAddress from,
    List<MailAddress> to,
    String subject,
    String preview,
    Instant date,
    long size,
    boolean seen,
    boolean flagged,
    boolean answered,
    boolean draft,
    boolean hasAttachments) {}
