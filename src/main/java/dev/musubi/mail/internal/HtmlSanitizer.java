package dev.musubi.mail.internal;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * Makes mail HTML inert with a jsoup allowlist: no scripts, styles, event handlers, forms, frames,
 * SVG or MathML; links only to http, https and mailto and opened in a new tab without referrer;
 * images only from http(s) and, unless the reader allowed it, not even those (remote images are how
 * senders track who reads). Inline {@code style} attributes are dropped (CSS can load resources and
 * overlay the page).
 */
public final class HtmlSanitizer {

  /** The sanitised HTML and whether remote images were removed. */
  public record Result(String html, boolean remoteImagesBlocked) {}

  private static final Safelist ALLOWED =
      Safelist.relaxed()
          .removeTags("img")
          .addTags("font", "center", "hr", "del", "ins", "s")
          .addAttributes("font", "color", "face", "size")
          .addAttributes(":all", "align", "dir", "lang", "title")
          .addAttributes("td", "bgcolor", "valign", "nowrap")
          .addAttributes("table", "bgcolor", "border", "cellpadding", "cellspacing")
          .addProtocols("a", "href", "http", "https", "mailto")
          .addEnforcedAttribute("a", "rel", "noopener noreferrer nofollow")
          .addEnforcedAttribute("a", "target", "_blank");

  private static final Safelist WITH_IMAGES =
      Safelist.relaxed()
          .addTags("font", "center", "hr", "del", "ins", "s")
          .addAttributes("font", "color", "face", "size")
          .addAttributes(":all", "align", "dir", "lang", "title")
          .addAttributes("td", "bgcolor", "valign", "nowrap")
          .addAttributes("table", "bgcolor", "border", "cellpadding", "cellspacing")
          .addAttributes("img", "alt", "width", "height", "src")
          .removeProtocols("img", "src", "http")
          .addProtocols("img", "src", "https")
          .addProtocols("a", "href", "http", "https", "mailto")
          .addEnforcedAttribute("a", "rel", "noopener noreferrer nofollow")
          .addEnforcedAttribute("a", "target", "_blank");

  private HtmlSanitizer() {}

  /** Cleans {@code html}; remote images stay only when {@code showImages}. */
  public static Result sanitize(String html, boolean showImages) {
    if (html.isEmpty()) {
      return new Result("", false);
    }
    Document dirty = Jsoup.parseBodyFragment(html);
    boolean hadRemote = false;
    for (Element img : dirty.select("img[src]")) {
      String src = img.attr("src").strip().toLowerCase(java.util.Locale.ROOT);
      if (src.startsWith("http:") || src.startsWith("https:") || src.startsWith("//")) {
        hadRemote = true;
      }
    }
    // Background images and CSS are dropped with the style attributes and tags.
    Document clean = new Cleaner(showImages ? WITH_IMAGES : ALLOWED).clean(dirty);
    clean.outputSettings().prettyPrint(false);
    return new Result(clean.body().html(), hadRemote && !showImages);
  }

  /** The text of an HTML body (for previews and search). */
  public static String text(String html) {
    return html.isEmpty() ? "" : Jsoup.parse(html).text();
  }
}
