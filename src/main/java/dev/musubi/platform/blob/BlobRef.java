package dev.musubi.platform.blob;

/** A stored blob: the lower-case hex SHA-256 of its plaintext and the plaintext's size in bytes. */
public record BlobRef(String sha256, long size) {}
