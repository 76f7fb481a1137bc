package dev.musubi.identity.internal;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Member photos with bounded decoding, after the talk thumbnailer: the format is recognised by
 * content (never by the declared type), the pixel count in the header is checked before any pixel
 * is decoded, large images are decoded subsampled, and what is kept is a centre-cropped square JPEG
 * of {@link #SIDE} pixels, turned the way a JPEG's EXIF orientation says it is seen (a phone photo
 * taken sideways). Anything else (SVG, HTML, a truncated file) is refused.
 */
public final class PhotoImages {

  /** The most pixels an uploaded photo may declare (50 megapixels). */
  public static final long MAX_PIXELS = 50_000_000L;

  /** The side of a stored photo, in pixels. */
  public static final int SIDE = 256;

  private static final Set<String> FORMATS = Set.of("jpeg", "png", "gif");

  /** Why a photo was refused: {@code code} is the field error code. */
  public static final class RefusedException extends Exception {
    private final String code;

    RefusedException(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  private PhotoImages() {}

  /**
   * The photo as a square JPEG of {@link #SIDE} pixels (smaller images are not enlarged beyond
   * their shorter side).
   *
   * @throws RefusedException {@code not_an_image} when it is not a JPEG, PNG or GIF that decodes,
   *     {@code too_many_pixels} when its header declares more than {@link #MAX_PIXELS}
   */
  public static byte[] square(byte[] encoded) throws RefusedException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw notAnImage();
      }
      ImageReader reader = readers.next();
      try {
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format.equals("jpg") ? "jpeg" : format)) {
          throw notAnImage();
        }
        reader.setInput(in, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w <= 0 || h <= 0) {
          throw notAnImage();
        }
        if (w * h > MAX_PIXELS) {
          throw new RefusedException(
              "too_many_pixels",
              "The photo has more than " + MAX_PIXELS / 1_000_000 + " million pixels.");
        }
        ImageReadParam param = reader.getDefaultReadParam();
        int step = (int) Math.max(1, Math.min(w, h) / (SIDE * 2L));
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage square = crop(reader.read(0, param));
        // The centre square of a turned image is the turned centre square, so turning last is
        // enough.
        boolean isJpeg = !format.equals("png") && !format.equals("gif");
        return jpeg(isJpeg ? orient(square, orientationOf(encoded)) : square);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      // Truncated or corrupt data, or a decoder that gave up: not a photo we can keep.
      throw notAnImage();
    }
  }

  private static RefusedException notAnImage() {
    return new RefusedException("not_an_image", "The photo must be a JPEG, PNG or GIF image.");
  }

  /** The centred square of the image, scaled to at most {@link #SIDE} pixels, on white. */
  private static BufferedImage crop(BufferedImage src) {
    int w = src.getWidth();
    int h = src.getHeight();
    int side = Math.min(w, h);
    int x = (w - side) / 2;
    int y = (h - side) / 2;
    int out = Math.min(SIDE, side);
    BufferedImage square = new BufferedImage(out, out, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = square.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, out, out);
      g.drawImage(src, 0, 0, out, out, x, y, x + side, y + side, null);
    } finally {
      g.dispose();
    }
    return square;
  }

  private static int orientationOf(byte[] jpeg) {
    try {
      return exifOrientation(jpeg);
    } catch (IndexOutOfBoundsException e) {
      return 1; // a damaged EXIF segment: shown as stored
    }
  }

  /**
   * The EXIF orientation (1 to 8) of a JPEG from the APP1 segment before its image data (EXIF 2.3
   * §4.6.4, tag 0x0112); 1 when there is none.
   */
  static int exifOrientation(byte[] head) {
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

  /** The square turned or mirrored as the EXIF orientation says it is meant to be seen. */
  static BufferedImage orient(BufferedImage square, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return square;
    }
    int n = square.getWidth();
    AffineTransform t = new AffineTransform();
    switch (orientation) {
      case 2 -> t.setTransform(-1, 0, 0, 1, n, 0); // mirrored
      case 3 -> t.setTransform(-1, 0, 0, -1, n, n); // upside down
      case 4 -> t.setTransform(1, 0, 0, -1, 0, n); // mirrored upside down
      case 5 -> t.setTransform(0, 1, 1, 0, 0, 0); // transposed
      case 6 -> t.setTransform(0, 1, -1, 0, n, 0); // turned right
      case 7 -> t.setTransform(0, -1, -1, 0, n, n); // transversed
      default -> t.setTransform(0, -1, 1, 0, 0, n); // 8: turned left
    }
    BufferedImage out = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(square, t, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static byte[] jpeg(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(image, "jpeg", out)) {
      throw new IOException("No JPEG writer");
    }
    return out.toByteArray();
  }
}
