package dev.musubi.platform.web;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A domain error that the API answers as an RFC 9457 problem. Build through {@link Problems}; the
 * message is the human {@code title}/{@code detail} and must never carry secrets.
 */
public class ProblemException extends RuntimeException {

  private final HttpStatus status;
  private final String type;
  private final List<FieldError> errors;
  private final Map<String, String> headers;

  public ProblemException(HttpStatus status, String type, String detail, List<FieldError> errors) {
    this(status, type, detail, errors, Map.of());
  }

  public ProblemException(
      HttpStatus status,
      String type,
      String detail,
      List<FieldError> errors,
      Map<String, String> headers) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
    this.errors = List.copyOf(errors);
    this.headers = Map.copyOf(headers);
  }

  public HttpStatus status() {
    return status;
  }

  /** The stable problem type code, e.g. {@code validation}. */
  public String type() {
    return type;
  }

  public URI typeUri() {
    return URI.create("urn:musubi:problem:" + type);
  }

  public List<FieldError> errors() {
    return errors;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /**
   * One invalid field: its JSON name, a stable code and a human message (English; the common
   * messages are answered in the request's language, see {@code FieldMessages.properties}).
   */
  public record FieldError(String field, String code, String message) {

    /** {@code required}: the field is missing or blank. */
    public static FieldError required(String field) {
      return new FieldError(field, "required", FieldMessages.english("required"));
    }

    /** {@code range}: a number outside {@code min..max}, both inclusive. */
    public static FieldError range(String field, long min, long max) {
      return new FieldError(field, "range", FieldMessages.english("range", min, max));
    }

    /** {@code too_long}: a text longer than {@code max} characters. */
    public static FieldError tooLong(String field, int max) {
      return new FieldError(field, "too_long", FieldMessages.english("too_long", max));
    }
  }
}
