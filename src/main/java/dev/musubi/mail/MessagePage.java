package dev.musubi.mail;

import java.util.List;

/**
 * One page of a folder's messages or of search hits; {@code page} counts from 0.
 *
 * @param pending for a search, how many of the member's messages were still waiting to be indexed
 *     when it answered (the hits may miss them; the indexer keeps going); 0 for a folder's list
 */
public record MessagePage(List<MessageItem> items, int page, int size, long total, int pending) {}
