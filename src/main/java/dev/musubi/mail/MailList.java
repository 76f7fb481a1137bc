package dev.musubi.mail;

import java.time.Instant;
import java.util.UUID;

/** A distribution list: mail to its address goes to every active member of the department. */
public record MailList(UUID id, String address, UUID departmentId, Instant createdAt) {}
