package dev.musubi.identity.internal.credentials;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * QR codes as static SVG, for TOTP enrolment. Error correction level M, a quiet zone of 4 modules
 * (ISO/IEC 18004), UTF-8 text. One unit of the {@code viewBox} is one module; the document is a
 * white background {@code <rect>} and one black {@code <path>}, with no scripts, styles, links or
 * external references, so it is safe to inline or serve as an image.
 */
public final class QrCodes {

  static final int QUIET_ZONE = 4;

  private QrCodes() {}

  /**
   * An SVG document showing {@code text} as a QR code.
   *
   * @param text must not be null or empty, and must fit in a QR code (2,331 bytes at level M)
   * @return never null
   * @throws IllegalArgumentException if the text is empty or too long
   */
  public static String svg(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("text must not be empty");
    }
    BitMatrix matrix;
    try {
      matrix =
          new QRCodeWriter()
              .encode(
                  text,
                  BarcodeFormat.QR_CODE,
                  0,
                  0,
                  Map.of(
                      EncodeHintType.ERROR_CORRECTION,
                      ErrorCorrectionLevel.M,
                      EncodeHintType.MARGIN,
                      QUIET_ZONE,
                      EncodeHintType.CHARACTER_SET,
                      StandardCharsets.UTF_8.name()));
    } catch (WriterException e) {
      throw new IllegalArgumentException("Text does not fit in a QR code", e);
    }
    int size = matrix.getWidth();
    var path = new StringBuilder();
    for (int y = 0; y < matrix.getHeight(); y++) {
      int x = 0;
      while (x < size) {
        if (!matrix.get(x, y)) {
          x++;
          continue;
        }
        int start = x;
        while (x < size && matrix.get(x, y)) {
          x++;
        }
        int run = x - start;
        path.append('M')
            .append(start)
            .append(' ')
            .append(y)
            .append('h')
            .append(run)
            .append("v1h-")
            .append(run)
            .append('z');
      }
    }
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
        + size
        + " "
        + size
        + "\" shape-rendering=\"crispEdges\">"
        + "<rect width=\""
        + size
        + "\" height=\""
        + size
        + "\" fill=\"#fff\"/>"
        + "<path fill=\"#000\" d=\""
        + path
        + "\"/></svg>";
  }

  /**
   * {@link #svg(String)} as a {@code data:image/svg+xml;base64,…} URI for an {@code <img src>}.
   *
   * @throws IllegalArgumentException as {@link #svg(String)}
   */
  public static String svgDataUri(String text) {
    return "data:image/svg+xml;base64,"
        + Base64.getEncoder().encodeToString(svg(text).getBytes(StandardCharsets.UTF_8));
  }
}
