package dev.musubi.identity.internal;

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
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PhotoImagesTests {

  /** Left half red, right half blue. */
  private static byte[] halves(int width, int height, String format) throws IOException {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, width / 2, height);
    g.setColor(Color.BLUE);
    g.fillRect(width / 2, 0, width - width / 2, height);
    g.dispose();
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

  private static BufferedImage decode(byte[] jpeg) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(jpeg));
  }

  @Test
  void theCentreIsCroppedToASquareOfAtMost256Pixels() throws Exception {
    BufferedImage wide = decode(PhotoImages.square(halves(1200, 600, "png")));
    assertThat(wide.getWidth()).isEqualTo(256);
    assertThat(wide.getHeight()).isEqualTo(256);
    assertThat(new Color(wide.getRGB(20, 128)).getRed()).isGreaterThan(200);
    assertThat(new Color(wide.getRGB(235, 128)).getBlue()).isGreaterThan(200);

    BufferedImage small = decode(PhotoImages.square(halves(120, 90, "gif")));
    assertThat(small.getWidth()).isEqualTo(90);
    assertThat(small.getHeight()).isEqualTo(90);
  }

  @Test
  void aPhotoTakenSidewaysIsTurnedTheWayItIsSeen() throws Exception {
    byte[] jpeg = halves(400, 200, "jpeg");
    assertThat(PhotoImages.exifOrientation(jpeg)).isEqualTo(1);
    for (boolean little : new boolean[] {false, true}) {
      byte[] turned = withOrientation(jpeg, 6, little);
      assertThat(PhotoImages.exifOrientation(turned)).isEqualTo(6);
      BufferedImage photo = decode(PhotoImages.square(turned));
      assertThat(photo.getWidth()).isEqualTo(200);
      // Turned right: the left (red) half is now on top.
      assertThat(new Color(photo.getRGB(100, 20)).getRed()).isGreaterThan(200);
      assertThat(new Color(photo.getRGB(100, 180)).getBlue()).isGreaterThan(200);
    }
  }

  @Test
  void aDamagedExifSegmentLeavesThePhotoAsStored() throws Exception {
    byte[] jpeg = halves(300, 300, "jpeg");
    byte[] broken = withOrientation(jpeg, 6, false);
    broken[5] = 12; // APP1 length far shorter than its content
    BufferedImage photo = decode(PhotoImages.square(broken));
    assertThat(new Color(photo.getRGB(20, 128)).getRed()).isGreaterThan(200);
  }

  @Test
  void anythingButARasterImageIsRefused() {
    byte[] svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"9\" height=\"9\"/></svg>"
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> PhotoImages.square(svg))
        .isInstanceOfSatisfying(
            PhotoImages.RefusedException.class,
            e -> assertThat(e.code()).isEqualTo("not_an_image"));
    assertThatThrownBy(() -> PhotoImages.square(new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2}))
        .isInstanceOf(PhotoImages.RefusedException.class);
  }
}
