package dev.musubi.platform.search;

import java.util.List;

/** Hits, best first, and how many documents matched in all. */
public record SearchResult(List<SearchHit> hits, long total) {}
