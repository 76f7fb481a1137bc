package dev.musubi.identity.internal;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseCookie;

/** The session cookie: HttpOnly, SameSite=Lax, Secure when served over TLS. */
public final class SessionCookies {

  public static final String NAME = "MUSUBI_SESSION";

  private SessionCookies() {}

  public static @Nullable String read(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return null;
    }
    for (Cookie c : cookies) {
      if (NAME.equals(c.getName()) && c.getValue() != null && !c.getValue().isEmpty()) {
        return c.getValue().length() > 100 ? null : c.getValue();
      }
    }
    return null;
  }

  public static void write(
      HttpServletRequest request, HttpServletResponse response, String secret) {
    response.addHeader(
        "Set-Cookie",
        ResponseCookie.from(NAME, secret)
            .httpOnly(true)
            .secure(request.isSecure())
            .sameSite("Lax")
            .path("/")
            .build()
            .toString());
  }

  public static void clear(HttpServletRequest request, HttpServletResponse response) {
    response.addHeader(
        "Set-Cookie",
        ResponseCookie.from(NAME, "")
            .httpOnly(true)
            .secure(request.isSecure())
            .sameSite("Lax")
            .path("/")
            .maxAge(0)
            .build()
            .toString());
  }
}
