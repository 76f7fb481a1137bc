package dev.musubi.calendar;

import dev.musubi.testing.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/** A DAV request as a client sends it: HTTP Basic with the member's password, any method. */
final class DavRequests {

  private DavRequests() {}

  static HttpResponse<String> send(
      HttpClient http,
      int port,
      String method,
      String path,
      String login,
      @Nullable String body,
      String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (login + ":" + Fixtures.PASSWORD).getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
