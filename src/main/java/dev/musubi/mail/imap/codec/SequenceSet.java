package dev.musubi.mail.imap.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * A sequence set (RFC 3501 §9 {@code sequence-set}): ranges of numbers where {@code *} is the
 * largest number in use. Resolved against a mailbox, it selects numbers without expanding ranges
 * into lists.
 */
public record SequenceSet(List<Range> ranges) {

  /** Most ranges in one set. */
  public static final int MAX_RANGES = 1000;

  /** {@code -1} stands for {@code *}. */
  public record Range(long from, long to) {

    long low(long star) {
      long a = from < 0 ? star : from;
      long b = to < 0 ? star : to;
      return Math.min(a, b);
    }

    long high(long star) {
      long a = from < 0 ? star : from;
      long b = to < 0 ? star : to;
      return Math.max(a, b);
    }
  }

  public static SequenceSet parse(String text) throws ImapProtocolException {
    if (text.equals("$")) {
      // RFC 5182: the saved search result; the session resolves it before parsing.
      throw new ImapProtocolException("$ cannot be used here");
    }
    List<Range> ranges = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      if (ranges.size() >= MAX_RANGES) {
        throw new ImapProtocolException("Sequence set too long");
      }
      int colon = part.indexOf(':');
      if (colon < 0) {
        long n = number(part);
        ranges.add(new Range(n, n));
      } else {
        ranges.add(new Range(number(part.substring(0, colon)), number(part.substring(colon + 1))));
      }
    }
    return new SequenceSet(ranges);
  }

  private static long number(String s) throws ImapProtocolException {
    if (s.equals("*")) {
      return -1;
    }
    // RFC 3501 §9: nz-number, at most 2^32 - 1.
    if (!s.matches("[1-9][0-9]{0,9}")) {
      throw new ImapProtocolException("Invalid sequence set");
    }
    long n = Long.parseLong(s);
    if (n > 0xFFFFFFFFL) {
      throw new ImapProtocolException("Invalid sequence set");
    }
    return n;
  }

  /** Whether {@code text} names the saved search result (RFC 5182 {@code $}). */
  public static boolean isSaved(String text) {
    return text.equals("$");
  }

  /**
   * Ascending numbers written as a sequence set, runs as ranges ({@code 1:3,7}): for ESEARCH ALL,
   * COPYUID and APPENDUID.
   */
  public static String format(long[] ascending) {
    var b = new StringBuilder();
    int i = 0;
    while (i < ascending.length) {
      int j = i;
      while (j + 1 < ascending.length && ascending[j + 1] == ascending[j] + 1) {
        j++;
      }
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(ascending[i]);
      if (j > i) {
        b.append(':').append(ascending[j]);
      }
      i = j + 1;
    }
    return b.toString();
  }

  /** Whether {@code n} is in the set, given the largest number in use. */
  public boolean contains(long n, long star) {
    for (Range r : ranges) {
      if (n >= r.low(star) && n <= r.high(star)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The positions in {@code sorted} (ascending values, e.g. the UIDs of a mailbox) whose value is
   * in the set, ascending. For sequence numbers pass {@code byValue=false}: positions 1..n are
   * used.
   */
  public List<Integer> select(long[] sorted, boolean byValue) {
    List<Integer> out = new ArrayList<>();
    if (sorted.length == 0) {
      return out;
    }
    long star = byValue ? sorted[sorted.length - 1] : sorted.length;
    java.util.BitSet chosen = new java.util.BitSet(sorted.length);
    for (Range r : ranges) {
      long low = r.low(star);
      long high = r.high(star);
      if (byValue) {
        // RFC 3501 §6.4.8: a UID range names the UIDs in it that exist; "n:*" always includes the
        // largest UID even when n is larger.
        if (r.from() < 0 || r.to() < 0) {
          chosen.set(sorted.length - 1);
        }
        int i = java.util.Arrays.binarySearch(sorted, low);
        i = i < 0 ? -i - 1 : i;
        for (; i < sorted.length && sorted[i] <= high; i++) {
          chosen.set(i);
        }
      } else {
        for (long s = Math.max(1, low); s <= Math.min(high, sorted.length); s++) {
          chosen.set((int) s - 1);
        }
      }
    }
    for (int i = chosen.nextSetBit(0); i >= 0; i = chosen.nextSetBit(i + 1)) {
      out.add(i);
    }
    return out;
  }

  /** Whether every number is at most {@code max} (sequence numbers must exist, RFC 3501 §9). */
  public boolean within(long max) {
    for (Range r : ranges) {
      // "n:*" names the last message even when n is beyond it (RFC 3501 §6.4.8 reasoning).
      boolean star = r.from() < 0 || r.to() < 0;
      if (!star && (r.from() > max || r.to() > max)) {
        return false;
      }
    }
    return true;
  }
}
