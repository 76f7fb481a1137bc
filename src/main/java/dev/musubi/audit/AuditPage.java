package dev.musubi.audit;

import java.util.List;

/**
 * One page of search results, newest first.
 *
 * @param total how many entries match the filter in all
 */
public record AuditPage(List<AuditEntry> items, int page, int size, long total) {}
