package dev.musubi.drive;

import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Previews: image thumbnails, the first page of PDFs and the start of text files. A thumbnail reads
 * the image's header first and refuses anything over {@link #MAX_PIXELS} before decoding a pixel;
 * what it decodes it subsamples while reading, so memory stays bounded whatever the file claims.
 * Only real image formats that Java decodes (PNG, JPEG, GIF, BMP) get thumbnails: an SVG or HTML
 * file named {@code .png} has no image reader and gets none. Thumbnails are PNGs the server drew
 * itself.
 */
@Service
public class Previews {

  /** The largest image (in pixels) a thumbnail is made of: 100 megapixels. */
  public static final long MAX_PIXELS = 100_000_000L;

  static final int MAX_TEXT = 64 * 1024;

  /** The largest PDF whose first page is drawn: 100 MiB. */
  static final long MAX_PDF_BYTES = 100L * 1024 * 1024;

  private static final Set<String> TEXT_EXTENSIONS =
      Set.of("txt", "md", "csv", "tsv", "log", "json", "xml", "yaml", "yml", "ini", "properties");

  /** A text preview: the first 64 KiB decoded as UTF-8. */
  public record TextPreview(String text, boolean truncated) {}

  private final Drives drives;

  Previews(Drives drives) {
    this.drives = drives;
  }

  /** A PNG of at most {@code size} pixels on its longer side. */
  public byte[] thumbnail(MemberPrincipal actor, UUID fileId, int size) throws IOException {
    if (size < 16 || size > 1024) {
      throw dev.musubi.platform.web.Problems.invalid("size", "range", "Must be 16 to 1024.");
    }
    Drives.Download d = drives.openForPreview(actor, fileId);
    if (isPdf(d)) {
      return png(scale(pdfFirstPage(d, size), size));
    }
    try (InputStream in = drives.open(d, 0);
        ImageInputStream iis = ImageIO.createImageInputStream(in)) {
      Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
      if (readers == null || !readers.hasNext()) {
        throw noPreview();
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(iis, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w <= 0 || h <= 0 || w * h > MAX_PIXELS) {
          throw new ProblemException(
              HttpStatus.UNPROCESSABLE_CONTENT,
              "image-too-large",
              "The image is too large for a preview (" + w + " × " + h + " pixels).",
              List.of());
        }
        ImageReadParam param = reader.getDefaultReadParam();
        int step = (int) Math.max(1, Math.max(w, h) / (size * 2L));
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage source = reader.read(0, param);
        return png(scale(source, size));
      } catch (javax.imageio.IIOException | IndexOutOfBoundsException e) {
        throw noPreview();
      } finally {
        reader.dispose();
      }
    }
  }

  private static boolean isPdf(Drives.Download d) {
    return "application/pdf".equals(d.contentType())
        || "pdf".equals(DriveNames.extension(d.name()));
  }

  /**
   * The first page of a PDF, drawn at the scale that fits {@code size}. PDFBox needs random access,
   * so the file goes through a temporary copy (deleted at once) rather than memory; its object
   * streams are cached in temporary files too. An encrypted, damaged or oversized PDF, or a page
   * whose drawing fails, has no preview.
   */
  private BufferedImage pdfFirstPage(Drives.Download d, int size) throws IOException {
    if (d.size() > MAX_PDF_BYTES) {
      throw noPreview();
    }
    Path tmp = Files.createTempFile("musubi-preview-", ".pdf");
    try {
      try (InputStream in = drives.open(d, 0)) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      try (PDDocument doc =
          Loader.loadPDF(tmp.toFile(), "", null, null, IOUtils.createTempFileOnlyStreamCache())) {
        if (doc.isEncrypted() || doc.getNumberOfPages() < 1) {
          throw noPreview();
        }
        PDRectangle box = doc.getPage(0).getCropBox();
        float longer = Math.max(box.getWidth(), box.getHeight());
        if (!(longer > 0)) {
          throw noPreview();
        }
        // Render at twice the target so the final scale-down stays sharp, never above 2048 px.
        float scale = Math.min(2f * size, 2048f) / longer;
        return new PDFRenderer(doc).renderImage(0, scale, ImageType.RGB);
      } catch (InvalidPasswordException e) {
        throw noPreview();
      } catch (IOException | RuntimeException e) {
        if (e instanceof ProblemException p) {
          throw p;
        }
        throw noPreview();
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The start of a text file, decoded as UTF-8 (invalid bytes become U+FFFD). */
  public TextPreview text(MemberPrincipal actor, UUID fileId) throws IOException {
    Drives.Download d = drives.openForPreview(actor, fileId);
    boolean textual =
        d.contentType().startsWith("text/")
            || TEXT_EXTENSIONS.contains(DriveNames.extension(d.name()));
    if (!textual) {
      throw noPreview();
    }
    try (InputStream in = drives.open(d, 0)) {
      byte[] bytes = in.readNBytes(MAX_TEXT);
      for (byte b : bytes) {
        if (b == 0) {
          throw noPreview(); // binary content, whatever its declared type
        }
      }
      CharsetDecoder decoder =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPLACE)
              .onUnmappableCharacter(CodingErrorAction.REPLACE);
      CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
      return new TextPreview(chars.toString(), d.size() > MAX_TEXT);
    }
  }

  private static ProblemException noPreview() {
    return new ProblemException(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        "no-preview",
        "There is no preview for this kind of file.",
        List.of());
  }

  private static BufferedImage scale(BufferedImage src, int size) {
    double f = Math.min(1.0, (double) size / Math.max(src.getWidth(), src.getHeight()));
    int w = Math.max(1, (int) Math.round(src.getWidth() * f));
    int h = Math.max(1, (int) Math.round(src.getHeight() * f));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static byte[] png(BufferedImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
