package dev.musubi.mail.smtp;

import dev.musubi.mail.MailInbound;
import dev.musubi.mail.internal.ProtocolSessions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import org.apache.james.jspf.core.DNSService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The inbound SMTP server: starts with the application when mail is enabled and a {@link
 * MailInbound} (the mailbox store) is present, one virtual thread per connection.
 */
@Component
public class SmtpServer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SmtpProperties properties;
  private final ObjectProvider<MailInbound> inboundProvider;
  private final DNSService dns;
  private final Clock clock;
  private final MeterRegistry meters;
  private final ProtocolSessions<SmtpSession> sessions;
  private final SmtpAcceptor acceptor;
  private final RecipientThrottle recipientThrottle;

  private volatile @Nullable ServerSocket serverSocket;
  private volatile @Nullable String notStartedReason;
  private @Nullable MailInbound inbound;
  private @Nullable SenderChecks senderChecks;
  private @Nullable SSLContext sslContext;

  SmtpServer(
      SmtpProperties properties,
      ObjectProvider<MailInbound> inbound,
      @Qualifier("smtp") DNSService dns,
      Clock clock,
      MeterRegistry meters) {
    this.properties = properties;
    this.inboundProvider = inbound;
    this.dns = dns;
    this.clock = clock;
    this.meters = meters;
    this.acceptor =
        new SmtpAcceptor(
            "smtp",
            properties.hostname(),
            properties.maxConnections(),
            properties.maxConnectionsPerAddress(),
            this::serve,
            () -> countRefused("connections"));
    this.recipientThrottle =
        new RecipientThrottle(
            properties.unknownRecipientLimit(), properties.unknownRecipientWindow(), clock);
    this.sessions =
        new ProtocolSessions<>("musubi.smtp.sessions", "Open inbound SMTP connections", meters);
  }

  @Override
  public synchronized void start() {
    if (serverSocket != null) {
      return;
    }
    if (!properties.enabled()) {
      notStartedReason = "disabled (musubi.smtp.enabled=false)";
      log.info("SMTP server not started: {}", notStartedReason);
      return;
    }
    inbound = inboundProvider.getIfAvailable();
    if (inbound == null) {
      notStartedReason = "no mailbox store (MailInbound) in this build";
      log.info("SMTP server not started: {}", notStartedReason);
      return;
    }
    try {
      sslContext = properties.tls().configured() ? SmtpTls.context(properties.tls()) : null;
      senderChecks = new SenderChecks(dns);
      dns.setTimeOut((int) Math.max(1, properties.dnsTimeout().toSeconds()));
      var socket =
          SmtpAcceptor.bind(properties.address(), properties.port(), properties.maxConnections());
      serverSocket = socket;
      notStartedReason = null;
      acceptor.start(socket);
      log.info(
          "SMTP server listening on {}:{}{}",
          properties.address(),
          socket.getLocalPort(),
          sslContext != null ? " (STARTTLS)" : "");
    } catch (IOException | GeneralSecurityException e) {
      notStartedReason = "cannot listen: " + e.getMessage();
      throw new IllegalStateException("SMTP server cannot start: " + e.getMessage(), e);
    }
  }

  private void serve(Socket connection) throws IOException {
    var session = new SmtpSession(this, connection);
    sessions.add(session);
    try {
      session.run();
    } finally {
      sessions.remove(session);
    }
  }

  /** See {@link SmtpAcceptor#clientKey}. */
  static String clientKey(InetAddress address) {
    return SmtpAcceptor.clientKey(address);
  }

  @Override
  public synchronized void stop() {
    var socket = serverSocket;
    serverSocket = null;
    if (socket != null) {
      closeQuietly(socket);
      drainSessions();
      log.info("SMTP server stopped");
    }
  }

  /**
   * Graceful stop: idle sessions are told {@code 421} and closed at once; sessions in a mail
   * transaction may finish it (a message whose data has begun is stored and acknowledged) for up to
   * {@link ProtocolSessions#DRAIN}; whatever is left then is closed (the sender retries: nothing
   * was accepted).
   */
  private void drainSessions() {
    sessions.drain(ProtocolSessions.DRAIN);
  }

  /** Drains in the background, so that the mail servers stopping in this phase drain together. */
  @Override
  public void stop(Runnable callback) {
    ProtocolSessions.stopInBackground("smtp-stop", this::stop, callback);
  }

  @Override
  public boolean isRunning() {
    return serverSocket != null;
  }

  /** Stop before the rest of the application (and the store) goes down. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 100;
  }

  /** The bound port, or {@code -1} when not listening. Tests use port 0 and read it here. */
  public int port() {
    var socket = serverSocket;
    return socket == null ? -1 : socket.getLocalPort();
  }

  /** Why the server is not listening, or {@code null} when it is. */
  public @Nullable String notStartedReason() {
    return notStartedReason;
  }

  int openSessions() {
    return sessions.size();
  }

  SmtpProperties properties() {
    return properties;
  }

  MailInbound inbound() {
    return java.util.Objects.requireNonNull(inbound);
  }

  SenderChecks senderChecks() {
    return java.util.Objects.requireNonNull(senderChecks);
  }

  RecipientThrottle recipientThrottle() {
    return recipientThrottle;
  }

  Clock clock() {
    return clock;
  }

  boolean tlsAvailable() {
    return sslContext != null;
  }

  SSLContext tlsContext() {
    return java.util.Objects.requireNonNull(sslContext);
  }

  String newTraceId() {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  void countAccepted() {
    Counter.builder("musubi.smtp.messages")
        .description("Inbound SMTP messages accepted or refused")
        .tag("result", "accepted")
        .tag("reason", "none")
        .register(meters)
        .increment();
  }

  void countRefused(String reason) {
    Counter.builder("musubi.smtp.messages")
        .description("Inbound SMTP messages accepted or refused")
        .tag("result", "refused")
        .tag("reason", reason)
        .register(meters)
        .increment();
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }
}
