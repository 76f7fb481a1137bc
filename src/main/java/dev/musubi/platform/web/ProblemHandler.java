package dev.musubi.platform.web;

import dev.musubi.platform.web.ProblemException.FieldError;
import jakarta.validation.ConstraintViolationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** The one place where errors become RFC 9457 {@code application/problem+json}. */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  @ExceptionHandler(ProblemException.class)
  ResponseEntity<ProblemDetail> problem(ProblemException e) {
    return toResponse(e);
  }

  static ResponseEntity<ProblemDetail> toResponse(ProblemException e) {
    ProblemDetail body = body(e);
    var builder = ResponseEntity.status(e.status());
    e.headers().forEach(builder::header);
    return builder.body(body);
  }

  /** The problem body for an exception; also used by the security filters. */
  static ProblemDetail body(ProblemException e) {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    body.setType(e.typeUri());
    body.setTitle(e.status().getReasonPhrase());
    if (!e.errors().isEmpty()) {
      Locale locale = LocaleContextHolder.getLocale();
      body.setProperty(
          "errors",
          e.errors().stream()
              .map(
                  f ->
                      new FieldError(
                          f.field(), f.code(), FieldMessages.localize(f.message(), locale)))
              .toList());
    }
    return body;
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
    // A path variable that is not even a valid ID names nothing the caller may see.
    if (e.getParameter()
        .hasParameterAnnotation(org.springframework.web.bind.annotation.PathVariable.class)) {
      return toResponse(Problems.notFound());
    }
    return toResponse(Problems.invalid(e.getName(), "type", FieldMessages.english("type")));
  }

  @ExceptionHandler(ConstraintViolationException.class)
  ResponseEntity<ProblemDetail> constraint(ConstraintViolationException e) {
    List<FieldError> errors = new ArrayList<>();
    e.getConstraintViolations()
        .forEach(
            v -> {
              String path = v.getPropertyPath().toString();
              String field = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : path;
              errors.add(new FieldError(field, "invalid", v.getMessage()));
            });
    return toResponse(Problems.invalid(errors));
  }

  /** Two requests raced to create the same unique thing; the loser is told so, not a 500. */
  @ExceptionHandler(org.springframework.dao.DuplicateKeyException.class)
  ResponseEntity<ProblemDetail> duplicate(org.springframework.dao.DuplicateKeyException e) {
    return toResponse(Problems.conflict("duplicate", "This already exists; reload and try again."));
  }

  /**
   * Every database connection stayed busy for the pool's whole wait (a burst beyond what the pool
   * serves): the client is told to come back shortly, not that the server failed.
   */
  @ExceptionHandler({
    org.springframework.jdbc.CannotGetJdbcConnectionException.class,
    org.springframework.transaction.CannotCreateTransactionException.class
  })
  ResponseEntity<ProblemDetail> busy(Exception e) {
    log.warn("No database connection within the pool's wait: answering 503 ({})", e.getMessage());
    return toResponse(
        new ProblemException(
            HttpStatus.SERVICE_UNAVAILABLE,
            "busy",
            "The server is busy; try again in a few seconds.",
            List.of(),
            java.util.Map.of("Retry-After", "5")));
  }

  @ExceptionHandler(AccessDeniedException.class)
  ResponseEntity<ProblemDetail> denied(AccessDeniedException e) {
    return toResponse(Problems.forbidden("You may not do this."));
  }

  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<ProblemDetail> illegalArgument(IllegalArgumentException e) {
    return toResponse(Problems.badRequest("The request is not valid."));
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldError> errors = new ArrayList<>();
    ex.getBindingResult()
        .getFieldErrors()
        .forEach(
            f ->
                errors.add(
                    new FieldError(
                        f.getField(),
                        fieldCode(f.getCode()),
                        f.getDefaultMessage() == null
                            ? FieldMessages.english("invalid")
                            : f.getDefaultMessage())));
    ex.getBindingResult()
        .getGlobalErrors()
        .forEach(
            g ->
                errors.add(
                    new FieldError(
                        g.getObjectName(),
                        "invalid",
                        g.getDefaultMessage() == null
                            ? FieldMessages.english("invalid")
                            : g.getDefaultMessage())));
    return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT)
        .body(body(Problems.invalid(errors)));
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldError> errors = new ArrayList<>();
    ex.getParameterValidationResults()
        .forEach(
            r ->
                r.getResolvableErrors()
                    .forEach(
                        err ->
                            errors.add(
                                new FieldError(
                                    r.getMethodParameter().getParameterName() == null
                                        ? "parameter"
                                        : r.getMethodParameter().getParameterName(),
                                    "invalid",
                                    err.getDefaultMessage() == null
                                        ? FieldMessages.english("invalid")
                                        : err.getDefaultMessage()))));
    return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT)
        .body(body(Problems.invalid(errors)));
  }

  @Override
  protected ResponseEntity<Object> createResponseEntity(
      @Nullable Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
    if (body instanceof ProblemDetail pd
        && (pd.getType() == null || "about:blank".equals(pd.getType().toString()))) {
      pd.setType(java.net.URI.create("urn:musubi:problem:" + codeFor(statusCode)));
    }
    return super.createResponseEntity(body, headers, statusCode, request);
  }

  /** Bean Validation codes as API codes; {@code @Size} is only used for upper bounds here. */
  private static String fieldCode(@Nullable String constraint) {
    if (constraint == null) {
      return "invalid";
    }
    return switch (constraint) {
      case "Size" -> "too_long";
      case "NotBlank", "NotNull", "NotEmpty" -> "required";
      default -> constraint.toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String codeFor(HttpStatusCode status) {
    return switch (status.value()) {
      case 400 -> "bad-request";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 406 -> "not-acceptable";
      case 413 -> "too-large";
      case 415 -> "unsupported-media-type";
      default -> "http-" + status.value();
    };
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) throws Exception {
    if (e instanceof org.springframework.web.ErrorResponse) {
      throw e;
    }
    log.error("Unexpected error", e);
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred.");
    body.setType(java.net.URI.create("urn:musubi:problem:internal"));
    return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(body);
  }
}
