package dev.musubi.identity;

/** A refused {@link ProtocolLogins#authenticate}: the reason decides the protocol's reply. */
public class ProtocolLoginException extends RuntimeException {

  /** Why the credentials were refused. */
  public enum Reason {
    /** Wrong login ID or password (never says which). */
    INVALID,
    /** Too many attempts: retry after {@link #retryAfterSeconds()}. */
    THROTTLED,
    /** Two-step verification is on: an app password is needed. */
    APP_PASSWORD_REQUIRED,
    /** The company's IP allowlist does not include the client. */
    IP_NOT_ALLOWED,
    /** The password has expired and must be changed on the web first. */
    PASSWORD_EXPIRED,
    /** The app password lacks the read and write scopes. */
    INSUFFICIENT_SCOPE
  }

  private final Reason reason;
  private final long retryAfterSeconds;

  public ProtocolLoginException(Reason reason, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public Reason reason() {
    return reason;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
