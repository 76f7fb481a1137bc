package dev.musubi.mail.smtp;

import dev.musubi.mail.MailInbound;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
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
  private final Set<SmtpSession> sessions = ConcurrentHashMap.newKeySet();
  private final ConnectionLimits limits;
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
    this.limits =
        new ConnectionLimits(properties.maxConnections(), properties.maxConnectionsPerAddress());
    this.recipientThrottle =
        new RecipientThrottle(
            properties.unknownRecipientLimit(), properties.unknownRecipientWindow(), clock);
    Gauge.builder("musubi.smtp.sessions", sessions, Set::size)
        .description("Open inbound SMTP connections")
        .register(meters);
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
      sslContext = properties.tls().configured() ? loadTls(properties.tls()) : null;
      senderChecks = new SenderChecks(dns);
      dns.setTimeOut((int) Math.max(1, properties.dnsTimeout().toSeconds()));
      var socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(
          new InetSocketAddress(InetAddress.getByName(properties.address()), properties.port()),
          properties.maxConnections());
      serverSocket = socket;
      notStartedReason = null;
      Thread.ofVirtual().name("smtp-accept").start(() -> acceptLoop(socket));
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

  private void acceptLoop(ServerSocket socket) {
    while (!socket.isClosed()) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (IOException e) {
        if (!socket.isClosed()) {
          log.warn("SMTP accept failed: {}", e.toString());
        }
        continue;
      }
      String clientIp = connection.getInetAddress().getHostAddress();
      String clientKey = clientKey(connection.getInetAddress());
      if (!limits.tryAcquire(clientKey)) {
        Thread.ofVirtual().start(() -> refuseConnection(connection));
        continue;
      }
      Thread.ofVirtual()
          .name("smtp-" + clientIp)
          .start(
              () -> {
                SmtpSession session = null;
                try {
                  session = new SmtpSession(this, connection);
                  sessions.add(session);
                  session.run();
                } catch (IOException | RuntimeException e) {
                  log.debug("SMTP session from {} failed: {}", clientIp, e.toString());
                } finally {
                  if (session != null) {
                    sessions.remove(session);
                  }
                  closeQuietly(connection);
                  limits.release(clientKey);
                }
              });
    }
  }

  /**
   * What per-client limits count by: the IPv4 address, or the /64 of an IPv6 address (one
   * subscriber usually holds a whole /64, so counting single IPv6 addresses would bound nothing).
   */
  static String clientKey(InetAddress address) {
    if (address instanceof java.net.Inet6Address) {
      byte[] bytes = address.getAddress();
      return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
    }
    return address.getHostAddress();
  }

  /** RFC 5321 §3.1: a server that cannot take the connection may greet with 421 and close. */
  private void refuseConnection(Socket connection) {
    try (connection) {
      connection.setSoTimeout(5000);
      connection
          .getOutputStream()
          .write(
              ("421 4.7.0 " + properties.hostname() + " Too many connections, try again later\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      countRefused("connections");
    } catch (IOException ignored) {
      // The client is gone already.
    }
  }

  @Override
  public synchronized void stop() {
    var socket = serverSocket;
    serverSocket = null;
    if (socket != null) {
      closeQuietly(socket);
      sessions.forEach(SmtpSession::shutdown);
      log.info("SMTP server stopped");
    }
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

  SSLSocket wrapTls(Socket plain) throws IOException {
    var factory = java.util.Objects.requireNonNull(sslContext).getSocketFactory();
    return (SSLSocket)
        factory.createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
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

  private static SSLContext loadTls(SmtpProperties.Tls tls)
      throws IOException, GeneralSecurityException {
    String type = tls.keyStoreType() == null ? "PKCS12" : tls.keyStoreType();
    char[] password =
        tls.keyStorePassword() == null ? new char[0] : tls.keyStorePassword().toCharArray();
    var keyStore = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(Path.of(tls.keyStore()))) {
      keyStore.load(in, password);
    }
    var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(keyStore, password);
    var context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }
}
