package dev.musubi.platform.search;

import java.util.UUID;

/**
 * A full-text index. Writes are visible to searches shortly after they return (near real time); the
 * index is a cache of the stores and can be rebuilt from them at any time.
 */
public interface SearchIndex {

  /** Adds or replaces the document with the same (tenant, type, id). */
  void index(SearchDocument document);

  /** Removes a document; nothing happens when it is absent. */
  void delete(UUID tenantId, String type, String id);

  /** Removes every document of a type in a company (before a rebuild, or on deletion). */
  void deleteAll(UUID tenantId, String type);

  /**
   * Makes every write that has returned durable now rather than at the next periodic commit (a
   * clean shutdown does this, so that what was written need not be done again at the next start).
   * Returns whether it did; false when it could not (closed, failing, or an index without commits).
   */
  default boolean commitNow() {
    return false;
  }

  /**
   * Finds documents; never null, never throws for the text of a query. The text is plain words, not
   * a query language: every word must match (in the text, in a compound, or by its kana reading). A
   * text without words, or an empty set of scopes, finds nothing.
   */
  SearchResult search(SearchQuery query);
}
