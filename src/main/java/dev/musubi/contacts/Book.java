package dev.musubi.contacts;

import dev.musubi.platform.web.Problems;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Which address book: the company's shared book or the caller's personal one. */
public enum Book {
  SHARED,
  PERSONAL;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code shared} or {@code personal}; a missing value means personal; 422 otherwise. */
  public static Book parse(@Nullable String code) {
    if (code == null || code.isBlank()) {
      return PERSONAL;
    }
    return switch (code.strip().toLowerCase(Locale.ROOT)) {
      case "shared" -> SHARED;
      case "personal" -> PERSONAL;
      default -> throw Problems.invalid("book", "unknown_book", "Use shared or personal.");
    };
  }
}
