package dev.musubi.mail.submission;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings under {@code musubi.submission.*} (env {@code MUSUBI_SUBMISSION_*}). TLS uses the key
 * store of {@code musubi.smtp.tls}; the host name is {@code musubi.smtp.hostname}.
 *
 * @param enabled whether the server starts
 * @param port the submission port with STARTTLS, {@code 1587} by default (587 in production);
 *     {@code 0} picks a free one
 * @param tlsPort a port with implicit TLS (465-style, RFC 8314 §3.3); only when set and a key store
 *     is configured; {@code 0} picks a free one
 * @param address the address to bind, {@code 0.0.0.0} by default
 * @param allowPlaintextLoopback whether AUTH is offered without TLS to a client on a loopback
 *     address ({@code true} by default: a webmail proxy or tests on the same machine)
 * @param maxMessageSize the upper bound for all companies; the company's mail policy may lower it
 * @param maxConnections open connections in all
 * @param maxConnectionsPerAddress open connections from one client address (or IPv6 /64)
 * @param maxConnectionsPerMember open connections signed in as one member
 * @param maxAuthFailures failed AUTH attempts on one connection before it is closed
 * @param maxCommandsWithoutMail commands that send nothing before the connection is closed
 * @param commandTimeout how long the server waits for a command or for more DATA
 * @param connectionTimeout how long one connection may last in all
 */
@ConfigurationProperties("musubi.submission")
public record SubmissionProperties(
    @Nullable Boolean enabled,
    @Nullable Integer port,
    @Nullable Integer tlsPort,
    @Nullable String address,
    @Nullable Boolean allowPlaintextLoopback,
    @Nullable DataSize maxMessageSize,
    @Nullable Integer maxConnections,
    @Nullable Integer maxConnectionsPerAddress,
    @Nullable Integer maxConnectionsPerMember,
    @Nullable Integer maxAuthFailures,
    @Nullable Integer maxCommandsWithoutMail,
    @Nullable Duration commandTimeout,
    @Nullable Duration connectionTimeout) {

  public SubmissionProperties {
    enabled = enabled == null || enabled;
    port = port == null ? 1587 : port;
    address = address == null || address.isBlank() ? "0.0.0.0" : address.strip();
    allowPlaintextLoopback = allowPlaintextLoopback == null || allowPlaintextLoopback;
    maxMessageSize = maxMessageSize == null ? DataSize.ofMegabytes(50) : maxMessageSize;
    maxConnections = positive(maxConnections, 200);
    maxConnectionsPerAddress = positive(maxConnectionsPerAddress, 20);
    maxConnectionsPerMember = positive(maxConnectionsPerMember, 10);
    maxAuthFailures = positive(maxAuthFailures, 3);
    maxCommandsWithoutMail = positive(maxCommandsWithoutMail, 50);
    commandTimeout = commandTimeout == null ? Duration.ofMinutes(5) : commandTimeout;
    connectionTimeout = connectionTimeout == null ? Duration.ofMinutes(30) : connectionTimeout;
  }

  private static int positive(@Nullable Integer value, int fallback) {
    return value == null || value <= 0 ? fallback : value;
  }
}
