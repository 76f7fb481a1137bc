package dev.musubi.messaging.internal;

import dev.musubi.platform.images.ExifOrientation;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.springframework.stereotype.Component;

/**
 * Recognises JPEG, PNG, GIF and BMP images by their content (never by the declared type) with the
 * JDK's ImageIO and renders a thumbnail. The decode is bounded: the size in the image's header is
 * checked before any pixel is decoded (decompression bombs are refused), and large images are
 * decoded subsampled, so memory stays near the thumbnail's size.
 */
@Component
public class Thumbnails {

  /** The most pixels an image may declare (50 megapixels). */
  public static final long MAX_PIXELS = 50_000_000L;

  /** The longer side of a thumbnail, in pixels. */
  public static final int SIZE = 320;

  /** How far into a JPEG its EXIF orientation is looked for. */
  private static final int EXIF_SCAN = 128 * 1024;

  private static final Map<String, String> TYPES =
      Map.of("jpeg", "image/jpeg", "png", "image/png", "gif", "image/gif", "bmp", "image/bmp");

  /** The image's header declared more than {@link #MAX_PIXELS}. */
  public static final class TooManyPixelsException extends IOException {
    private final long width;
    private final long height;

    TooManyPixelsException(long width, long height) {
      super("image of " + width + " x " + height + " pixels");
      this.width = width;
      this.height = height;
    }

    public long width() {
      return width;
    }

    public long height() {
      return height;
    }
  }

  /**
   * A decoded image.
   *
   * @param contentType the image's proven media type
   * @param thumbnail the encoded thumbnail (JPEG, or PNG when the image has transparency)
   * @param thumbnailType the thumbnail's media type
   */
  public record Image(
      String contentType, int width, int height, byte[] thumbnail, String thumbnailType) {}

  /**
   * The image in {@code content}, or empty when it is not a JPEG, PNG, GIF or BMP image that
   * decodes.
   *
   * @throws TooManyPixelsException when the header declares more than {@link #MAX_PIXELS}
   */
  public Optional<Image> probe(InputStream content) throws IOException {
    BufferedInputStream in = new BufferedInputStream(content, EXIF_SCAN);
    in.mark(EXIF_SCAN);
    int orientation = exifOrientation(in);
    in.reset();
    try (ImageInputStream iis = ImageIO.createImageInputStream(in)) {
      if (iis == null) {
        return Optional.empty();
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
      if (!readers.hasNext()) {
        return Optional.empty();
      }
      ImageReader reader = readers.next();
      try {
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        String type = TYPES.get(format.equals("jpg") ? "jpeg" : format);
        if (type == null) {
          return Optional.empty();
        }
        reader.setInput(iis, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w <= 0 || h <= 0) {
          return Optional.empty();
        }
        if (w * h > MAX_PIXELS) {
          throw new TooManyPixelsException(w, h);
        }
        ImageReadParam param = reader.getDefaultReadParam();
        int step = (int) Math.max(1, Math.max(w, h) / (SIZE * 2L));
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage source = reader.read(0, param);
        boolean alpha = source.getColorModel().hasAlpha();
        BufferedImage small =
            orient(scale(source, alpha), type.equals("image/jpeg") ? orientation : 1);
        if (type.equals("image/jpeg") && orientation >= 5 && orientation <= 8) {
          long t = w; // shown turned by a quarter: report the size as it is seen
          w = h;
          h = t;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String thumbType = alpha ? "image/png" : "image/jpeg";
        if (!ImageIO.write(small, alpha ? "png" : "jpeg", out)) {
          return Optional.empty();
        }
        return Optional.of(new Image(type, (int) w, (int) h, out.toByteArray(), thumbType));
      } catch (IIOException | IndexOutOfBoundsException | IllegalArgumentException e) {
        return Optional.empty(); // corrupt or truncated: kept as a plain file
      } finally {
        reader.dispose();
      }
    }
  }

  /**
   * A JPEG, PNG or GIF image (recognised by content) as a centre-cropped square PNG of at most
   * {@code side} pixels, for bot icons; empty when it is not such an image or does not decode.
   * Decoding is bounded as in {@link #probe}.
   *
   * @throws TooManyPixelsException when the header declares more than {@link #MAX_PIXELS}
   */
  public Optional<byte[]> square(byte[] encoded, int side) throws IOException {
    try (ImageInputStream iis =
        ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(encoded))) {
      Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
      if (readers == null || !readers.hasNext()) {
        return Optional.empty();
      }
      ImageReader reader = readers.next();
      try {
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        format = format.equals("jpg") ? "jpeg" : format;
        if (!format.equals("jpeg") && !format.equals("png") && !format.equals("gif")) {
          return Optional.empty();
        }
        reader.setInput(iis, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w <= 0 || h <= 0) {
          return Optional.empty();
        }
        if (w * h > MAX_PIXELS) {
          throw new TooManyPixelsException(w, h);
        }
        ImageReadParam param = reader.getDefaultReadParam();
        int step = (int) Math.max(1, Math.min(w, h) / (side * 2L));
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage source = reader.read(0, param);
        if (format.equals("jpeg")) {
          source = orient(source, ExifOrientation.of(encoded));
        }
        int edge = Math.min(source.getWidth(), source.getHeight());
        BufferedImage crop =
            source.getSubimage(
                (source.getWidth() - edge) / 2, (source.getHeight() - edge) / 2, edge, edge);
        int out = Math.min(side, edge);
        BufferedImage icon = new BufferedImage(out, out, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = icon.createGraphics();
        try {
          g.setRenderingHint(
              RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
          g.drawImage(crop, 0, 0, out, out, null);
        } finally {
          g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(icon, "png", bytes)) {
          return Optional.empty();
        }
        return Optional.of(bytes.toByteArray());
      } catch (IIOException | IndexOutOfBoundsException | IllegalArgumentException e) {
        return Optional.empty();
      } finally {
        reader.dispose();
      }
    }
  }

  /** The EXIF orientation (1 to 8) of a JPEG from its first bytes; 1 when there is none. */
  static int exifOrientation(InputStream in) throws IOException {
    return ExifOrientation.of(in.readNBytes(EXIF_SCAN));
  }

  /** Turns or mirrors the image as its EXIF orientation says it is meant to be seen. */
  static BufferedImage orient(BufferedImage src, int orientation) {
    return ExifOrientation.apply(src, orientation);
  }

  private static BufferedImage scale(BufferedImage src, boolean alpha) {
    double f = Math.min(1.0, (double) SIZE / Math.max(src.getWidth(), src.getHeight()));
    int w = Math.max(1, (int) Math.round(src.getWidth() * f));
    int h = Math.max(1, (int) Math.round(src.getHeight() * f));
    BufferedImage out =
        new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      if (!alpha) {
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, w, h);
      }
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
