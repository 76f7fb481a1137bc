package dev.musubi.identity.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.Encoder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class QrCodesTests {

  private static final String URI =
      "otpauth://totp/Musubi:taro.yamada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
          + "&issuer=Musubi&algorithm=SHA1&digits=6&period=30";
  private static final Pattern RUN = Pattern.compile("M(\\d+) (\\d+)h(\\d+)v1h-\\3z");

  @Test
  void svgIsWellFormedWithOnePathAndNoScripts() throws Exception {
    String svg = QrCodes.svg(URI);
    var factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    var document =
        factory
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    Element root = document.getDocumentElement();
    assertThat(root.getLocalName()).isEqualTo("svg");
    assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    assertThat(root.getElementsByTagName("path").getLength()).isEqualTo(1);
    assertThat(root.getElementsByTagName("script").getLength()).isZero();
    assertThat(svg)
        .doesNotContainIgnoringCase("script")
        .doesNotContain("href")
        .doesNotContain("on");
  }

  @Test
  void viewBoxHasTheModulesOfTheSymbolPlusTheQuietZone() throws Exception {
    int modules = Encoder.encode(URI, ErrorCorrectionLevel.M).getVersion().getDimensionForVersion();
    int size = modules + 2 * QrCodes.QUIET_ZONE;
    assertThat(QrCodes.svg(URI)).contains("viewBox=\"0 0 " + size + " " + size + "\"");
  }

  @Test
  void pathDecodesBackToTheText() throws Exception {
    String svg = QrCodes.svg(URI);
    int size = Integer.parseInt(svg.replaceFirst("(?s).*viewBox=\"0 0 (\\d+) .*", "$1"));
    int scale = 4;
    int pixels = size * scale;
    int[] argb = new int[pixels * pixels];
    java.util.Arrays.fill(argb, 0xffffffff);
    var runs = RUN.matcher(svg.replaceFirst("(?s).* d=\"([^\"]*)\".*", "$1"));
    while (runs.find()) {
      int x0 = Integer.parseInt(runs.group(1));
      int y = Integer.parseInt(runs.group(2));
      int length = Integer.parseInt(runs.group(3));
      for (int py = y * scale; py < (y + 1) * scale; py++) {
        for (int px = x0 * scale; px < (x0 + length) * scale; px++) {
          argb[py * pixels + px] = 0xff000000;
        }
      }
    }
    var bitmap =
        new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(pixels, pixels, argb)));
    assertThat(new QRCodeReader().decode(bitmap).getText()).isEqualTo(URI);
  }

  @Test
  void dataUriCarriesTheSvgInBase64() {
    String uri = QrCodes.svgDataUri(URI);
    assertThat(uri).startsWith("data:image/svg+xml;base64,");
    String payload = uri.substring("data:image/svg+xml;base64,".length());
    assertThat(new String(Base64.getDecoder().decode(payload), StandardCharsets.UTF_8))
        .isEqualTo(QrCodes.svg(URI));
  }

  @Test
  void emptyOrOversizedTextIsRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> QrCodes.svg(""));
    assertThatIllegalArgumentException().isThrownBy(() -> QrCodes.svg("x".repeat(5000)));
  }
}
