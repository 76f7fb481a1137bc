package dev.musubi.platform.web;

import dev.musubi.platform.web.ProblemException.FieldError;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** Factory for the problems the API answers. Types are stable codes; see docs/api.md. */
public final class Problems {

  private Problems() {}

  /** 404: the thing does not exist, or the caller may not know it exists. */
  public static ProblemException notFound() {
    return new ProblemException(HttpStatus.NOT_FOUND, "not-found", "Not found.", List.of());
  }

  public static ProblemException unauthenticated() {
    return new ProblemException(
        HttpStatus.UNAUTHORIZED, "unauthenticated", "Sign-in required.", List.of());
  }

  /** 401 for a failed sign-in; the same text whatever the reason (no enumeration). */
  public static ProblemException badCredentials() {
    return new ProblemException(
        HttpStatus.UNAUTHORIZED,
        "bad-credentials",
        "The login ID or password is incorrect.",
        List.of());
  }

  public static ProblemException forbidden(String detail) {
    return new ProblemException(HttpStatus.FORBIDDEN, "forbidden", detail, List.of());
  }

  public static ProblemException forbidden(String type, String detail) {
    return new ProblemException(HttpStatus.FORBIDDEN, type, detail, List.of());
  }

  public static ProblemException conflict(String type, String detail) {
    return new ProblemException(HttpStatus.CONFLICT, type, detail, List.of());
  }

  public static ProblemException badRequest(String detail) {
    return new ProblemException(HttpStatus.BAD_REQUEST, "bad-request", detail, List.of());
  }

  /** 422 with one field error. */
  public static ProblemException invalid(String field, String code, String message) {
    return invalid(List.of(new FieldError(field, code, message)));
  }

  /** 422 with one field error. */
  public static ProblemException invalid(FieldError error) {
    return invalid(List.of(error));
  }

  /** 422 with field errors. */
  public static ProblemException invalid(List<FieldError> errors) {
    return new ProblemException(
        HttpStatus.UNPROCESSABLE_CONTENT, "validation", "The request has invalid fields.", errors);
  }

  public static ProblemException tooManyRequests(long retryAfterSeconds) {
    return new ProblemException(
        HttpStatus.TOO_MANY_REQUESTS,
        "rate-limited",
        "Too many requests; try again later.",
        List.of(),
        Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
  }
}
