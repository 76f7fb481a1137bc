package dev.musubi.drive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.MusubiIntegrationTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@MusubiIntegrationTest
public class DrivePreviewIntegrationTests {

  @LocalServerPort int port;
  Fixtures fixtures;
  DriveClient sato;
  String root;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(port);
    sato = new DriveClient(port, fixtures.member(fixtures.company(), "sato"));
    root = sato.root();
  }

  private static byte[] png(int w, int h) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0xff0000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(data.length);
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }

  /** A PNG of a few hundred bytes whose header claims 50,000 × 50,000 pixels. */
  static byte[] decompressionBomb() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(ihdr);
    h.writeInt(50_000);
    h.writeInt(50_000);
    h.write(new byte[] {8, 2, 0, 0, 0});
    chunk(out, "IHDR", ihdr.toByteArray());
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[100_000]);
    deflater.finish();
    byte[] buf = new byte[10_000];
    int n = deflater.deflate(buf);
    chunk(out, "IDAT", java.util.Arrays.copyOf(buf, n));
    chunk(out, "IEND", new byte[0]);
    return bytes.toByteArray();
  }

  @Test
  void imagesGetBoundedThumbnails() throws IOException {
    String id = sato.uploaded(root, "photo.png", png(400, 300)).get("id").asString();
    DriveClient.Bytes t = sato.get("/api/v1/drive/files/" + id + "/thumbnail?size=128", Map.of());
    assertThat(t.status()).isEqualTo(200);
    assertThat(t.header("Content-Type")).isEqualTo("image/png");
    assertThat(t.header("X-Content-Type-Options")).isEqualTo("nosniff");
    BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(t.body()));
    assertThat(thumb.getWidth()).isEqualTo(128);
    assertThat(thumb.getHeight()).isEqualTo(96);
    assertThat(sato.get("/api/v1/drive/files/" + id + "/thumbnail?size=5000", Map.of()).status())
        .isEqualTo(422);
  }

  @Test
  void aFiftyThousandPixelSquareImageIsRefusedFromItsHeader() throws IOException {
    byte[] bomb = decompressionBomb();
    assertThat(bomb.length).isLessThan(2_000);
    String id = sato.uploaded(root, "bomb.png", bomb).get("id").asString();
    DriveClient.Bytes t = sato.get("/api/v1/drive/files/" + id + "/thumbnail", Map.of());
    assertThat(t.status()).isEqualTo(422);
    assertThat(t.problemType()).isEqualTo("image-too-large");
    // The server is fine and still makes thumbnails.
    String ok = sato.uploaded(root, "ok.png", png(20, 20)).get("id").asString();
    assertThat(sato.get("/api/v1/drive/files/" + ok + "/thumbnail", Map.of()).status())
        .isEqualTo(200);
  }

  @Test
  void svgOrHtmlDisguisedAsAnImageGetsNoPreview() {
    String svg =
        sato.uploaded(
                root,
                "cat.png",
                "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"
                    .getBytes(StandardCharsets.UTF_8))
            .get("id")
            .asString();
    DriveClient.Bytes t = sato.get("/api/v1/drive/files/" + svg + "/thumbnail", Map.of());
    assertThat(t.status()).isEqualTo(415);
    assertThat(t.problemType()).isEqualTo("no-preview");
    assertThat(t.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void textFilesPreviewAsJsonText() {
    String txt =
        sato.uploaded(
                root, "議事録.txt", "一行目\n<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8))
            .get("id")
            .asString();
    ApiClient.Response r = sato.api.get("/api/v1/drive/files/" + txt + "/preview");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.json().get("text").asString()).isEqualTo("一行目\n<script>alert(1)</script>");
    assertThat(r.json().get("truncated").asBoolean()).isFalse();
    String bin = sato.uploaded(root, "data.bin", new byte[] {0, 1, 2}).get("id").asString();
    assertThat(sato.api.get("/api/v1/drive/files/" + bin + "/preview").status()).isEqualTo(415);
    DriveClient stranger = new DriveClient(port, fixtures.company().admin());
    assertThat(stranger.api.get("/api/v1/drive/files/" + txt + "/preview").status()).isEqualTo(404);
    assertThat(stranger.get("/api/v1/drive/files/" + txt + "/thumbnail", Map.of()).status())
        .isEqualTo(404);
  }

  /** An A4 PDF whose first page is red on its top half and white below. */
  public static byte[] pdf(boolean encrypted) throws IOException {
    try (PDDocument doc = new PDDocument()) {
      PDPage page = new PDPage(PDRectangle.A4);
      doc.addPage(page);
      try (PDPageContentStream c = new PDPageContentStream(doc, page)) {
        c.setNonStrokingColor(java.awt.Color.RED);
        float h = PDRectangle.A4.getHeight();
        c.addRect(0, h / 2, PDRectangle.A4.getWidth(), h / 2);
        c.fill();
      }
      doc.addPage(new PDPage(PDRectangle.A4));
      if (encrypted) {
        doc.protect(
            new StandardProtectionPolicy("owner-secret", "user-secret", new AccessPermission()));
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    }
  }

  @Test
  void aPdfPreviewsAsItsFirstPage() throws IOException {
    String id = sato.uploaded(root, "見積書.pdf", pdf(false)).get("id").asString();
    DriveClient.Bytes t = sato.get("/api/v1/drive/files/" + id + "/thumbnail?size=200", Map.of());
    assertThat(t.status()).isEqualTo(200);
    assertThat(t.header("Content-Type")).isEqualTo("image/png");
    BufferedImage page = ImageIO.read(new ByteArrayInputStream(t.body()));
    // A4 is portrait: 200 pixels high, about 141 wide; red above, white below.
    assertThat(page.getHeight()).isEqualTo(200);
    assertThat(page.getWidth()).isBetween(139, 143);
    assertThat(page.getRGB(70, 20) & 0xffffff).isEqualTo(0xff0000);
    assertThat(page.getRGB(70, 180) & 0xffffff).isEqualTo(0xffffff);
  }

  @Test
  void aDamagedOrEncryptedPdfHasNoPreviewAndTheServerCarriesOn() throws IOException {
    byte[] good = pdf(false);
    byte[] damaged = java.util.Arrays.copyOf(good, good.length / 3);
    byte[][] bads = {damaged, pdf(true), "%PDF-1.7\n%%EOF".getBytes(StandardCharsets.US_ASCII)};
    for (int i = 0; i < bads.length; i++) {
      byte[] bad = bads[i];
      String id = sato.uploaded(root, "bad" + i + ".pdf", bad).get("id").asString();
      DriveClient.Bytes t = sato.get("/api/v1/drive/files/" + id + "/thumbnail", Map.of());
      assertThat(t.status()).isEqualTo(415);
      assertThat(t.problemType()).isEqualTo("no-preview");
      // The upload itself is kept, byte for byte.
      assertThat(sato.get("/api/v1/drive/files/" + id + "/content", Map.of()).body())
          .isEqualTo(bad);
    }
    String ok = sato.uploaded(root, "ok.pdf", good).get("id").asString();
    assertThat(sato.get("/api/v1/drive/files/" + ok + "/thumbnail", Map.of()).status())
        .isEqualTo(200);
  }
}
