package dev.musubi.contacts.codec;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Contact photos with bounded decoding: the encoded size and the pixel dimensions (read from the
 * header before any pixel is decoded) are checked first, the image is decoded with subsampling, and
 * what is stored is a JPEG of at most {@link #MAX_SIDE} pixels a side.
 */
public final class Photos {

  /** Largest photo accepted, encoded. */
  public static final int MAX_BYTES = 2 * 1024 * 1024;

  /** Largest photo accepted, in pixels (width × height), before it is decoded. */
  public static final long MAX_PIXELS = 40_000_000L;

  /** The longest side of a stored photo. */
  public static final int MAX_SIDE = 512;

  /** Why a photo was refused. */
  public static final class PhotoException extends Exception {
    private final String code;

    PhotoException(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  private Photos() {}

  /** A JPEG of at most {@link #MAX_SIDE} pixels a side, or an exception saying why not. */
  public static byte[] normalise(byte[] encoded) throws PhotoException {
    if (encoded.length > MAX_BYTES) {
      throw new PhotoException(
          "photo_too_large", "The photo is larger than " + MAX_BYTES / (1024 * 1024) + " MB.");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
      if (in == null) {
        throw new PhotoException("photo_unreadable", "The photo is not a readable image.");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new PhotoException("photo_unreadable", "The photo is not a JPEG, PNG or GIF image.");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w <= 0 || h <= 0 || (long) w * h > MAX_PIXELS) {
          throw new PhotoException("photo_too_large", "The photo has too many pixels.");
        }
        ImageReadParam param = reader.getDefaultReadParam();
        int step = Math.max(1, Math.max(w, h) / (MAX_SIDE * 2));
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage image = reader.read(0, param);
        return jpeg(scale(image));
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw new PhotoException("photo_unreadable", "The photo is not a readable image.");
    }
  }

  private static BufferedImage scale(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    double f = Math.min(1.0, (double) MAX_SIDE / Math.max(w, h));
    int nw = Math.max(1, (int) Math.round(w * f));
    int nh = Math.max(1, (int) Math.round(h * f));
    BufferedImage out = new BufferedImage(nw, nh, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setColor(java.awt.Color.WHITE);
      g.fillRect(0, 0, nw, nh);
      g.drawImage(image, 0, 0, nw, nh, null);
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
