package dev.musubi.identity.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import org.junit.jupiter.api.Test;

class CommonPasswordsTests {

  private final CommonPasswords common = new CommonPasswords();

  @Test
  void defaultListHoldsTheDistinctLowerCasedSourceLines() {
    // 104,259 lines of the source, which lower-casing merges into 100,500 distinct entries.
    assertThat(common.size()).isGreaterThanOrEqualTo(100_000);
  }

  @Test
  void wellKnownPasswordsAreOnTheList() {
    assertThat(common.contains("password")).isTrue();
    assertThat(common.contains("123456")).isTrue();
    assertThat(common.contains("qwerty")).isTrue();
  }

  @Test
  void randomStringIsNotOnTheList() {
    assertThat(common.contains("q7vk2m9xz4wp8rt3ny6b")).isFalse();
  }

  @Test
  void missingResourceIsReportedOnFirstUse() {
    var missing = new CommonPasswords("/security/no-such-list.txt.gz");
    assertThatIllegalStateException().isThrownBy(missing::size);
  }

  @Test
  void listStaysWellBelowFifteenMegabytes() {
    Runtime runtime = Runtime.getRuntime();
    System.gc();
    long before = runtime.totalMemory() - runtime.freeMemory();
    var fresh = new CommonPasswords();
    fresh.size();
    System.gc();
    long after = runtime.totalMemory() - runtime.freeMemory();
    // A rough measurement, so it only guards against gross regressions.
    assertThat(after - before).isLessThan(15L * 1024 * 1024);
    assertThat(fresh.contains("password")).isTrue();
  }
}
