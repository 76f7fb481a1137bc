package dev.musubi.mail.imap;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code musubi.imap.*} (env {@code MUSUBI_IMAP_*}).
 *
 * @param enabled whether the server starts
 * @param port the STARTTLS/plain port, {@code 1143} by default; {@code 0} picks a free one
 * @param tlsPort the implicit TLS port, {@code 1993} by default, used only when a key store is
 *     configured; {@code 0} picks a free one, {@code -1} turns it off
 * @param address the address to bind, {@code 0.0.0.0} by default (mail clients connect from
 *     anywhere); tests bind {@code 127.0.0.1}
 * @param hostname the name in the greeting; the machine's name when empty
 * @param maxConnections open connections in all
 * @param maxConnectionsPerAddress open connections from one client IP (IPv6: one /64)
 * @param maxConnectionsPerMember open signed-in connections of one member
 * @param maxLineLength the longest command line in octets, literals not counted
 * @param maxBadCommands commands answered with BAD before the connection is closed
 * @param loginTimeout how long a connection may wait before signing in, and between commands before
 *     that
 * @param idleTimeout how long a signed-in connection may be silent, IDLE included (RFC 3501 §5.4:
 *     at least 30 minutes)
 * @param allowPlaintextLoopback whether LOGIN and AUTHENTICATE work without TLS from a loopback
 *     address (true by default; other addresses always need TLS)
 * @param tls the key store for STARTTLS and the implicit TLS port
 */
@ConfigurationProperties("musubi.imap")
public record ImapProperties(
    @Nullable Boolean enabled,
    @Nullable Integer port,
    @Nullable Integer tlsPort,
    @Nullable String address,
    @Nullable String hostname,
    @Nullable Integer maxConnections,
    @Nullable Integer maxConnectionsPerAddress,
    @Nullable Integer maxConnectionsPerMember,
    @Nullable Integer maxLineLength,
    @Nullable Integer maxBadCommands,
    @Nullable Duration loginTimeout,
    @Nullable Duration idleTimeout,
    @Nullable Boolean allowPlaintextLoopback,
    @Nullable Tls tls) {

  public ImapProperties {
    enabled = enabled == null || enabled;
    port = port == null ? 1143 : port;
    tlsPort = tlsPort == null ? 1993 : tlsPort;
    address = address == null || address.isBlank() ? "0.0.0.0" : address;
    hostname = hostname == null || hostname.isBlank() ? localHostName() : hostname.strip();
    maxConnections = positive(maxConnections, 1000);
    maxConnectionsPerAddress = positive(maxConnectionsPerAddress, 50);
    maxConnectionsPerMember = positive(maxConnectionsPerMember, 20);
    maxLineLength = positive(maxLineLength, 64 * 1024);
    maxBadCommands = positive(maxBadCommands, 20);
    loginTimeout = loginTimeout == null ? Duration.ofSeconds(60) : loginTimeout;
    idleTimeout = idleTimeout == null ? Duration.ofMinutes(30) : idleTimeout;
    allowPlaintextLoopback = allowPlaintextLoopback == null || allowPlaintextLoopback;
    tls = tls == null ? new Tls(null, null, null) : tls;
  }

  /**
   * The same shape as the SMTP server's key store settings.
   *
   * @param keyStore path of a PKCS12 (or {@code keyStoreType}) key store with the key and chain
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
