package dev.musubi.platform.privacy;

import java.util.Collection;
import java.util.Collections;

/** Placeholders for {@code IN (…)} lists, so that retention and erasure SQL stays portable. */
public final class SqlLists {

  private SqlLists() {}

  /**
   * {@code " AND column NOT IN (?, ?, …)"} for a non-empty collection, otherwise the empty string;
   * the caller adds the values as parameters in the same order.
   */
  public static String notIn(String column, Collection<?> values) {
    if (values.isEmpty()) {
      return "";
    }
    return " AND "
        + column
        + " NOT IN ("
        + String.join(", ", Collections.nCopies(values.size(), "?"))
        + ")";
  }
}
