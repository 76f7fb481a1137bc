package dev.musubi.mail;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Where the SMTP server hands the mail it receives: the mailbox store answers who may receive mail
 * here and stores each message durably before the server replies {@code 250}.
 */
public interface MailInbound {

  /** What {@code RCPT TO} answers for an address. */
  enum Recipient {
    /** A member, alias or distribution list of a company hosted here. */
    LOCAL,
    /** The domain is hosted here but nobody has this address. */
    UNKNOWN,
    /** The domain is not hosted here: relaying to it is refused. */
    NOT_HOSTED
  }

  /**
   * Looks up an address, case-insensitively on the domain (the local part as the store decides).
   */
  Recipient recipient(String address);

  /** Whether the domain (ASCII or Unicode) is one of the mail domains hosted here. */
  boolean isHostedDomain(String domain);

  /**
   * Stores the message for every recipient and returns only once it is durable. {@code raw} is the
   * message as received, with the trace headers the server prepends ({@code Received}, {@code
   * Authentication-Results}); the store reads it to the end and does not close it.
   *
   * @throws MailRejectedException when the company's policy or a mailbox refuses the message
   */
  Delivery deliver(Envelope envelope, InputStream raw) throws IOException;

  /** Records in the mail log a message the server refused before storing it. */
  void refused(Envelope envelope, String reason);

  /**
   * One message's envelope as the server received it.
   *
   * @param mailFrom the reverse path, empty for a bounce ({@code MAIL FROM:<>})
   * @param recipients the accepted forward paths, each {@link Recipient#LOCAL}
   * @param remoteAddress the client's IP address
   * @param helo the name the client gave in {@code EHLO}/{@code HELO}
   * @param auth what SPF, DKIM and DMARC said about the message
   * @param size the size of {@code raw} in bytes, when known
   */
  record Envelope(
      String mailFrom,
      List<String> recipients,
      String remoteAddress,
      String helo,
      Instant receivedAt,
      AuthResults auth,
      long size) {}

  /**
   * The sender checks, each {@code pass}, {@code fail}, {@code softfail}, {@code neutral}, {@code
   * none}, {@code temperror} or {@code permerror} as RFC 8601 names them.
   *
   * @param fromDomain the domain of the {@code From:} header, the one DMARC aligns with
   */
  record AuthResults(String spf, String dkim, String dmarc, @Nullable String fromDomain) {
    public static AuthResults none() {
      return new AuthResults("none", "none", "none", null);
    }
  }

  /** The stored message: the mail log's id for it and how many mailboxes it went into. */
  record Delivery(UUID id, int mailboxes) {}

  /** A refusal the SMTP server passes on to the client. */
  final class MailRejectedException extends IOException {
    private final boolean permanent;
    private final String enhancedCode;

    /**
     * @param permanent {@code 5xx} when true, {@code 4xx} (try again later) when false
     * @param enhancedCode the RFC 3463 code, e.g. {@code 5.7.1} or {@code 4.2.2}
     */
    public MailRejectedException(boolean permanent, String enhancedCode, String message) {
      super(message);
      this.permanent = permanent;
      this.enhancedCode = enhancedCode;
    }

    public boolean permanent() {
      return permanent;
    }

    public String enhancedCode() {
      return enhancedCode;
    }
  }
}
