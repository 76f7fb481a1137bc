package dev.musubi.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP client for integration tests, like a browser: keeps cookies, sends the CSRF token
 * from the {@code XSRF-TOKEN} cookie on state-changing requests, or a bearer token if set.
 */
public class ApiClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String base;
  private final CookieManager cookies = new CookieManager();
  private final HttpClient http;
  private @Nullable String bearer;
  private final Map<String, String> extraHeaders = new LinkedHashMap<>();

  public ApiClient(int port) {
    this.base = "http://127.0.0.1:" + port;
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** A response: status, headers and body (parsed as JSON when it is JSON). */
  public record Response(int status, HttpResponse<String> raw) {
    public JsonNode json() {
      return raw.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(raw.body());
    }

    public String body() {
      return raw.body();
    }

    public @Nullable String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    /** The problem type code, e.g. {@code validation} for {@code urn:musubi:problem:validation}. */
    public String problemType() {
      String type = json().path("type").asString("");
      return type.startsWith("urn:musubi:problem:") ? type.substring(19) : type;
    }
  }

  public ApiClient bearer(@Nullable String token) {
    this.bearer = token;
    return this;
  }

  public ApiClient header(String name, String value) {
    extraHeaders.put(name, value);
    return this;
  }

  public ApiClient withoutHeader(String name) {
    extraHeaders.remove(name);
    return this;
  }

  public Response get(String path) {
    return send("GET", path, null);
  }

  public Response delete(String path) {
    return send("DELETE", path, null);
  }

  public Response post(String path, @Nullable Object body) {
    return send("POST", path, body);
  }

  public Response patch(String path, Object body) {
    return send("PATCH", path, body);
  }

  public Response put(String path, Object body) {
    return send("PUT", path, body);
  }

  /** Sends without the CSRF header (to prove that it is required). */
  public Response postWithoutCsrf(String path, Object body) {
    return send("POST", path, body, false);
  }

  public Response send(String method, String path, @Nullable Object body) {
    return send(method, path, body, true);
  }

  /**
   * Sends a body exactly as given, with the given content type (none if null) and, when {@code
   * csrf} is not null, that value as the CSRF header (to prove what is refused).
   */
  public Response sendRaw(
      String method,
      String path,
      @Nullable String rawBody,
      @Nullable String contentType,
      @Nullable String csrf) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(30))
              .header("Accept", "application/json")
              .method(
                  method,
                  rawBody == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(rawBody));
      if (contentType != null) {
        b.header("Content-Type", contentType);
      }
      if (bearer != null) {
        b.header("Authorization", "Bearer " + bearer);
      }
      extraHeaders.forEach(b::header);
      if (csrf != null) {
        b.header("X-XSRF-TOKEN", csrf);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The CSRF token this client holds (fetching one first if it has none). */
  public String csrf() {
    if (csrfToken() == null) {
      get("/api/v1/auth/csrf");
    }
    String token = csrfToken();
    if (token == null) {
      throw new IllegalStateException("No XSRF-TOKEN cookie");
    }
    return token;
  }

  private Response send(String method, String path, @Nullable Object body, boolean withCsrf) {
    try {
      String json =
          body == null ? "" : (body instanceof String s ? s : JSON.writeValueAsString(body));
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(30))
              .header("Accept", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(json));
      if (body != null) {
        b.header("Content-Type", "application/json");
      }
      if (bearer != null) {
        b.header("Authorization", "Bearer " + bearer);
      }
      extraHeaders.forEach(b::header);
      if (withCsrf && !method.equals("GET")) {
        String token = csrfToken();
        if (token == null && bearer == null) {
          get("/api/v1/auth/csrf");
          token = csrfToken();
        }
        if (token != null) {
          b.header("X-XSRF-TOKEN", token);
        }
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public @Nullable String cookie(String name) {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals(name))
        .map(HttpCookie::getValue)
        .findFirst()
        .orElse(null);
  }

  public void setCookie(String name, String value) {
    HttpCookie c = new HttpCookie(name, value);
    c.setPath("/");
    c.setVersion(0);
    cookies.getCookieStore().add(URI.create(base), c);
  }

  public void clearCookies() {
    cookies.getCookieStore().removeAll();
  }

  private @Nullable String csrfToken() {
    return cookie("XSRF-TOKEN");
  }

  /** Signs in with a password; asserts nothing, returns the response. */
  public Response login(String loginId, String password) {
    return post("/api/v1/auth/login", Map.of("loginId", loginId, "password", password));
  }
}
