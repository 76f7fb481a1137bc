package dev.musubi.mail.smtp;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings under {@code musubi.smtp.*} (env {@code MUSUBI_SMTP_*}).
 *
 * @param enabled whether the server starts (it also needs the mailbox store)
 * @param port the port, {@code 2525} by default (25 in production); {@code 0} picks a free one
 * @param address the address to bind, {@code 0.0.0.0} by default (all interfaces: mail comes from
 *     the internet); tests bind {@code 127.0.0.1}
 * @param hostname the name in the greeting and in the trace headers; the machine's name when empty
 * @param maxConnections open connections in all
 * @param maxConnectionsPerAddress open connections from one client IP address
 * @param maxMessageSize the largest message accepted (advertised as {@code SIZE})
 * @param maxRecipients recipients per message
 * @param maxCommandsWithoutMail commands that deliver nothing (HELO, NOOP, RSET, VRFY, errors, …)
 *     before the connection is closed; the count starts again after each accepted message
 * @param maxLineLength the longest DATA text line in octets including CRLF (RFC 5321 §4.5.3.1.6)
 * @param commandTimeout how long the server waits for a command or for more DATA (RFC 5321
 *     §4.5.3.2.7 suggests 5 minutes)
 * @param connectionTimeout how long one connection may last in all
 * @param unknownRecipientLimit unknown or unhosted recipients one client IP may try within {@code
 *     unknownRecipientWindow} before every RCPT from it gets {@code 421}
 * @param unknownRecipientWindow see {@code unknownRecipientLimit}
 * @param dns the DNS server ({@code host} or {@code host:port}) for SPF, DKIM and DMARC lookups;
 *     the system's resolvers when empty
 * @param dnsTimeout how long one sender check waits for DNS
 * @param tls STARTTLS key store; STARTTLS is offered only when it is set
 */
@ConfigurationProperties("musubi.smtp")
public record SmtpProperties(
    @Nullable Boolean enabled,
    @Nullable Integer port,
    @Nullable String address,
    @Nullable String hostname,
    @Nullable Integer maxConnections,
    @Nullable Integer maxConnectionsPerAddress,
    @Nullable DataSize maxMessageSize,
    @Nullable Integer maxRecipients,
    @Nullable Integer maxCommandsWithoutMail,
    @Nullable Integer maxLineLength,
    @Nullable Duration commandTimeout,
    @Nullable Duration connectionTimeout,
    @Nullable Integer unknownRecipientLimit,
    @Nullable Duration unknownRecipientWindow,
    @Nullable String dns,
    @Nullable Duration dnsTimeout,
    @Nullable Tls tls) {

  public SmtpProperties {
    enabled = enabled == null || enabled;
    port = port == null ? 2525 : port;
    address = address == null || address.isBlank() ? "0.0.0.0" : address;
    hostname = hostname == null || hostname.isBlank() ? localHostName() : hostname.strip();
    maxConnections = positive(maxConnections, 200);
    maxConnectionsPerAddress = positive(maxConnectionsPerAddress, 32);
    maxMessageSize = maxMessageSize == null ? DataSize.ofMegabytes(25) : maxMessageSize;
    maxRecipients = positive(maxRecipients, 100);
    maxCommandsWithoutMail = positive(maxCommandsWithoutMail, 20);
    maxLineLength = positive(maxLineLength, 1000);
    commandTimeout = commandTimeout == null ? Duration.ofMinutes(5) : commandTimeout;
    connectionTimeout = connectionTimeout == null ? Duration.ofMinutes(30) : connectionTimeout;
    unknownRecipientLimit = positive(unknownRecipientLimit, 5);
    unknownRecipientWindow =
        unknownRecipientWindow == null ? Duration.ofMinutes(10) : unknownRecipientWindow;
    dnsTimeout = dnsTimeout == null ? Duration.ofSeconds(10) : dnsTimeout;
    tls = tls == null ? new Tls(null, null, null) : tls;
  }

  /**
   * @param keyStore path of a PKCS12 (or {@code keyStoreType}) key store with the server's key and
   *     certificate chain
   * @param keyStorePassword its password (also the key's)
   * @param keyStoreType {@code PKCS12} by default
   */
  public record Tls(
      @Nullable String keyStore, @Nullable String keyStorePassword, @Nullable String keyStoreType) {

    public boolean configured() {
      return keyStore != null && !keyStore.isBlank();
    }
  }

  private static int positive(@Nullable Integer value, int fallback) {
    return value == null || value <= 0 ? fallback : value;
  }

  private static String localHostName() {
    try {
      return java.net.InetAddress.getLocalHost().getCanonicalHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }
}
