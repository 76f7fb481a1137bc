package dev.musubi.platform.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads a generated file of many rows (two thirds IPv4, one third IPv6, countries at random) and
 * checks addresses inside, between and outside the ranges. {@code -Dmusubi.geoip.rows=3000000}
 * gives the figures in docs/benchmarks.md; the normal suite reads 300,000 rows.
 */
class IpCountryTableLoadTests {

  static final int ROWS = Integer.getInteger("musubi.geoip.rows", 300_000);

  @TempDir Path dir;

  @Test
  void loadsManyRowsQuicklyAndAnswersRight() throws IOException {
    int v4Rows = ROWS / 3 * 2;
    int v6Rows = ROWS - v4Rows;
    long v4Step = (1L << 32) / v4Rows;
    long v6Step = (1L << 60) / v6Rows;
    String[] codes = {"JP", "US", "DE", "FR", "CN", "KR", "GB", "BR", "IN", "AU", "CA", "IT"};
    Path csv = dir.resolve("ip-to-country.csv.gz");
    SplittableRandom random = new SplittableRandom(42);
    int[] v4Country = new int[v4Rows];
    int[] v6Country = new int[v6Rows];
    long started = System.nanoTime();
    try (Writer w =
        new BufferedWriter(
            new OutputStreamWriter(
                new GZIPOutputStream(Files.newOutputStream(csv), 1 << 16),
                StandardCharsets.US_ASCII),
            1 << 16)) {
      w.write("start_ip,end_ip,country\n");
      for (int i = 0; i < v4Rows; i++) {
        // Each range leaves its last address out, so there are gaps between neighbours.
        long start = i * v4Step;
        v4Country[i] = random.nextInt(codes.length);
        w.write(v4(start) + "," + v4(start + v4Step - 2) + "," + codes[v4Country[i]] + "\n");
      }
      for (int i = 0; i < v6Rows; i++) {
        long start = (0x2L << 60) + i * v6Step;
        v6Country[i] = random.nextInt(codes.length);
        w.write(
            v6(start, 0) + "," + v6(start + v6Step - 1, -1L) + "," + codes[v6Country[i]] + "\n");
      }
    }
    long writeMillis = (System.nanoTime() - started) / 1_000_000;

    Runtime rt = Runtime.getRuntime();
    System.gc();
    long heapBefore = rt.totalMemory() - rt.freeMemory();
    started = System.nanoTime();
    IpCountryTable t;
    try (InputStream in = Files.newInputStream(csv)) {
      t = IpCountryTable.read(in);
    }
    long loadMillis = (System.nanoTime() - started) / 1_000_000;
    System.gc();
    long heapAfter = rt.totalMemory() - rt.freeMemory();

    assertThat(t.report().rows()).isEqualTo(ROWS);
    assertThat(t.report().skipped()).isZero();
    for (int k = 0; k < 10_000; k++) {
      int i = random.nextInt(v4Rows);
      long start = i * v4Step;
      assertThat(t.lookup(v4(start + random.nextLong(v4Step - 1)))).isEqualTo(codes[v4Country[i]]);
      assertThat(t.lookup(v4(start + v4Step - 1))).as("the gap").isNull();
      int j = random.nextInt(v6Rows);
      assertThat(t.lookup(v6((0x2L << 60) + j * v6Step, random.nextLong())))
          .isEqualTo(codes[v6Country[j]]);
    }
    assertThat(t.lookup("3001::1")).as("past the IPv6 ranges").isNull();
    long lookups = 1_000_000;
    started = System.nanoTime();
    int found = 0;
    for (int k = 0; k < lookups; k++) {
      found += t.lookup(v4(random.nextLong(1L << 32))) != null ? 1 : 0;
    }
    long lookupNanos = (System.nanoTime() - started) / lookups;
    assertThat(found).isPositive();
    System.out.printf(
        "GeoIP load: %d rows (%d MB gzip, written in %d ms) read in %d ms; table %d MB (%d"
            + " boundaries), heap +%d MB; lookup %d ns%n",
        ROWS,
        Files.size(csv) >> 20,
        writeMillis,
        loadMillis,
        t.sizeInBytes() >> 20,
        t.report().boundaries(),
        (heapAfter - heapBefore) >> 20,
        lookupNanos);
    // Generous bounds for a shared 2-core machine; the measured figures are far below.
    assertThat(loadMillis).isLessThan(ROWS / 100L + 5_000);
    assertThat(t.sizeInBytes()).isLessThan(ROWS * 2L * 18);
  }

  static String v4(long a) {
    return (a >>> 24 & 0xff) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
  }

  static String v6(long hi, long lo) {
    return Long.toHexString(hi >>> 48)
        + ":"
        + Long.toHexString(hi >>> 32 & 0xffff)
        + ":"
        + Long.toHexString(hi >>> 16 & 0xffff)
        + ":"
        + Long.toHexString(hi & 0xffff)
        + ":"
        + Long.toHexString(lo >>> 48)
        + ":"
        + Long.toHexString(lo >>> 32 & 0xffff)
        + ":"
        + Long.toHexString(lo >>> 16 & 0xffff)
        + ":"
        + Long.toHexString(lo & 0xffff);
  }
}
