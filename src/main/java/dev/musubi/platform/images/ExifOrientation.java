package dev.musubi.platform.images;

import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A JPEG's EXIF orientation (EXIF 2.3 §4.6.4, tag 0x0112) and the turn or mirror it asks for.
 * Phones store pictures as the sensor saw them and say in this tag how to show them.
 */
public final class ExifOrientation {

  /** How many leading bytes of a file are enough to find the tag (APP1 comes first). */
  public static final int SCAN_BYTES = 64 * 1024;

  private ExifOrientation() {}

  /**
   * The orientation (1 to 8) from the APP1 segment before the image data of the JPEG that starts
   * with {@code head}; 1 when it is not a JPEG, has no such tag, or the segment is damaged.
   */
  public static int of(byte[] head) {
    try {
      return read(head);
    } catch (IndexOutOfBoundsException e) {
      return 1; // a damaged EXIF segment: shown as stored
    }
  }

  private static int read(byte[] head) {
    if (head.length < 4 || (head[0] & 0xff) != 0xff || (head[1] & 0xff) != 0xd8) {
      return 1;
    }
    ByteBuffer b = ByteBuffer.wrap(head);
    int pos = 2;
    while (pos + 4 <= head.length && (head[pos] & 0xff) == 0xff) {
      int marker = head[pos + 1] & 0xff;
      int length = b.getShort(pos + 2) & 0xffff;
      if (marker == 0xda || length < 2) {
        return 1; // image data starts: no EXIF before it
      }
      int start = pos + 4;
      if (marker == 0xe1
          && start + 14 <= head.length
          && new String(head, start, 6, StandardCharsets.ISO_8859_1).equals("Exif\0\0")) {
        int tiff = start + 6;
        ByteBuffer t = ByteBuffer.wrap(head, 0, Math.min(head.length, pos + 2 + length));
        if (head[tiff] == 'I' && head[tiff + 1] == 'I') {
          t.order(ByteOrder.LITTLE_ENDIAN);
        } else if (head[tiff] != 'M' || head[tiff + 1] != 'M') {
          return 1;
        }
        long ifd = tiff + (t.getInt(tiff + 4) & 0xffffffffL);
        if (ifd + 2 > t.limit()) {
          return 1;
        }
        int entries = t.getShort((int) ifd) & 0xffff;
        for (int i = 0; i < entries; i++) {
          int e = (int) ifd + 2 + i * 12;
          if (e + 12 > t.limit()) {
            return 1;
          }
          if ((t.getShort(e) & 0xffff) == 0x0112) {
            int v = t.getShort(e + 8) & 0xffff;
            return v >= 1 && v <= 8 ? v : 1;
          }
        }
        return 1;
      }
      pos = pos + 2 + length;
    }
    return 1;
  }

  /** The image turned or mirrored as {@code orientation} says; the same image for 1. */
  public static BufferedImage apply(BufferedImage src, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return src;
    }
    int w = src.getWidth();
    int h = src.getHeight();
    boolean turned = orientation >= 5;
    AffineTransform t = new AffineTransform();
    switch (orientation) {
      case 2 -> t.setTransform(-1, 0, 0, 1, w, 0); // mirrored
      case 3 -> t.setTransform(-1, 0, 0, -1, w, h); // upside down
      case 4 -> t.setTransform(1, 0, 0, -1, 0, h); // mirrored upside down
      case 5 -> t.setTransform(0, 1, 1, 0, 0, 0); // transposed
      case 6 -> t.setTransform(0, 1, -1, 0, h, 0); // turned right
      case 7 -> t.setTransform(0, -1, -1, 0, h, w); // transversed
      default -> t.setTransform(0, -1, 1, 0, 0, w); // 8: turned left
    }
    int type =
        src.getType() == BufferedImage.TYPE_CUSTOM ? BufferedImage.TYPE_INT_ARGB : src.getType();
    BufferedImage out = new BufferedImage(turned ? h : w, turned ? w : h, type);
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(src, t, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
