package dev.musubi.platform.search;

/**
 * One hit: the document's ID and scope, and a highlighted fragment of its text in which the text is
 * HTML-escaped and the matches are wrapped in {@code <mark>}…{@code </mark>}.
 */
public record SearchHit(String id, String scope, float score, String highlight) {}
