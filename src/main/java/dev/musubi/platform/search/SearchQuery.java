package dev.musubi.platform.search;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A search within one company and type, restricted to the scopes the caller may see.
 *
 * @param text the words to find (Japanese, English, hiragana readings)
 * @param scopes the scopes allowed; an empty set finds nothing
 * @param author only documents by this author, or null
 * @param after only documents at or after this time, or null
 * @param before only documents before this time, or null
 * @param limit at most this many hits (1..100)
 * @param highlight whether hits carry a highlighted fragment (false: an empty one, which saves
 *     reading and analysing each hit's text, much of the time of a search over long documents)
 */
public record SearchQuery(
    UUID tenantId,
    String type,
    String text,
    Set<String> scopes,
    @Nullable String author,
    @Nullable Instant after,
    @Nullable Instant before,
    int limit,
    boolean highlight) {

  /** A search whose hits carry highlighted fragments. */
  public SearchQuery(
      UUID tenantId,
      String type,
      String text,
      Set<String> scopes,
      @Nullable String author,
      @Nullable Instant after,
      @Nullable Instant before,
      int limit) {
    this(tenantId, type, text, scopes, author, after, before, limit, true);
  }
}
