package dev.musubi.calendar.internal;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import java.util.Map;
import java.util.TreeMap;

/**
 * Japanese public holidays (国民の祝日) computed by rule for 2000 to 2099: the fixed and Happy Monday
 * holidays, the equinoxes by the usual approximation, 振替休日 (a holiday on a Sunday moves to the next
 * weekday that is not a holiday) and 国民の休日 (a weekday between two holidays), with the one-off
 * changes of 2019 to 2021.
 */
public final class JapaneseHolidays {

  public static final int FIRST_YEAR = 2000;
  public static final int LAST_YEAR = 2099;

  private JapaneseHolidays() {}

  /** The holidays of a year, date to Japanese name; empty outside the supported years. */
  public static Map<LocalDate, String> of(int year) {
    TreeMap<LocalDate, String> h = new TreeMap<>();
    if (year < FIRST_YEAR || year > LAST_YEAR) {
      return h;
    }
    h.put(LocalDate.of(year, 1, 1), "元日");
    h.put(nthMonday(year, Month.JANUARY, 2), "成人の日");
    h.put(LocalDate.of(year, 2, 11), "建国記念の日");
    if (year >= 2020) {
      h.put(LocalDate.of(year, 2, 23), "天皇誕生日");
    }
    h.put(LocalDate.of(year, 3, springEquinoxDay(year)), "春分の日");
    h.put(LocalDate.of(year, 4, 29), year >= 2007 ? "昭和の日" : "みどりの日");
    h.put(LocalDate.of(year, 5, 3), "憲法記念日");
    if (year >= 2007) {
      h.put(LocalDate.of(year, 5, 4), "みどりの日");
    }
    h.put(LocalDate.of(year, 5, 5), "こどもの日");
    if (year == 2020) {
      h.put(LocalDate.of(2020, 7, 23), "海の日");
      h.put(LocalDate.of(2020, 7, 24), "スポーツの日");
      h.put(LocalDate.of(2020, 8, 10), "山の日");
    } else if (year == 2021) {
      h.put(LocalDate.of(2021, 7, 22), "海の日");
      h.put(LocalDate.of(2021, 7, 23), "スポーツの日");
      h.put(LocalDate.of(2021, 8, 8), "山の日");
    } else {
      h.put(year >= 2003 ? nthMonday(year, Month.JULY, 3) : LocalDate.of(year, 7, 20), "海の日");
      if (year >= 2016) {
        h.put(LocalDate.of(year, 8, 11), "山の日");
      }
      h.put(nthMonday(year, Month.OCTOBER, 2), year >= 2020 ? "スポーツの日" : "体育の日");
    }
    h.put(year >= 2003 ? nthMonday(year, Month.SEPTEMBER, 3) : LocalDate.of(year, 9, 15), "敬老の日");
    h.put(LocalDate.of(year, 9, autumnEquinoxDay(year)), "秋分の日");
    h.put(LocalDate.of(year, 11, 3), "文化の日");
    h.put(LocalDate.of(year, 11, 23), "勤労感謝の日");
    if (year <= 2018) {
      h.put(LocalDate.of(year, 12, 23), "天皇誕生日");
    }
    if (year == 2019) {
      h.put(LocalDate.of(2019, 5, 1), "即位の日");
      h.put(LocalDate.of(2019, 10, 22), "即位礼正殿の儀の行われる日");
    }
    // 国民の休日: a day between two holidays that is not itself one (and not a Sunday).
    TreeMap<LocalDate, String> extra = new TreeMap<>();
    for (LocalDate d : h.keySet()) {
      LocalDate between = d.plusDays(1);
      if (!h.containsKey(between)
          && h.containsKey(between.plusDays(1))
          && between.getDayOfWeek() != DayOfWeek.SUNDAY) {
        extra.put(between, "国民の休日");
      }
    }
    h.putAll(extra);
    // 振替休日: a holiday on a Sunday makes the next day that is not a holiday one.
    TreeMap<LocalDate, String> substitutes = new TreeMap<>();
    for (LocalDate d : h.keySet()) {
      if (d.getDayOfWeek() == DayOfWeek.SUNDAY) {
        LocalDate next = d.plusDays(1);
        while (h.containsKey(next) || substitutes.containsKey(next)) {
          next = next.plusDays(1);
        }
        if (year >= 2007 || next.equals(d.plusDays(1))) {
          substitutes.put(next, "振替休日");
        }
      }
    }
    substitutes.forEach(
        (d, n) -> {
          if (d.getYear() == year) {
            h.put(d, n);
          }
        });
    return h;
  }

  /** The holidays in {@code [from, to)}. */
  public static Map<LocalDate, String> between(LocalDate from, LocalDate to) {
    TreeMap<LocalDate, String> all = new TreeMap<>();
    for (int y = from.getYear(); y <= to.getYear(); y++) {
      all.putAll(of(y));
    }
    return all.subMap(from, true, to, false);
  }

  /** 春分日: floor(20.8431 + 0.242194 (y - 1980) - floor((y - 1980) / 4)), valid 1980-2099. */
  static int springEquinoxDay(int year) {
    return (int) Math.floor(20.8431 + 0.242194 * (year - 1980) - Math.floor((year - 1980) / 4.0));
  }

  /** 秋分日: floor(23.2488 + 0.242194 (y - 1980) - floor((y - 1980) / 4)), valid 1980-2099. */
  static int autumnEquinoxDay(int year) {
    return (int) Math.floor(23.2488 + 0.242194 * (year - 1980) - Math.floor((year - 1980) / 4.0));
  }

  private static LocalDate nthMonday(int year, Month month, int n) {
    return LocalDate.of(year, month, 1)
        .with(TemporalAdjusters.dayOfWeekInMonth(n, DayOfWeek.MONDAY));
  }
}
