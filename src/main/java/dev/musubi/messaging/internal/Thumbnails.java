package dev.musubi.messaging.internal;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
   * The EXIF orientation (1 to 8) of a JPEG, read from its APP1 segment within the first {@link
   * #EXIF_SCAN} bytes; 1 when there is none or the content is not a JPEG.
   */
  static int exifOrientation(InputStream in) throws IOException {
    byte[] head = in.readNBytes(EXIF_SCAN);
    ByteBuffer b = ByteBuffer.wrap(head);
    if (head.length < 4 || (head[0] & 0xff) != 0xff || (head[1] & 0xff) != 0xd8) {
      return 1;
    }
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

  /** Turns or mirrors the image as its EXIF orientation says it is meant to be seen. */
  static BufferedImage orient(BufferedImage src, int orientation) {
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
    BufferedImage out = new BufferedImage(turned ? h : w, turned ? w : h, src.getType());
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(src, t, null);
    } finally {
      g.dispose();
    }
    return out;
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
