package dev.musubi.identity.internal;

import dev.musubi.platform.images.ExifOrientation;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
    return ExifOrientation.of(jpeg);
  }

  /** The EXIF orientation (1 to 8) of a JPEG; 1 when there is none. */
  static int exifOrientation(byte[] head) {
    return ExifOrientation.of(head);
  }

  /** The square turned or mirrored as the EXIF orientation says it is meant to be seen. */
  static BufferedImage orient(BufferedImage square, int orientation) {
    return ExifOrientation.apply(square, orientation);
  }

  private static byte[] jpeg(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(image, "jpeg", out)) {
      throw new IOException("No JPEG writer");
    }
    return out.toByteArray();
  }
}
