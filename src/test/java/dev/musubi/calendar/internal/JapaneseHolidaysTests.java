package dev.musubi.calendar.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JapaneseHolidaysTests {

  @Test
  void silverWeek2026HasTheCitizensHolidayBetweenRespectForTheAgedDayAndTheEquinox() {
    Map<LocalDate, String> h = JapaneseHolidays.of(2026);
    assertThat(h.get(LocalDate.of(2026, 9, 21))).isEqualTo("敬老の日");
    assertThat(h.get(LocalDate.of(2026, 9, 22))).isEqualTo("国民の休日");
    assertThat(h.get(LocalDate.of(2026, 9, 23))).isEqualTo("秋分の日");
  }

  @Test
  void knownDatesOf2026() {
    Map<LocalDate, String> h = JapaneseHolidays.of(2026);
    assertThat(h)
        .containsEntry(LocalDate.of(2026, 1, 1), "元日")
        .containsEntry(LocalDate.of(2026, 1, 12), "成人の日")
        .containsEntry(LocalDate.of(2026, 2, 11), "建国記念の日")
        .containsEntry(LocalDate.of(2026, 2, 23), "天皇誕生日")
        .containsEntry(LocalDate.of(2026, 3, 20), "春分の日")
        .containsEntry(LocalDate.of(2026, 4, 29), "昭和の日")
        .containsEntry(LocalDate.of(2026, 5, 3), "憲法記念日")
        .containsEntry(LocalDate.of(2026, 5, 4), "みどりの日")
        .containsEntry(LocalDate.of(2026, 5, 5), "こどもの日")
        // 5/3 is a Sunday: the next day that is not a holiday is 5/6.
        .containsEntry(LocalDate.of(2026, 5, 6), "振替休日")
        .containsEntry(LocalDate.of(2026, 7, 20), "海の日")
        .containsEntry(LocalDate.of(2026, 8, 11), "山の日")
        .containsEntry(LocalDate.of(2026, 10, 12), "スポーツの日")
        .containsEntry(LocalDate.of(2026, 11, 3), "文化の日")
        .containsEntry(LocalDate.of(2026, 11, 23), "勤労感謝の日");
    assertThat(h).hasSize(18);
  }

  @Test
  void substituteHolidaysAndOneOffChanges() {
    // 2023-01-01 was a Sunday: 1/2 is a substitute holiday.
    assertThat(JapaneseHolidays.of(2023)).containsEntry(LocalDate.of(2023, 1, 2), "振替休日");
    // 2019: the enthronement made a ten-day break with two citizens' holidays.
    Map<LocalDate, String> y2019 = JapaneseHolidays.of(2019);
    assertThat(y2019)
        .containsEntry(LocalDate.of(2019, 4, 30), "国民の休日")
        .containsEntry(LocalDate.of(2019, 5, 1), "即位の日")
        .containsEntry(LocalDate.of(2019, 5, 2), "国民の休日")
        .containsEntry(LocalDate.of(2019, 5, 6), "振替休日");
    // 2020 and 2021 moved the summer holidays for the Olympics.
    assertThat(JapaneseHolidays.of(2021))
        .containsEntry(LocalDate.of(2021, 7, 22), "海の日")
        .containsEntry(LocalDate.of(2021, 7, 23), "スポーツの日")
        .containsEntry(LocalDate.of(2021, 8, 8), "山の日")
        .containsEntry(LocalDate.of(2021, 8, 9), "振替休日");
    assertThat(JapaneseHolidays.of(2021)).doesNotContainKey(LocalDate.of(2021, 10, 11));
  }

  @Test
  void equinoxesByTheStandardFormula() {
    assertThat(JapaneseHolidays.springEquinoxDay(2024)).isEqualTo(20);
    assertThat(JapaneseHolidays.autumnEquinoxDay(2024)).isEqualTo(22);
    assertThat(JapaneseHolidays.springEquinoxDay(2025)).isEqualTo(20);
    assertThat(JapaneseHolidays.autumnEquinoxDay(2025)).isEqualTo(23);
    assertThat(JapaneseHolidays.autumnEquinoxDay(2026)).isEqualTo(23);
    assertThat(JapaneseHolidays.springEquinoxDay(2027)).isEqualTo(21);
  }

  @Test
  void betweenCrossesYearsAndOutsideTheSupportedRangeIsEmpty() {
    assertThat(JapaneseHolidays.between(LocalDate.of(2025, 12, 31), LocalDate.of(2026, 1, 2)))
        .containsOnlyKeys(LocalDate.of(2026, 1, 1));
    assertThat(JapaneseHolidays.of(1999)).isEmpty();
    assertThat(JapaneseHolidays.of(2100)).isEmpty();
  }
}
