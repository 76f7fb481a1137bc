package dev.musubi.mail;

import java.time.Instant;
import java.util.UUID;

/** An extra address that delivers to a member, who may also send as it. */
public record MailAlias(UUID id, String address, UUID memberId, Instant createdAt) {}
