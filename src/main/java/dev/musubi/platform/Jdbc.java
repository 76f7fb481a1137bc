package dev.musubi.platform;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Small helpers so that the same JDBC code runs on H2 and PostgreSQL: timestamps travel as {@link
 * OffsetDateTime} in UTC, truncated to microseconds (PostgreSQL's precision).
 */
public final class Jdbc {

  private Jdbc() {}

  public static @Nullable OffsetDateTime ts(@Nullable Instant instant) {
    return instant == null
        ? null
        : instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  public static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  public static Instant requiredInstant(ResultSet rs, String column) throws SQLException {
    Instant i = instant(rs, column);
    if (i == null) {
      throw new SQLException("Column " + column + " is null");
    }
    return i;
  }

  public static @Nullable UUID uuid(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, UUID.class);
  }

  /** Escapes {@code %}, {@code _} and {@code \} for a LIKE pattern (with ESCAPE '\'). */
  public static String likeContains(String text) {
    String escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    return "%" + escaped + "%";
  }
}
