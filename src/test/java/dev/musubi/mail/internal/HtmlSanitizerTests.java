package dev.musubi.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlSanitizerTests {

  static final List<String> HOSTILE =
      List.of(
          "<script>alert(1)</script>",
          "<img src=x onerror=alert(1)>",
          "<a href=\"javascript:alert(1)\">click</a>",
          "<a href=\"JaVaScRiPt:alert(1)\">click</a>",
          "<a href=\"&#106;avascript:alert(1)\">x</a>",
          "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
          "<a href=\"vbscript:msgbox(1)\">x</a>",
          "<div onclick=\"alert(1)\" onmouseover=alert(2)>x</div>",
          "<body onload=alert(1)>",
          "<svg onload=alert(1)><script>alert(2)</script></svg>",
          "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
          "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
          "<style>body{background:url(https://tracker.example/p.gif)}</style>",
          "<style>@import 'https://evil.example/x.css';</style>",
          "<div style=\"background-image:url(https://tracker.example/bg.gif)\">x</div>",
          "<div style=\"position:fixed;top:0;left:0;width:100%;height:100%\">fake login</div>",
          "<p style=\"behavior:url(x.htc)\">x</p>",
          "<iframe src=\"https://evil.example\"></iframe>",
          "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
          "<form action=\"https://evil.example\"><input name=p type=password></form>",
          "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
          "<link rel=stylesheet href=https://evil.example/x.css>",
          "<base href=\"https://evil.example/\">",
          "<table background=\"https://tracker.example/t.gif\"><tr><td>x</td></tr></table>",
          "<img src=\"https://tracker.example/pixel.gif\" width=1 height=1>",
          "<img src=\"//tracker.example/pixel.gif\">",
          "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
          "<<script>script>alert(1)<</script>/script>",
          "<scr<script>ipt>alert(1)</scr</script>ipt>",
          "<a href=\"https://ok.example\" target=\"_self\" onclick=\"x()\">ok</a>");

  static final java.util.Set<String> FORBIDDEN_TAGS =
      java.util.Set.of(
          "script",
          "svg",
          "math",
          "style",
          "iframe",
          "object",
          "embed",
          "form",
          "input",
          "meta",
          "link",
          "base",
          "img",
          "noscript",
          "body",
          "html",
          "head");

  @Test
  void hostileHtmlIsRenderedInert() {
    for (String html : HOSTILE) {
      String clean = HtmlSanitizer.sanitize(html, false).html();
      org.jsoup.nodes.Document doc = org.jsoup.Jsoup.parseBodyFragment(clean);
      for (org.jsoup.nodes.Element e : doc.body().getAllElements()) {
        if (e == doc.body()) {
          continue;
        }
        assertThat(FORBIDDEN_TAGS).as(html + " -> " + clean).doesNotContain(e.tagName());
        for (org.jsoup.nodes.Attribute a : e.attributes()) {
          String key = a.getKey().toLowerCase();
          String value = a.getValue().toLowerCase().strip();
          assertThat(key).as(html + " -> " + clean).doesNotStartWith("on");
          assertThat(key).as(html).isNotIn("style", "background", "src", "action", "formaction");
          assertThat(value)
              .as(html + " -> " + clean)
              .doesNotStartWith("javascript:")
              .doesNotStartWith("vbscript:")
              .doesNotStartWith("data:")
              .doesNotContain("tracker.example");
        }
      }
      assertThat(clean.toLowerCase()).as(html).doesNotContain("<script", "<style", "<svg");
    }
  }

  @Test
  void remoteImagesAreBlockedUntilTheReaderAllowsThem() {
    String html = "<p>見積</p><img src=\"https://cdn.example/logo.png\" alt=\"logo\">";
    HtmlSanitizer.Result blocked = HtmlSanitizer.sanitize(html, false);
    assertThat(blocked.remoteImagesBlocked()).isTrue();
    assertThat(blocked.html()).contains("<p>見積</p>").doesNotContain("cdn.example");
    HtmlSanitizer.Result shown = HtmlSanitizer.sanitize(html, true);
    assertThat(shown.remoteImagesBlocked()).isFalse();
    assertThat(shown.html()).contains("<img src=\"https://cdn.example/logo.png\"");
    assertThat(HtmlSanitizer.sanitize("<img src=x onerror=alert(1)>", true).html())
        .doesNotContain("onerror");
  }

  @Test
  void linksOpenInANewTabWithoutReferrer() {
    String clean = HtmlSanitizer.sanitize("<a href=\"https://ok.example/\">ok</a>", false).html();
    assertThat(clean)
        .contains(
            "href=\"https://ok.example/\"",
            "rel=\"noopener noreferrer nofollow\"",
            "target=\"_blank\"");
  }
}
