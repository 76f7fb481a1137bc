package dev.musubi.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ThumbnailsTests {

  private final Thumbnails thumbnails = new Thumbnails();

  /** A picture whose left half is red and right half blue. */
  private static BufferedImage halves(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, w / 2, h);
    g.setColor(Color.BLUE);
    g.fillRect(w / 2, 0, w - w / 2, h);
    g.dispose();
    return img;
  }

  private static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(img, format, out)).isTrue();
    return out.toByteArray();
  }

  /** The JPEG with an EXIF APP1 segment saying {@code orientation}, right after its SOI. */
  private static byte[] withOrientation(byte[] jpeg, int orientation, boolean littleEndian) {
    ByteBuffer tiff = ByteBuffer.allocate(26);
    if (littleEndian) {
      tiff.order(java.nio.ByteOrder.LITTLE_ENDIAN);
      tiff.put((byte) 'I').put((byte) 'I');
    } else {
      tiff.put((byte) 'M').put((byte) 'M');
    }
    tiff.putShort((short) 42).putInt(8).putShort((short) 1);
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1);
    tiff.putShort((short) orientation).putShort((short) 0).putInt(0);
    byte[] exif = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
    int length = 2 + exif.length + tiff.capacity();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    out.write(0xff);
    out.write(0xe1);
    out.write(length >> 8);
    out.write(length & 0xff);
    out.writeBytes(exif);
    out.writeBytes(tiff.array());
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  @Test
  void imagesAreRecognisedByContentAndThumbnailedWithinTheBox() throws IOException {
    for (String format : new String[] {"png", "jpeg", "gif", "bmp"}) {
      var image =
          thumbnails
              .probe(new ByteArrayInputStream(encode(halves(1000, 500), format)))
              .orElseThrow();
      assertThat(image.contentType()).isEqualTo("image/" + format);
      assertThat(image.width()).isEqualTo(1000);
      assertThat(image.height()).isEqualTo(500);
      BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(image.thumbnail()));
      assertThat(thumb.getWidth()).isEqualTo(Thumbnails.SIZE);
      assertThat(thumb.getHeight()).isEqualTo(Thumbnails.SIZE / 2);
    }
    assertThat(
            thumbnails.probe(new ByteArrayInputStream("<svg/>".getBytes(StandardCharsets.UTF_8))))
        .isEmpty();
    byte[] png = encode(halves(100, 100), "png");
    byte[] truncated = java.util.Arrays.copyOf(png, png.length / 2);
    assertThat(thumbnails.probe(new ByteArrayInputStream(truncated))).isEmpty();
  }

  @Test
  void theHeaderIsCheckedBeforeAnyPixelIsDecoded() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(8000).putInt(7000);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    byte[] type = "IHDR".getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(13).array());
    out.writeBytes(type);
    out.writeBytes(ihdr.array());
    CRC32 crc = new CRC32();
    crc.update(type);
    crc.update(ihdr.array());
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    assertThatThrownBy(() -> thumbnails.probe(new ByteArrayInputStream(out.toByteArray())))
        .isInstanceOf(Thumbnails.TooManyPixelsException.class)
        .hasMessageContaining("8000 x 7000");
  }

  @Test
  void aPhotoTakenSidewaysIsThumbnailedTheWayItIsSeen() throws IOException {
    byte[] jpeg = encode(halves(400, 200), "jpeg");
    for (boolean little : new boolean[] {false, true}) {
      byte[] turned = withOrientation(jpeg, 6, little);
      assertThat(Thumbnails.exifOrientation(new ByteArrayInputStream(turned))).isEqualTo(6);
      var image = thumbnails.probe(new ByteArrayInputStream(turned)).orElseThrow();
      assertThat(image.width()).isEqualTo(200);
      assertThat(image.height()).isEqualTo(400);
      BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(image.thumbnail()));
      assertThat(thumb.getWidth()).isEqualTo(160);
      assertThat(thumb.getHeight()).isEqualTo(320);
      // Turned right: the left (red) half is now on top.
      Color top = new Color(thumb.getRGB(80, 40));
      Color bottom = new Color(thumb.getRGB(80, 280));
      assertThat(top.getRed()).isGreaterThan(200);
      assertThat(bottom.getBlue()).isGreaterThan(200);
    }
    assertThat(Thumbnails.exifOrientation(new ByteArrayInputStream(jpeg))).isEqualTo(1);
    assertThat(Thumbnails.exifOrientation(new ByteArrayInputStream(new byte[] {1, 2})))
        .isEqualTo(1);
  }
}
