package dev.musubi.platform.blob.internal;

import java.io.InputStream;

/**
 * A reproducible pseudo-random stream of {@code size} bytes that is never held in memory; the byte
 * at any position can be recomputed, so offset reads can be checked without a copy.
 */
final class PatternStream extends InputStream {

  private final long size;
  private final long seed;
  private long position;

  PatternStream(long size, long seed) {
    this.size = size;
    this.seed = seed;
  }

  static byte byteAt(long seed, long position) {
    long x = (position + seed * 0x632BE59BD9B4E019L) * 0x9E3779B97F4A7C15L;
    x ^= x >>> 31;
    x *= 0xBF58476D1CE4E5B9L;
    x ^= x >>> 27;
    return (byte) x;
  }

  @Override
  public int read() {
    if (position >= size) {
      return -1;
    }
    return byteAt(seed, position++) & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (position >= size) {
      return -1;
    }
    int n = (int) Math.min(len, size - position);
    for (int i = 0; i < n; i++) {
      b[off + i] = byteAt(seed, position++);
    }
    return n;
  }
}
