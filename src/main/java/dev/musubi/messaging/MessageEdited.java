package dev.musubi.messaging;

import java.util.UUID;

/** Published (after commit) when a message's text was edited. */
public record MessageEdited(UUID tenantId, UUID roomId, UUID messageId, long seq) {}
