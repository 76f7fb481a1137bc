package dev.musubi.drive.web;

import dev.musubi.drive.DriveLinks;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /s/{token}}: sharing links for people outside the company, without sign-in. The password,
 * when the link has one, travels in the {@code X-Link-Password} header (never in the URL, so it
 * stays out of logs and browser history).
 */
@RestController
class ShareController {

  private final DriveLinks links;
  private final Downloads downloads;

  ShareController(DriveLinks links, Downloads downloads) {
    this.links = links;
    this.downloads = downloads;
  }

  @GetMapping("/s/{token}")
  DriveLinks.PublicView inspect(@PathVariable String token, HttpServletResponse response) {
    Downloads.safetyHeaders(response);
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("Referrer-Policy", "no-referrer");
    return links.inspect(token);
  }

  @GetMapping("/s/{token}/content")
  void content(
      @PathVariable String token,
      @RequestHeader(value = "X-Link-Password", required = false) @Nullable String password,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    response.setHeader("Referrer-Policy", "no-referrer");
    downloads.send(links.use(token, password), request, response);
  }
}
