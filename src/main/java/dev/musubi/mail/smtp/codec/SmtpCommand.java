package dev.musubi.mail.smtp.codec;

import org.jspecify.annotations.Nullable;

/** The commands the server understands, RFC 5321 §4.1.1 and the advertised extensions. */
public sealed interface SmtpCommand {

  /** {@code EHLO} ({@code extended}) or {@code HELO}. */
  record Hello(String domain, boolean extended) implements SmtpCommand {}

  /**
   * {@code MAIL FROM:<reverse-path>}; {@code reversePath} is empty for the null path {@code <>}.
   *
   * @param size the RFC 1870 {@code SIZE=} the client declared, or {@code -1}
   * @param eightBitMime whether {@code BODY=8BITMIME} was given (RFC 6152)
   * @param smtpUtf8 whether {@code SMTPUTF8} was given (RFC 6531 §3.4)
   */
  record MailFrom(String reversePath, long size, boolean eightBitMime, boolean smtpUtf8)
      implements SmtpCommand {}

  /** {@code RCPT TO:<forward-path>}. */
  record RcptTo(String forwardPath) implements SmtpCommand {}

  record Data() implements SmtpCommand {}

  record Reset() implements SmtpCommand {}

  record Noop() implements SmtpCommand {}

  record Quit() implements SmtpCommand {}

  record Verify(String argument) implements SmtpCommand {}

  record Expand(String argument) implements SmtpCommand {}

  record Help(@Nullable String topic) implements SmtpCommand {}

  record StartTls() implements SmtpCommand {}

  /**
   * RFC 4954 §4: {@code AUTH mechanism [initial-response]}.
   *
   * @param mechanism the SASL mechanism name in upper case
   * @param initialResponse the base64 initial response, {@code "="} for an empty one, or {@code
   *     null} when none was given
   */
  record Auth(String mechanism, @Nullable String initialResponse) implements SmtpCommand {}

  /** A command verb the server does not implement ({@code BDAT}, {@code TURN}, …). */
  record Unsupported(String verb) implements SmtpCommand {}
}
