/**
 * The search port: full-text indexes that modules feed and query, per company. The embedded engine
 * is Apache Lucene with Japanese analysis; the index is rebuildable from the stores.
 */
@NullMarked
package dev.musubi.platform.search;

import org.jspecify.annotations.NullMarked;
