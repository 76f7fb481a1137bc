package dev.musubi.calendar.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.fortuna.ical4j.model.Recur;
import org.jspecify.annotations.Nullable;

/**
 * RFC 5545 recurrence rules through ical4j, expanded on wall-clock time in the event's zone (so a
 * 09:00 meeting stays at 09:00 across daylight-saving switches) and only within a requested window:
 * an unbounded rule or one with {@code COUNT=1000000} is fast-forwarded to the window instead of
 * walked from its start.
 */
public final class Recurrence {

  /** The frequencies accepted; finer ones would make a series of thousands of items a day. */
  public static final Set<String> FREQUENCIES = Set.of("DAILY", "WEEKLY", "MONTHLY", "YEARLY");

  /** A series is expanded fully when computing its end only up to this many occurrences. */
  static final int COUNT_EXPANDED_ON_SAVE = 5000;

  private static final DateTimeFormatter UTC_FORM =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter FLOATING_FORM =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss");
  private static final DateTimeFormatter DATE_FORM = DateTimeFormatter.BASIC_ISO_DATE;
  private static final Set<String> KNOWN_PARTS =
      Set.of(
          "FREQ",
          "UNTIL",
          "COUNT",
          "INTERVAL",
          "BYSECOND",
          "BYMINUTE",
          "BYHOUR",
          "BYDAY",
          "BYMONTHDAY",
          "BYYEARDAY",
          "BYWEEKNO",
          "BYMONTH",
          "BYSETPOS",
          "WKST");

  private Recurrence() {}

  /** One occurrence: the original start (its RECURRENCE-ID) and its start and end. */
  public record Instance(Instant recurrenceId, Instant start, Instant end) {}

  /** A rule that is not acceptable; the message is safe to show. */
  public static final class InvalidRule extends IllegalArgumentException {
    public InvalidRule(String message) {
      super(message);
    }
  }

  /**
   * Checks a rule and returns its canonical text (upper case, no {@code RRULE:} prefix, UNTIL in
   * UTC for timed series). Throws {@link InvalidRule}.
   */
  public static String normalize(String text, LocalDateTime seed, ZoneId zone, boolean allDay) {
    String t = text.trim();
    if (t.regionMatches(true, 0, "RRULE:", 0, 6)) {
      t = t.substring(6);
    }
    if (t.isEmpty() || t.length() > 500) {
      throw new InvalidRule("The rule must have 1 to 500 characters.");
    }
    Map<String, String> parts = parts(t.toUpperCase(Locale.ROOT));
    String freq = parts.get("FREQ");
    if (freq == null || !FREQUENCIES.contains(freq)) {
      throw new InvalidRule("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY.");
    }
    if (parts.containsKey("COUNT") && parts.containsKey("UNTIL")) {
      throw new InvalidRule("A rule has COUNT or UNTIL, not both.");
    }
    if (parts.containsKey("COUNT")) {
      long count = number(parts.get("COUNT"), "COUNT");
      if (count < 1 || count > 10_000_000) {
        throw new InvalidRule("COUNT must be between 1 and 10000000.");
      }
    }
    if (parts.containsKey("INTERVAL")) {
      long interval = number(parts.get("INTERVAL"), "INTERVAL");
      if (interval < 1 || interval > 1000) {
        throw new InvalidRule("INTERVAL must be between 1 and 1000.");
      }
    }
    if (parts.containsKey("UNTIL")) {
      Instant until = until(parts.get("UNTIL"), zone);
      parts.put(
          "UNTIL",
          allDay
              ? DATE_FORM.format(until.atZone(zone).toLocalDate())
              : UTC_FORM.format(until.truncatedTo(ChronoUnit.SECONDS)));
    }
    String canonical = join(parts);
    try {
      new Recur<LocalDateTime>(forIcal4j(parts, zone));
    } catch (RuntimeException e) {
      throw new InvalidRule("The rule is not valid RFC 5545 RRULE text.");
    }
    return canonical;
  }

  /**
   * The last instant any occurrence can end, or null when the series has no bound that is cheap to
   * compute (no end, or a very large COUNT).
   */
  public static @Nullable Instant rangeEnd(
      LocalDateTime seed, ZoneId zone, Duration duration, String rule, Collection<Instant> rdates) {
    Map<String, String> parts = parts(rule);
    Instant last = null;
    if (parts.containsKey("UNTIL")) {
      last = until(parts.get("UNTIL"), zone);
    } else if (parts.containsKey("COUNT")
        && Long.parseLong(parts.get("COUNT")) <= COUNT_EXPANDED_ON_SAVE) {
      Recur<LocalDateTime> recur = new Recur<>(forIcal4j(parts, zone));
      List<LocalDateTime> all =
          recur.getDates(seed, seed, seed.plusYears(2000), COUNT_EXPANDED_ON_SAVE + 1);
      last = all.isEmpty() ? at(seed, zone) : at(all.getLast(), zone);
    } else {
      return null;
    }
    for (Instant r : rdates) {
      if (r.isAfter(last)) {
        last = r;
      }
    }
    Instant seedAt = at(seed, zone);
    return (last.isBefore(seedAt) ? seedAt : last).plus(duration);
  }

  /**
   * The occurrences that overlap {@code [from, to)}, at most {@code max}, in start order. The
   * master's DTSTART always counts as an occurrence; EXDATEs are removed and RDATEs added.
   */
  public static List<Instance> expand(
      LocalDateTime seed,
      ZoneId zone,
      Duration duration,
      @Nullable String rule,
      Collection<Instant> exdates,
      Collection<Instant> rdates,
      Instant from,
      Instant to,
      int max) {
    TreeSet<Instant> starts = new TreeSet<>();
    Instant seedAt = at(seed, zone);
    if (overlaps(seedAt, duration, from, to)) {
      starts.add(seedAt);
    }
    for (Instant r : rdates) {
      if (overlaps(r, duration, from, to)) {
        starts.add(r);
      }
    }
    if (rule != null) {
      Map<String, String> parts = parts(rule);
      LocalDateTime windowStart = LocalDateTime.ofInstant(from.minus(duration), zone).minusDays(2);
      LocalDateTime windowEnd = LocalDateTime.ofInstant(to, zone).plusDays(2);
      LocalDateTime effectiveSeed = fastForward(seed, parts, windowStart);
      if (effectiveSeed != null && !windowEnd.isBefore(effectiveSeed)) {
        Recur<LocalDateTime> recur = parsed(forIcal4j(parts, zone));
        LocalDateTime periodStart =
            windowStart.isAfter(effectiveSeed) ? windowStart : effectiveSeed;
        for (LocalDateTime d :
            recur.getDates(effectiveSeed, periodStart, windowEnd, max * 2 + 10)) {
          Instant s = at(d, zone);
          if (overlaps(s, duration, from, to)) {
            starts.add(s);
          }
        }
      }
    }
    starts.removeAll(exdates);
    List<Instance> result = new ArrayList<>();
    for (Instant s : starts) {
      if (result.size() >= max) {
        break;
      }
      result.add(new Instance(s, s, s.plus(duration)));
    }
    return result;
  }

  /** Whether an instant is one of the series' occurrence starts (for RECURRENCE-ID checks). */
  public static boolean isOccurrence(
      LocalDateTime seed,
      ZoneId zone,
      Duration duration,
      @Nullable String rule,
      Collection<Instant> rdates,
      Instant start) {
    return expand(
            seed,
            zone,
            duration,
            rule,
            List.of(),
            rdates,
            start,
            start.plus(duration).plusSeconds(1),
            50)
        .stream()
        .anyMatch(i -> i.start().equals(start));
  }

  /** The occurrence starts of a series before {@code before} (at most {@code max}). */
  public static int countBefore(
      LocalDateTime seed, ZoneId zone, String rule, Instant before, int max) {
    Recur<LocalDateTime> recur = new Recur<>(forIcal4j(parts(rule), zone));
    LocalDateTime end = LocalDateTime.ofInstant(before, zone);
    List<LocalDateTime> dates = recur.getDates(seed, seed, end, max);
    int n = 0;
    for (LocalDateTime d : dates) {
      if (at(d, zone).isBefore(before)) {
        n++;
      }
    }
    boolean seedCounted = dates.contains(seed);
    return seedCounted || !at(seed, zone).isBefore(before) ? n : n + 1;
  }

  /** The rule with its end set to just before {@code before} (for "this and following"). */
  public static String endBefore(String rule, Instant before, boolean allDay, ZoneId zone) {
    Map<String, String> parts = parts(rule);
    parts.remove("COUNT");
    Instant until = before.minusSeconds(1);
    parts.put(
        "UNTIL",
        allDay
            ? DATE_FORM.format(until.atZone(zone).toLocalDate())
            : UTC_FORM.format(until.truncatedTo(ChronoUnit.SECONDS)));
    return join(parts);
  }

  /** The rule with COUNT reduced by {@code used} (for the second half of a split series). */
  public static @Nullable String withCountReduced(String rule, int used) {
    Map<String, String> parts = parts(rule);
    if (!parts.containsKey("COUNT")) {
      return rule;
    }
    long left = Long.parseLong(parts.get("COUNT")) - used;
    if (left <= 0) {
      return null;
    }
    parts.put("COUNT", Long.toString(left));
    return join(parts);
  }

  /**
   * The UTC instant of a wall-clock time in a zone (gaps move forward, overlaps take the first).
   */
  public static Instant at(LocalDateTime local, ZoneId zone) {
    return ZonedDateTime.of(local, zone).toInstant();
  }

  // ------------------------------------------------------------------------------------------

  /**
   * A later seed with the same pattern, a whole number of periods ahead and still before the
   * window, or the seed itself; null when a COUNT ends the series before the window. Only simple
   * patterns are moved: DAILY and WEEKLY (and MONTHLY on days 1 to 28), and with COUNT only rules
   * without BY parts, where every period holds exactly one occurrence.
   */
  private static @Nullable LocalDateTime fastForward(
      LocalDateTime seed, Map<String, String> parts, LocalDateTime windowStart) {
    if (!windowStart.isAfter(seed)) {
      return seed;
    }
    String freq = parts.get("FREQ");
    long interval = parts.containsKey("INTERVAL") ? Long.parseLong(parts.get("INTERVAL")) : 1;
    boolean hasBy = parts.keySet().stream().anyMatch(k -> k.startsWith("BY"));
    boolean hasCount = parts.containsKey("COUNT");
    if (hasCount && hasBy) {
      return seed;
    }
    ChronoUnit unit =
        switch (freq) {
          case "DAILY" -> ChronoUnit.DAYS;
          case "WEEKLY" -> ChronoUnit.WEEKS;
          case "MONTHLY" -> seed.getDayOfMonth() <= 28 ? ChronoUnit.MONTHS : null;
          default -> null;
        };
    if (unit == null) {
      return seed;
    }
    long periods = unit.between(seed, windowStart);
    long steps = periods / interval - 1;
    if (steps <= 0) {
      return seed;
    }
    if (hasCount) {
      long count = Long.parseLong(parts.get("COUNT"));
      if (steps >= count) {
        return null;
      }
      parts.put("COUNT", Long.toString(count - steps));
    }
    return seed.plus(steps * interval, unit);
  }

  private static boolean overlaps(Instant start, Duration duration, Instant from, Instant to) {
    Instant end = start.plus(duration);
    return start.isBefore(to)
        && (end.isAfter(from) || (duration.isZero() && !start.isBefore(from)));
  }

  /** ical4j's form of the rule: UNTIL as a floating wall-clock time in the event's zone. */
  /**
   * Parsed rules by their text: ical4j parses UNTIL by trying formats that throw, which costs more
   * than expanding a month of a series, and every calendar read expands the same rules again. A
   * parsed {@link Recur} is not changed by {@code getDates} (which only sets an internal field to
   * the same value each time), so one instance serves all threads.
   */
  private static final Map<String, Recur<LocalDateTime>> PARSED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final int MAX_PARSED = 10_000;

  private static Recur<LocalDateTime> parsed(String rule) {
    Recur<LocalDateTime> r = PARSED.get(rule);
    if (r == null) {
      r = new Recur<>(rule);
      if (PARSED.size() < MAX_PARSED) {
        PARSED.put(rule, r);
      }
    }
    return r;
  }

  private static String forIcal4j(Map<String, String> parts, ZoneId zone) {
    Map<String, String> copy = new LinkedHashMap<>(parts);
    if (copy.containsKey("UNTIL")) {
      Instant until = until(copy.get("UNTIL"), zone);
      copy.put("UNTIL", FLOATING_FORM.format(LocalDateTime.ofInstant(until, zone)));
    }
    return join(copy);
  }

  private static Instant until(String value, ZoneId zone) {
    try {
      if (value.length() == 8) {
        return at(LocalDate.parse(value, DATE_FORM).atTime(LocalTime.of(23, 59, 59)), zone);
      }
      if (value.endsWith("Z")) {
        return UTC_FORM.parse(value, Instant::from);
      }
      return at(LocalDateTime.parse(value, FLOATING_FORM), zone);
    } catch (DateTimeParseException e) {
      throw new InvalidRule("UNTIL must be a date or a date-time.");
    }
  }

  private static long number(String value, String name) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new InvalidRule(name + " must be a number.");
    }
  }

  static Map<String, String> parts(String rule) {
    Map<String, String> parts = new LinkedHashMap<>();
    for (String p : rule.split(";")) {
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0 || eq == p.length() - 1) {
        throw new InvalidRule("Each rule part is NAME=VALUE.");
      }
      String name = p.substring(0, eq);
      if (!KNOWN_PARTS.contains(name)) {
        throw new InvalidRule("Unknown rule part " + name.replaceAll("[^A-Z0-9-]", "") + ".");
      }
      if (parts.put(name, p.substring(eq + 1)) != null) {
        throw new InvalidRule("A rule part appears twice.");
      }
    }
    return parts;
  }

  private static String join(Map<String, String> parts) {
    StringBuilder sb = new StringBuilder();
    parts.forEach(
        (k, v) -> {
          if (!sb.isEmpty()) {
            sb.append(';');
          }
          sb.append(k).append('=').append(v);
        });
    return sb.toString();
  }
}
