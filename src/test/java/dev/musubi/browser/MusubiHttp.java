package dev.musubi.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.testing.TotpCodes;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

/**
 * A signed-in API client for test fixtures: its own cookie jar, and the CSRF header the server
 * expects on state-changing requests (double-submit of the XSRF-TOKEN cookie).
 */
final class MusubiHttp {

  static final String OPERATOR_PASSWORD = "operator-test-Password-1";
  static final String ADMIN_PASSWORD = "Yuki-Tsuki-Hana-2468!";

  private final String base;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http;

  MusubiHttp(int port) {
    this.base = "http://127.0.0.1:" + port;
    this.http = HttpClient.newBuilder().cookieHandler(cookies).build();
  }

  /** A company of its own for one test: {@code kanri@<domain>} holds every admin role. */
  record TestCompany(String name, String domain, String adminLoginId, String adminPassword) {}

  static TestCompany newCompany(int port, String name) {
    String domain = "t" + UUID.randomUUID().toString().substring(0, 8) + ".example.jp";
    MusubiHttp operator = new MusubiHttp(port);
    operator.signIn("operator", OPERATOR_PASSWORD);
    String admin = "kanri@" + domain;
    operator.post(
        "/api/v1/operator/companies",
        json(
            "name", name, "domain", domain, "adminLoginId", admin, "adminPassword", ADMIN_PASSWORD),
        201);
    return new TestCompany(name, domain, admin, ADMIN_PASSWORD);
  }

  MusubiHttp signIn(String loginId, String password) {
    send("GET", "/api/v1/auth/csrf", null, 200);
    String status =
        send("POST", "/api/v1/auth/login", json("loginId", loginId, "password", password), 200);
    assertThat(status).contains("\"ok\"");
    send("GET", "/api/v1/auth/csrf", null, 200);
    return this;
  }

  /** Turns on two-step verification for the signed-in member; returns the Base32 secret. */
  String enrolTotp() {
    String setup = post("/api/v1/me/mfa/totp/setup", "{}", 200);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"secret\"\\s*:\\s*\"([A-Z2-7=]+)\"").matcher(setup);
    assertThat(m.find()).as("secret in %s", setup).isTrue();
    String secret = m.group(1);
    post(
        "/api/v1/me/mfa/totp/activate",
        json("code", TotpCodes.code(secret, TotpCodes.step(System.currentTimeMillis()))),
        200);
    return secret;
  }

  String post(String path, String body, int expected) {
    return send("POST", path, body, expected);
  }

  String send(String method, String path, String body, int expected) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json");
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    String csrf = csrfCookie();
    if (csrf != null && !method.equals("GET")) {
      b.header("X-XSRF-TOKEN", csrf);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).as("%s %s → %s", method, path, res.body()).isEqualTo(expected);
      return res.body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String csrfCookie() {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals("XSRF-TOKEN"))
        .map(HttpCookie::getValue)
        .findFirst()
        .orElse(null);
  }

  /** A flat JSON object from alternating keys and string values. */
  static String json(String... keyValues) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < keyValues.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(quote(keyValues[i])).append(':').append(quote(keyValues[i + 1]));
    }
    return sb.append('}').toString();
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
