package dev.musubi.identity.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * The Content-Security-Policy header. Scripts come only from our origin; the one inline script of
 * the web client, its import map, is allowed by its SHA-256 hash, computed at start-up from {@code
 * static/index.html}, so no {@code 'unsafe-inline'} is needed.
 */
@Component
class ContentSecurityPolicy {

  private static final Pattern IMPORT_MAP =
      Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL);

  private final String header;

  ContentSecurityPolicy() {
    String scriptSrc = "'self'";
    String hash = importMapHash();
    if (hash != null) {
      scriptSrc += " 'sha256-" + hash + "'";
    }
    this.header =
        "default-src 'self'; script-src "
            + scriptSrc
            + "; style-src 'self'; img-src 'self' data: blob:; connect-src 'self';"
            + " font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none';"
            + " form-action 'self'";
  }

  String header() {
    return header;
  }

  private static @org.jspecify.annotations.Nullable String importMapHash() {
    ClassPathResource index = new ClassPathResource("static/index.html");
    if (!index.exists()) {
      return null;
    }
    try (InputStream in = index.getInputStream()) {
      String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Matcher m = IMPORT_MAP.matcher(html);
      if (!m.find()) {
        return null;
      }
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot read static/index.html", e);
    }
  }
}
