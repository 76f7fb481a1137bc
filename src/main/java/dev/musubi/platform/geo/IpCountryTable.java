package dev.musubi.platform.geo;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * An IP-to-country table in memory, read from the common free CSV layout {@code
 * start_ip,end_ip,country_code} (IPv4 and IPv6 rows, optional header line, optionally gzipped).
 *
 * <p>Kept compact: the ranges are turned into sorted boundaries, each the first address from which
 * a country (or no country) holds until the next boundary, so one IPv4 boundary costs 6 bytes and
 * one IPv6 boundary 18 bytes; neighbouring ranges of one country share a boundary. A lookup is a
 * binary search. Where ranges overlap, the range that starts later (the narrower one, when one is
 * inside another) decides for the addresses they share. {@code ZZ} (unknown) counts as no country.
 * Immutable and safe to share between threads.
 */
public final class IpCountryTable {

  /** What loading found: rows read, rows skipped as malformed, rows overlapping others. */
  public record LoadReport(long rows, long skipped, long overlapping, int boundaries) {}

  private final int[] v4Starts;
  private final short[] v4Countries;
  private final long[] v6Hi;
  private final long[] v6Lo;
  private final short[] v6Countries;
  private final LoadReport report;

  private IpCountryTable(Ranges v4, Ranges v6, long rows, long skipped) {
    Boundaries b4 = v4.sweep();
    Boundaries b6 = v6.sweep();
    this.v4Starts = new int[b4.n];
    for (int i = 0; i < b4.n; i++) {
      v4Starts[i] = (int) b4.lo[i];
    }
    this.v4Countries = Arrays.copyOf(b4.country, b4.n);
    this.v6Hi = Arrays.copyOf(b6.hi, b6.n);
    this.v6Lo = Arrays.copyOf(b6.lo, b6.n);
    this.v6Countries = Arrays.copyOf(b6.country, b6.n);
    this.report = new LoadReport(rows, skipped, v4.overlapping + v6.overlapping, b4.n + b6.n);
  }

  /** An empty table: every lookup answers null. */
  public static IpCountryTable empty() {
    return new IpCountryTable(new Ranges(false), new Ranges(true), 0, 0);
  }

  /**
   * Reads a CSV (plain or gzip, detected by its first bytes). Malformed rows are skipped and
   * counted; a first line that is not a row is taken as the header.
   *
   * @throws IOException when the stream cannot be read
   */
  public static IpCountryTable read(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    InputStream body = (b1 == 0x1f && b2 == 0x8b) ? new GZIPInputStream(in, 1 << 16) : in;
    Ranges v4 = new Ranges(false);
    Ranges v6 = new Ranges(true);
    long rows = 0;
    long skipped = 0;
    long[] a = new long[2];
    long[] b = new long[2];
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      boolean first = true;
      while ((line = r.readLine()) != null) {
        boolean header = first;
        first = false;
        if (line.isBlank()) {
          continue;
        }
        int c1 = line.indexOf(',');
        int c2 = c1 < 0 ? -1 : line.indexOf(',', c1 + 1);
        int c3 = c2 < 0 ? -1 : line.indexOf(',', c2 + 1);
        if (c2 < 0) {
          if (!header) {
            skipped++;
          }
          continue;
        }
        String start = field(line, 0, c1);
        String end = field(line, c1 + 1, c2);
        String cc = field(line, c2 + 1, c3 < 0 ? line.length() : c3);
        int fs = parse(start, a);
        int fe = parse(end, b);
        short country = country(cc);
        if (fs == 0 || fs != fe || country < 0 || compare(a[0], a[1], b[0], b[1]) > 0) {
          if (!header) {
            skipped++;
          }
          continue;
        }
        rows++;
        (fs == 4 ? v4 : v6).add(a[0], a[1], b[0], b[1], country);
      }
    }
    return new IpCountryTable(v4, v6, rows, skipped);
  }

  public LoadReport report() {
    return report;
  }

  /** Bytes the lookup arrays take (without object headers). */
  public long sizeInBytes() {
    return (long) v4Starts.length * 6 + (long) v6Hi.length * 18;
  }

  /**
   * The ISO 3166 alpha-2 code (upper case) for an IPv4 or IPv6 literal, or null when the address is
   * in no range or is not an IP literal. IPv4-mapped IPv6 addresses are looked up as IPv4.
   */
  public @Nullable String lookup(@Nullable String ip) {
    if (ip == null) {
      return null;
    }
    String s = ip.trim();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    long[] a = new long[2];
    int family = parse(s, a);
    if (family == 6 && a[0] == 0 && (a[1] >>> 32) == 0xffffL) {
      family = 4;
      a[1] &= 0xffffffffL;
    }
    if (family == 4) {
      int i = floorV4((int) a[1]);
      return i < 0 ? null : name(v4Countries[i]);
    }
    if (family == 6) {
      int i = floorV6(a[0], a[1]);
      return i < 0 ? null : name(v6Countries[i]);
    }
    return null;
  }

  private int floorV4(int addr) {
    int lo = 0;
    int hi = v4Starts.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (Integer.compareUnsigned(v4Starts[mid], addr) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private int floorV6(long aHi, long aLo) {
    int lo = 0;
    int hi = v6Hi.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(v6Hi[mid], v6Lo[mid], aHi, aLo) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private static @Nullable String name(short code) {
    if (code == 0) {
      return null;
    }
    int c = code - 1;
    return new String(new char[] {(char) ('A' + c / 26), (char) ('A' + c % 26)});
  }

  /** 1..676 for two letters, 0 for ZZ (unknown), -1 when not a country code. */
  static short country(String cc) {
    if (cc.length() != 2) {
      return -1;
    }
    int x = Character.toUpperCase(cc.charAt(0)) - 'A';
    int y = Character.toUpperCase(cc.charAt(1)) - 'A';
    if (x < 0 || x > 25 || y < 0 || y > 25) {
      return -1;
    }
    if (x == 25 && y == 25) {
      return 0;
    }
    return (short) (x * 26 + y + 1);
  }

  private static String field(String line, int from, int to) {
    while (from < to && line.charAt(from) == ' ') {
      from++;
    }
    while (to > from && (line.charAt(to - 1) == ' ' || line.charAt(to - 1) == '\r')) {
      to--;
    }
    if (to - from >= 2 && line.charAt(from) == '"' && line.charAt(to - 1) == '"') {
      from++;
      to--;
    }
    return line.substring(from, to);
  }

  static int compare(long aHi, long aLo, long bHi, long bLo) {
    int c = Long.compareUnsigned(aHi, bHi);
    return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
  }

  /**
   * Parses an IPv4 or IPv6 literal into {@code out} (high and low 64 bits; IPv4 in the low 32).
   * Returns 4 or 6, or 0 when it is not a literal.
   */
  static int parse(String s, long[] out) {
    if (s.indexOf(':') >= 0) {
      return parseV6(s, out) ? 6 : 0;
    }
    long v = parseV4(s, 0, s.length());
    if (v < 0) {
      return 0;
    }
    out[0] = 0;
    out[1] = v;
    return 4;
  }

  private static long parseV4(String s, int from, int to) {
    long v = 0;
    int parts = 0;
    int i = from;
    while (i <= to) {
      int octet = 0;
      int digits = 0;
      while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        octet = octet * 10 + (s.charAt(i) - '0');
        digits++;
        i++;
        if (digits > 3) {
          return -1;
        }
      }
      if (digits == 0 || octet > 255) {
        return -1;
      }
      v = (v << 8) | octet;
      parts++;
      if (i == to) {
        break;
      }
      if (s.charAt(i) != '.' || parts == 4) {
        return -1;
      }
      i++;
    }
    return parts == 4 ? v : -1;
  }

  private static boolean parseV6(String s, long[] out) {
    int[] groups = new int[8];
    int n = 0;
    int gap = -1;
    int i = 0;
    int len = s.length();
    if (len < 2) {
      return false;
    }
    if (s.startsWith("::")) {
      gap = 0;
      i = 2;
    } else if (s.charAt(0) == ':') {
      return false;
    }
    while (i < len) {
      if (n == 8) {
        return false;
      }
      int j = i;
      int v = 0;
      while (j < len && j - i < 5 && Character.digit(s.charAt(j), 16) >= 0) {
        v = (v << 4) | Character.digit(s.charAt(j), 16);
        j++;
      }
      if (j < len && s.charAt(j) == '.') {
        // RFC 4291 §2.2: the last 32 bits may be written as an IPv4 address.
        long v4 = parseV4(s, i, len);
        if (v4 < 0 || n > 6) {
          return false;
        }
        groups[n++] = (int) (v4 >>> 16);
        groups[n++] = (int) (v4 & 0xffff);
        i = len;
        break;
      }
      if (j == i || j - i > 4) {
        return false;
      }
      groups[n++] = v;
      i = j;
      if (i == len) {
        break;
      }
      if (s.charAt(i) != ':') {
        return false;
      }
      i++;
      if (i < len && s.charAt(i) == ':') {
        if (gap >= 0) {
          return false;
        }
        gap = n;
        i++;
      } else if (i == len) {
        return false;
      }
    }
    if (gap < 0 && n != 8) {
      return false;
    }
    if (gap >= 0) {
      if (n == 8) {
        return false;
      }
      int move = n - gap;
      System.arraycopy(groups, gap, groups, 8 - move, move);
      Arrays.fill(groups, gap, 8 - move, 0);
    }
    long hi = 0;
    long lo = 0;
    for (int k = 0; k < 4; k++) {
      hi = (hi << 16) | groups[k];
      lo = (lo << 16) | groups[k + 4];
    }
    out[0] = hi;
    out[1] = lo;
    return true;
  }

  /** Ranges of one family as read, in growable parallel arrays (IPv4 keeps no high words). */
  private static final class Ranges {
    final boolean wide;
    long[] sHi;
    long[] sLo = new long[1024];
    long[] eHi;
    long[] eLo = new long[1024];
    short[] cc = new short[1024];
    int n;
    long overlapping;

    Ranges(boolean wide) {
      this.wide = wide;
      this.sHi = wide ? new long[1024] : new long[0];
      this.eHi = wide ? new long[1024] : new long[0];
    }

    long sHi(int i) {
      return wide ? sHi[i] : 0;
    }

    long eHi(int i) {
      return wide ? eHi[i] : 0;
    }

    void add(long sh, long sl, long eh, long el, short country) {
      if (n == sLo.length) {
        int cap = n + (n >> 1);
        sLo = Arrays.copyOf(sLo, cap);
        eLo = Arrays.copyOf(eLo, cap);
        cc = Arrays.copyOf(cc, cap);
        if (wide) {
          sHi = Arrays.copyOf(sHi, cap);
          eHi = Arrays.copyOf(eHi, cap);
        }
      }
      if (wide) {
        sHi[n] = sh;
        eHi[n] = eh;
      }
      sLo[n] = sl;
      eLo[n] = el;
      cc[n] = country;
      n++;
    }

    /** Order: start ascending, then end descending (an enclosing range before what it holds). */
    private int order(int i, int j) {
      int c = compare(sHi(i), sLo[i], sHi(j), sLo[j]);
      return c != 0 ? c : compare(eHi(j), eLo[j], eHi(i), eLo[i]);
    }

    private void sortIfNeeded() {
      boolean sorted = true;
      for (int i = 1; i < n && sorted; i++) {
        sorted = order(i - 1, i) <= 0;
      }
      if (sorted) {
        return;
      }
      Integer[] idx = new Integer[n];
      for (int i = 0; i < n; i++) {
        idx[i] = i;
      }
      Arrays.sort(idx, this::order);
      long[] nsLo = new long[n];
      long[] neLo = new long[n];
      short[] ncc = new short[n];
      long[] nsHi = wide ? new long[n] : sHi;
      long[] neHi = wide ? new long[n] : eHi;
      for (int k = 0; k < n; k++) {
        int i = idx[k];
        nsLo[k] = sLo[i];
        neLo[k] = eLo[i];
        ncc[k] = cc[i];
        if (wide) {
          nsHi[k] = sHi[i];
          neHi[k] = eHi[i];
        }
      }
      sLo = nsLo;
      eLo = neLo;
      cc = ncc;
      sHi = nsHi;
      eHi = neHi;
    }

    /** Turns the ranges into boundaries with a sweep that keeps the ranges still open. */
    Boundaries sweep() {
      sortIfNeeded();
      Boundaries out = new Boundaries(Math.max(16, n + 1));
      int[] open = new int[16];
      int depth = 0;
      for (int i = 0; i <= n; i++) {
        // Close the open ranges that end before this one starts (all of them at the end).
        while (depth > 0
            && (i == n
                || compare(eHi(open[depth - 1]), eLo[open[depth - 1]], sHi(i), sLo[i]) < 0)) {
          int top = open[--depth];
          long pHi = eHi(top);
          long pLo = eLo[top] + 1;
          if (pLo == 0) {
            pHi++;
          }
          boolean past = (!wide && pLo == 1L << 32) || (wide && pHi == 0 && pLo == 0);
          while (depth > 0
              && (past || compare(eHi(open[depth - 1]), eLo[open[depth - 1]], pHi, pLo) < 0)) {
            depth--;
          }
          if (!past) {
            out.emit(pHi, pLo, depth > 0 ? cc[open[depth - 1]] : 0);
          }
        }
        if (i == n) {
          break;
        }
        if (depth > 0) {
          overlapping++;
        }
        if (depth == open.length) {
          open = Arrays.copyOf(open, depth * 2);
        }
        open[depth++] = i;
        out.emit(sHi(i), sLo[i], cc[i]);
      }
      return out;
    }
  }

  /** Boundaries in ascending order, each with the country that holds from it on. */
  private static final class Boundaries {
    long[] hi;
    long[] lo;
    short[] country;
    int n;

    Boundaries(int capacity) {
      hi = new long[capacity];
      lo = new long[capacity];
      country = new short[capacity];
    }

    void emit(long h, long l, short c) {
      if (n > 0 && hi[n - 1] == h && lo[n - 1] == l) {
        n--;
      }
      if (n > 0 ? country[n - 1] == c : c == 0) {
        return;
      }
      if (n == hi.length) {
        int cap = n * 2;
        hi = Arrays.copyOf(hi, cap);
        lo = Arrays.copyOf(lo, cap);
        country = Arrays.copyOf(country, cap);
      }
      hi[n] = h;
      lo[n] = l;
      country[n] = c;
      n++;
    }
  }
}
