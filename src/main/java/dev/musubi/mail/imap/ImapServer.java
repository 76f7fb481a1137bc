package dev.musubi.mail.imap;

import dev.musubi.identity.MemberSuspended;
import dev.musubi.identity.ProtocolLogins;
import dev.musubi.mail.MailDomains;
import dev.musubi.mail.MailboxChanged;
import dev.musubi.mail.Mailboxes;
import dev.musubi.mail.internal.ConnectionLimits;
import dev.musubi.mail.internal.ProtocolSessions;
import dev.musubi.platform.AfterCommit;
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
import java.time.Clock;
import java.util.HexFormat;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The IMAP server: a plain port with STARTTLS and, when a key store is configured, an implicit TLS
 * port; one virtual thread per connection.
 */
@Component
public class ImapServer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ImapServer.class);

  private final ImapProperties properties;
  private final Mailboxes mailboxes;
  private final MailDomains domains;
  private final ProtocolLogins logins;
  private final Clock clock;
  private final ProtocolSessions<ImapSession> sessions;
  private final ConnectionLimits limits;

  private volatile @Nullable ServerSocket serverSocket;
  private volatile @Nullable ServerSocket tlsServerSocket;
  private volatile @Nullable String notStartedReason;
  private @Nullable SSLContext sslContext;

  ImapServer(
      ImapProperties properties,
      Mailboxes mailboxes,
      MailDomains domains,
      ProtocolLogins logins,
      Clock clock,
      MeterRegistry meters) {
    this.properties = properties;
    this.mailboxes = mailboxes;
    this.domains = domains;
    this.logins = logins;
    this.clock = clock;
    this.limits =
        new ConnectionLimits(properties.maxConnections(), properties.maxConnectionsPerAddress());
    this.sessions = new ProtocolSessions<>("musubi.imap.sessions", "Open IMAP connections", meters);
  }

  @Override
  public synchronized void start() {
    if (serverSocket != null) {
      return;
    }
    if (!properties.enabled()) {
      notStartedReason = "disabled (musubi.imap.enabled=false)";
      log.info("IMAP server not started: {}", notStartedReason);
      return;
    }
    try {
      sslContext = properties.tls().configured() ? loadTls(properties.tls()) : null;
      serverSocket = listen(properties.port(), false);
      if (sslContext != null && properties.tlsPort() >= 0) {
        tlsServerSocket = listen(properties.tlsPort(), true);
      }
      notStartedReason = null;
      log.info(
          "IMAP server listening on {}:{}{}",
          properties.address(),
          port(),
          sslContext == null
              ? " (no TLS key store: STARTTLS off)"
              : " (STARTTLS), implicit TLS on " + tlsPort());
    } catch (IOException | GeneralSecurityException e) {
      notStartedReason = "cannot listen: " + e.getMessage();
      stop();
      throw new IllegalStateException("IMAP server cannot start: " + e.getMessage(), e);
    }
  }

  private ServerSocket listen(int port, boolean implicitTls) throws IOException {
    var socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(
        new InetSocketAddress(InetAddress.getByName(properties.address()), port),
        Math.min(properties.maxConnections(), 1000));
    Thread.ofVirtual()
        .name(implicitTls ? "imaps-accept" : "imap-accept")
        .start(() -> acceptLoop(socket, implicitTls));
    return socket;
  }

  private void acceptLoop(ServerSocket socket, boolean implicitTls) {
    while (!socket.isClosed()) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (IOException e) {
        if (!socket.isClosed()) {
          log.warn("IMAP accept failed: {}", e.toString());
        }
        continue;
      }
      String clientKey = clientKey(connection.getInetAddress());
      if (!limits.tryAcquire(clientKey)) {
        Thread.ofVirtual().start(() -> refuse(connection, implicitTls));
        continue;
      }
      Thread.ofVirtual()
          .name("imap-" + connection.getInetAddress().getHostAddress())
          .start(
              () -> {
                ImapSession session = null;
                Socket s = connection;
                try {
                  // A session writes each response at once (see ImapSession.FlushingInput): no
                  // Nagle wait for the client's delayed ACK before the next one.
                  connection.setTcpNoDelay(true);
                  if (implicitTls) {
                    SSLSocket tls = wrapTls(connection);
                    tls.setSoTimeout((int) properties.loginTimeout().toMillis());
                    tls.startHandshake();
                    s = tls;
                  }
                  session = new ImapSession(this, s, implicitTls);
                  sessions.add(session);
                  session.run();
                } catch (IOException | RuntimeException e) {
                  log.debug("IMAP session ended: {}", e.toString());
                } finally {
                  if (session != null) {
                    sessions.remove(session);
                  }
                  closeQuietly(s);
                  closeQuietly(connection);
                  limits.release(clientKey);
                }
              });
    }
  }

  /** RFC 3501 §7.1.5: a server that will not serve the client says BYE and closes. */
  private void refuse(Socket connection, boolean implicitTls) {
    try (connection) {
      connection.setSoTimeout(5000);
      if (!implicitTls) {
        connection
            .getOutputStream()
            .write(
                "* BYE Too many connections, try again later\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
      }
    } catch (IOException ignored) {
      // The client is gone already.
    }
  }

  /** The limit key of a client: the IPv4 address, or the /64 of an IPv6 address. */
  static String clientKey(InetAddress address) {
    if (address instanceof java.net.Inet6Address) {
      byte[] bytes = address.getAddress();
      return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
    }
    return address.getHostAddress();
  }

  /** Idle sessions of the member look again and tell their clients what changed. */
  @EventListener
  void on(MailboxChanged e) {
    for (ImapSession s : sessions) {
      if (s.belongsTo(e.tenantId(), e.memberId())) {
        s.mailboxChanged();
      }
    }
  }

  /**
   * A suspended member's connections end with {@code * BYE} once the suspension has committed (no
   * event publication record: only this process's sockets are involved).
   */
  @EventListener
  void on(MemberSuspended e) {
    AfterCommit.run(
        () -> {
          for (ImapSession s : sessions) {
            if (s.belongsTo(e.tenantId(), e.memberId())) {
              s.bye("Account suspended");
            }
          }
        });
  }

  /** Signed-in sessions of a member now. */
  int sessionsOf(UUID tenantId, UUID memberId) {
    int n = 0;
    for (ImapSession s : sessions) {
      if (s.belongsTo(tenantId, memberId)) {
        n++;
      }
    }
    return n;
  }

  @Override
  public synchronized void stop() {
    var socket = serverSocket;
    var tls = tlsServerSocket;
    serverSocket = null;
    tlsServerSocket = null;
    if (tls != null) {
      closeQuietly(tls);
    }
    if (socket != null) {
      closeQuietly(socket);
      drainSessions();
      log.info("IMAP server stopped");
    }
  }

  /**
   * Graceful stop: sessions waiting for their client (idle, or in IDLE) hear {@code * BYE} and are
   * closed at once; a command in flight (an APPEND whose message is on its way, a FETCH being
   * answered) may finish for up to {@link ProtocolSessions#DRAIN}, then its session says BYE;
   * whatever is left then is closed.
   */
  private void drainSessions() {
    sessions.drain(ProtocolSessions.DRAIN);
  }

  /** Drains in the background, so that the mail servers stopping in this phase drain together. */
  @Override
  public void stop(Runnable callback) {
    ProtocolSessions.stopInBackground("imap-stop", this::stop, callback);
  }

  @Override
  public boolean isRunning() {
    return serverSocket != null;
  }

  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 100;
  }

  /** The bound plain port, or {@code -1}. */
  public int port() {
    var socket = serverSocket;
    return socket == null ? -1 : socket.getLocalPort();
  }

  /** The bound implicit TLS port, or {@code -1}. */
  public int tlsPort() {
    var socket = tlsServerSocket;
    return socket == null ? -1 : socket.getLocalPort();
  }

  public @Nullable String notStartedReason() {
    return notStartedReason;
  }

  int openSessions() {
    return sessions.size();
  }

  ImapProperties properties() {
    return properties;
  }

  Mailboxes mailboxes() {
    return mailboxes;
  }

  MailDomains domains() {
    return domains;
  }

  ProtocolLogins logins() {
    return logins;
  }

  Clock clock() {
    return clock;
  }

  boolean tlsAvailable() {
    return sslContext != null;
  }

  SSLSocket wrapTls(Socket plain) throws IOException {
    var factory = java.util.Objects.requireNonNull(sslContext).getSocketFactory();
    var tls =
        (SSLSocket)
            factory.createSocket(
                plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
    tls.setUseClientMode(false);
    return tls;
  }

  private static SSLContext loadTls(ImapProperties.Tls tls)
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
